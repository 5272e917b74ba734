"""Realistic data made from a seed: regions and their cities, days of field work, stock problems.

``cities`` holds the real regions (and ``km_between``, the dispatch engine's
haversine for two points); ``catalogue`` what is serviced (product lines, parts, tools) and how
work is mixed (job kinds, durations, opening hours, shifts, SLA commitments);
``places`` puts points on land around a city or out along its roads; ``day``
makes a day of dispatch work from them, ``stock`` a spare-parts planning
problem, ``roads`` moves a day's places onto an OSRM road map. Imports
``dispatch`` and ``inventory``, and nothing else of ``scenarios``.
"""
