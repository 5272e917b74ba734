"""The outer layer that makes data and studies from the pure solvers.

- ``instances``: readers of public benchmarks (Solomon, Pillac);
- ``generator``: seeded realistic regions, days of work and stock problems;
- ``day_whatif``: one day planned again under changes (engineers, SLA);
- ``study``: what-if studies over simulated weeks.

Imports ``dispatch`` and ``inventory``; never the service (``api``) or the
command (``fieldplan``).
"""
