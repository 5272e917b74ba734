"""Realistic data made from a seed: regions and their cities, days of field work, stock problems.

- ``cities``: the real regions, their cities, roads and water, and
  ``km_between`` (the dispatch engine's haversine, for two points);
- ``catalogue``: what is serviced (product lines, parts, tools) and how work
  is mixed (job kinds, durations, opening hours, shifts, SLA commitments);
- ``places``: points on land around a city or out along its roads;
- ``day``: a day of dispatch work, assembled from ``crew`` (engineers),
  ``jobs`` and ``depots`` on the day's ``clock``;
- ``stock_problem``: a spare-parts planning problem;
- ``roads``: a day's places moved onto an OSRM road map.

Imports ``dispatch`` (the contract builders, travel) and ``inventory`` (the
stock problem's schema name); no other part of ``scenarios``.
"""
