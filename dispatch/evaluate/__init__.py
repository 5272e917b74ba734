"""Judging a plan without the solver: timing, KPIs, the validator, why jobs are left out.

Every time, lateness and figure is recomputed from the ordered stops
(``timing``, ``kpi``); ``check`` is the independent validator; ``eligibility``
says which engineers may serve a job; ``diagnose`` names the reason for each
unassigned job; ``replay`` drives a plan on other travel times. Imports
``dispatch.io`` and below.
"""
