"""Input the engines refuse is one 422 per kind; a road server that is down is a 503, not bad input.

The answers of each kind of refused input are pinned here exactly (message
prefix, location and field), as clients read them; an OSRM server nobody runs
is played by a loopback port nobody listens on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from api import create_app
from api.models import Run
from dispatch.errors import ProblemError
from dispatch.model.sla import SlaError
from dispatch.travel.locations import GeoPoint
from dispatch.travel.providers import LocationError, TravelServiceError
from fieldplan.ports import free_port
from inventory.errors import InventoryError
from scenarios.study.scenario_file import StudyError
from tests.api.conftest import MONDAY, World, job_body

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask.testing import FlaskClient

SHAPE = {"code", "status", "message", "errors"}


@pytest.fixture
def raising(tmp_path: Any) -> Iterator[FlaskClient]:
    """A service with one more route, outside the API (no token), raising the error it is told to."""
    url = f"sqlite:///{tmp_path / 'errors.db'}"
    app = create_app({"DATABASE_URL": url, "RUN_EXECUTOR": "inline", "TESTING": True})
    errors: dict[str, Exception] = {}

    def boom(name: str) -> None:
        raise errors[name]

    app.add_url_rule("/raise/<name>", "raise", boom)
    app.config["ERRORS"] = errors
    yield app.test_client()
    app.extensions["fieldplan.db"].dispose()


@pytest.mark.parametrize(
    ("error", "code", "message", "errors"),
    [
        (
            ProblemError("jobs[J1].duration_min", "must be > 0"),
            422,
            "the dispatch problem is invalid: jobs[J1].duration_min: must be > 0",
            {"problem": {"jobs[J1].duration_min": ["jobs[J1].duration_min: must be > 0"]}},
        ),
        (  # a subclass gets its base's answer
            LocationError(GeoPoint(41.0, 3.0), "cannot be snapped to a road"),
            422,
            "the dispatch problem is invalid: travel: point (lat 41.0, lon 3.0) cannot be snapped to a road",
            {
                "problem": {
                    "travel": ["travel: point (lat 41.0, lon 3.0) cannot be snapped to a road"]
                }
            },
        ),
        (
            SlaError("coverage", "must be 7x24 or business_hours"),
            422,
            "SLA deadline cannot be computed: coverage: must be 7x24 or business_hours",
            {"json": {"coverage": ["must be 7x24 or business_hours"]}},
        ),
        (
            InventoryError("parts", "must be an array"),
            422,
            "the stock problem is invalid: parts: must be an array",
            {"json": {"parts": ["parts: must be an array"]}},
        ),
        (
            StudyError("days", "must be >= 1"),
            422,
            "the input is invalid: days: must be >= 1",
            {"json": {"days": ["days: must be >= 1"]}},
        ),
        (
            TravelServiceError("travel.url", "the OSRM server at http://osrm cannot be reached"),
            503,
            "the travel service is unavailable: travel.url: the OSRM server at http://osrm cannot be reached",
            {"problem": {"travel.url": ["the OSRM server at http://osrm cannot be reached"]}},
        ),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None,
)
def test_each_kind_of_refused_input_has_its_answer(
    raising: FlaskClient, error: Exception, code: int, message: str, errors: dict[str, Any]
) -> None:
    raising.application.config["ERRORS"]["it"] = error
    r = raising.get("/raise/it")
    assert r.status_code == code and set(r.json) == SHAPE and r.json["code"] == code
    assert r.json["message"] == message and r.json["errors"] == errors
    assert r.json["status"] == {422: "Unprocessable Entity", 503: "Service Unavailable"}[code]


def _published_plan(world: World) -> dict[str, Any]:
    for body in (job_body("J1"), job_body("J2", site="S2", contract="K2")):
        assert world.post("dispatcher", "/api/v1/jobs", body).status_code == 201
    run: dict[str, Any] = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    ).json
    assert run["status"] == "done", run["error"]
    assert world.post("dispatcher", f"/api/v1/plans/{run['id']}/publish").status_code == 200
    return run


def _road_server_goes_down(world: World, run_id: int) -> str:
    """The published plan was made on roads whose server is now gone; its address."""
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    with world.sessions() as s, s.begin():
        run = s.get(Run, run_id)
        assert run is not None and run.problem is not None
        run.problem = {**run.problem, "travel": {"kind": "osrm", "url": url}}
    return url


def test_who_answers_503_while_the_road_server_is_down(world: World) -> None:
    run = _published_plan(world)
    url = _road_server_goes_down(world, run["id"])
    world.post("dispatcher", "/api/v1/jobs", job_body("J9", kind="emergency"))
    r = world.post(
        "dispatcher",
        f"/api/v1/plans/{run['id']}/who",
        {"job_id": "J9", "now": "2026-11-30T10:40:00+01:00"},
    )
    assert r.status_code == 503 and set(r.json) == SHAPE
    assert r.json["code"] == 503 and r.json["status"] == "Service Unavailable"
    unreachable = f"the OSRM server at {url} cannot be reached (connection refused)"
    assert r.json["message"].startswith(
        f"the travel service is unavailable: travel.url: {unreachable}"
    )
    (rule,) = r.json["errors"]["problem"]["travel.url"]
    assert rule.startswith(unreachable) and set(r.json["errors"]) == {"problem"}


def test_a_plan_run_on_roads_nobody_serves_fails_saying_so(world: World) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    travel = {"kind": "osrm", "url": url}
    assert world.patch("admin", "/api/v1/regions/metro", {"travel": travel}).status_code == 200
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    r = world.post(
        "dispatcher", "/api/v1/plans", {"region": "metro", "date": MONDAY, "time_limit_s": 1}
    )
    assert r.status_code == 202  # the problem is fine; the road server is not there to ask
    run = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert run["status"] == "failed" and run["result"] is None
    assert run["error"].startswith(
        f"the travel service is unavailable: travel.url: the OSRM server at {url} cannot be reached"
    )


def test_a_replan_on_roads_nobody_serves_fails_saying_so(world: World) -> None:
    run = _published_plan(world)
    url = _road_server_goes_down(world, run["id"])
    r = world.post(
        "dispatcher",
        f"/api/v1/plans/{run['id']}/replan",
        {"now": "2026-11-30T10:40:00+01:00", "time_limit_s": 1},
    )
    assert r.status_code == 202
    replan = world.get("dispatcher", f"/api/v1/plans/{r.json['id']}").json
    assert replan["status"] == "failed" and replan["result"] is None
    assert replan["error"].startswith(
        f"the travel service is unavailable: travel.url: the OSRM server at {url} cannot be reached"
    )
