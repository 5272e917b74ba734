"""The outer layer that makes data and studies from the pure solvers.

- ``instances``: readers of public benchmarks (Solomon, Pillac);
- ``generator``: seeded realistic regions, days of work and stock problems;
- ``day_whatif``: one day planned again under changes (engineers, SLA);
- ``study``: what-if studies over simulated weeks;
- ``add_engineers``: the one shape of ``add_engineers`` that both what-if
  files (the day's and the study's) read.

Imports ``dispatch``, ``inventory`` and ``pathcheck``; never the service
(``api``) or the command (``fieldplan``). Within it, ``instances`` and
``generator`` import no other part of ``scenarios``; ``day_whatif`` and
``study`` import ``generator`` and ``add_engineers``.
"""
