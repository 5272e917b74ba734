"""Realistic data made from a seed: regions and their cities, days of field work, stock problems.

``cities`` holds the real regions; ``day`` makes a day of dispatch work in one,
``stock`` a spare-parts planning problem, ``roads`` places a day on an OSRM
road map. Imports ``dispatch`` and ``inventory``.
"""
