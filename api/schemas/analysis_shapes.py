"""Shapes of planners' runs: what-if studies of a day, stock plans and multi-day studies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ScenarioRequestSchema(Schema):
    region = fields.String(required=True)
    date = fields.Date(required=True)
    time_limit_s = fields.Float(load_default=10.0, validate=validate.Range(min=1, max=600))
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))
    variants = fields.List(
        fields.Dict(),
        required=True,
        validate=validate.Length(1, 10),
        metadata={
            "description": (
                "changes to the day: remove_engineers (ids); add_engineers, each "
                "{count, like: ENGINEER_ID} (copies of that engineer, with an empty van) or "
                "{count, city: CITY} (copies of the engineer starting nearest that city); "
                "emergency_response_min"
            )
        },
    )


class StockPlanRequestSchema(Schema):
    problem = fields.Dict(
        required=True,
        metadata={
            "description": "a stock problem in the contract form (fieldplan.inventory.problem/1)"
        },
    )


class StudyRequestSchema(Schema):
    study = fields.Dict(
        required=True,
        metadata={
            "description": "a scenario file's content (name, days, seed, baseline, variants); see scenarios/examples"
        },
    )
