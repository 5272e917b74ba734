"""What-if studies over weeks: a scenario file, the simulated organisation, the co-simulation.

- ``scenario_file``: reads and checks a study (baseline and variants);
- ``world``: each variant's organisation (sites, faults, team, depots, parts);
- ``cosim``: the ``Simulation`` of a variant, day by day, composing
  ``arrivals`` (faults, planned visits, follow-ups), ``logistics`` (the stock
  plan, vans, depots, refills, orders, deliveries) and ``execution`` (the
  day planned, re-planned and worked);
- ``results``: what a simulated variant records and yields (jobs, day
  figures, the variant's result);
- ``kpis`` and ``report``: the figures summed up and compared;
- ``runner``: the variants simulated in parallel.

Imports ``dispatch``, ``inventory``, ``pathcheck``, ``scenarios.generator``
and ``scenarios.add_engineers``. Inside, ``results`` imports nothing of the
study and ``kpis`` never imports ``cosim``: the simulation sums itself up,
not the reverse.
"""
