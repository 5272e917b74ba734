"""Security headers on pages and API answers, and public paths matched exactly."""

from __future__ import annotations

from api.headers import API_POLICY, PAGES_POLICY
from tests.api.conftest import World


def test_api_answers_can_neither_run_nor_be_framed(world: World) -> None:
    for r in (world.get("dispatcher", "/api/v1/me"), world.client.get("/api/v1/me")):
        assert r.headers["Content-Security-Policy"] == API_POLICY
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in API_POLICY and "script-src" not in API_POLICY


def test_pages_load_only_their_own_scripts_and_are_never_framed(world: World) -> None:
    r = world.client.get("/login")
    assert r.status_code == 200
    assert r.headers["Content-Security-Policy"] == PAGES_POLICY
    assert "script-src 'self';" in PAGES_POLICY and "frame-ancestors 'none'" in PAGES_POLICY
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_public_paths_are_matched_exactly(world: World) -> None:
    assert world.client.get("/api/v1/health").status_code == 200
    assert world.client.get("/api/v1/openapi.json").status_code == 200
    docs = world.client.get("/api/v1/docs")
    assert docs.status_code == 200 and "Content-Security-Policy" not in docs.headers
    for path in ("/api/v1/healthz", "/api/v1/health/x", "/api/v1/openapi.jsonx", "/api/v1/docsx"):
        r = world.client.get(path)
        assert r.status_code == 401, path
