"""Where things are and how long it takes between them, behind one ``TravelModel`` interface.

Points on the earth or a plane (``locations``); great-circle and Euclidean
estimates and explicit matrices (``providers``); an OSRM table client
(``osrm``). Imports only ``dispatch.errors``.
"""
