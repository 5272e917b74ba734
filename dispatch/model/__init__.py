"""What a dispatch problem and its plan are: frozen inputs that validate themselves.

Engineers, jobs, depots and options (``entities``), the ``Problem`` aggregate,
route drafts as the search builds them (``draft``), the plan (``plan``), the
closed vocabularies (``reasons``), units and clocks (``units``), SLA calendars
(``sla``) and the state of the day (``day_state``). Imports only
``dispatch.travel`` (locations, and the network the problem builds) and
``dispatch.errors``.
"""
