"""The audit trail: every write request logged with who made it and what was answered."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.api.conftest import World, job_body


@pytest.fixture
def audit(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="fieldplan.audit")
    yield caplog


def test_each_write_is_logged_with_its_user_and_answer_and_reads_are_not(
    world: World, audit: pytest.LogCaptureFixture
) -> None:
    assert world.post("dispatcher", "/api/v1/jobs", job_body("J1")).status_code == 201
    assert world.post("planner", "/api/v1/jobs", job_body("J2")).status_code == 403
    assert world.client.post("/api/v1/jobs", json=job_body("J3")).status_code == 401
    assert world.get("dispatcher", "/api/v1/jobs/J1").status_code == 200
    lines = [r.getMessage() for r in audit.records if r.name == "fieldplan.audit"]
    assert lines == [
        "dispatcher (dispatcher) POST /api/v1/jobs -> 201",
        "planner (planner) POST /api/v1/jobs -> 403",
        "anonymous POST /api/v1/jobs -> 401",
    ]
