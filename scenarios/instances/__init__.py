"""Readers of public benchmark instances, written as dispatch problems.

Solomon's VRPTW (``solomon``) and Pillac's technician routing and scheduling
problem (``pillac``), each with its best-known solutions. Imports ``dispatch``
(the contract builders) and no other part of ``scenarios``.
"""
