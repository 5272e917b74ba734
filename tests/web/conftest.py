"""The pages in a real browser: headless Chromium (Debian's package) driven by Playwright.

The service runs on a loopback port in a thread of the test process, on a
temporary SQLite file holding a small generated region (6 engineers, 24 jobs
on a Monday); plans run in the background thread executor as in production.
Without Chromium the tests are skipped, unless ``FIELDPLAN_REQUIRE_BROWSER=1``
(``.ci/run`` installs it and sets that).
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.serving import make_server

from api import create_app
from api.demo import seed
from scenarios.generator.day import generate_dispatch

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask

DAY = date(2026, 11, 30)  # a Monday
CHROMIUM = (
    os.environ.get("FIELDPLAN_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
#: Chromium flags for a closed machine: no sandbox as root, no calls home.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@dataclass
class Service:
    app: Flask
    base: str
    tokens: dict[str, str]
    day: str


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("FIELDPLAN_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (FIELDPLAN_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def service(tmp_path: Any) -> Iterator[Service]:
    yield from _serve(
        tmp_path, generate_dispatch(6, 24, 3, region="shanghai", date=DAY.isoformat())
    )


@pytest.fixture
def crew_service(tmp_path: Any) -> Iterator[Service]:
    """The same kind of day with crew jobs, trainees and preferred engineers."""
    data = generate_dispatch(
        6,
        24,
        3,
        region="shanghai",
        date=DAY.isoformat(),
        crew_share=0.15,
        speeds=True,
        preferences=True,
    )
    yield from _serve(tmp_path, data)


def _serve(tmp_path: Any, data: dict[str, Any]) -> Iterator[Service]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    app = create_app({"DATABASE_URL": url, "RUN_EXECUTOR": "thread"})
    with app.extensions["fieldplan.db"].sessions() as s, s.begin():
        tokens = seed(s, data, "shanghai", DAY)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Service(app, f"http://127.0.0.1:{server.server_port}", tokens, DAY.isoformat())
    finally:
        server.shutdown()
        app.extensions["fieldplan.executor"].shutdown()
        app.extensions["fieldplan.db"].dispose()
