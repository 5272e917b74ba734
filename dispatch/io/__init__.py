"""The JSON forms of problems, plans and the state of the day (the dispatch contract).

``reader`` reads JSON with its path in hand; ``problem_json``, ``plan_json``,
``state_json`` and ``travel_json`` (the table of travel kinds) read and write
each form; ``contract`` builds contract entities for everyone who writes a
problem. Errors name the JSON path. Imports ``dispatch.model`` and below.
"""
