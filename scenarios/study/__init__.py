"""What-if studies over weeks: a scenario file, the simulated organisation, the co-simulation.

``scenario_file`` reads and checks a study; ``world`` builds each variant's
organisation; ``cosim`` simulates the days (plans, re-plans, parts,
replenishment, carry-over); ``kpis`` and ``report`` sum up and compare;
``runner`` simulates the variants in parallel. Imports ``dispatch``,
``inventory`` and ``scenarios.generator``.
"""
