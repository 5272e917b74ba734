"""Fixtures shared across test packages: a real OSRM server on the Andorra extract.

The extract (1.6 MB) is read from the shared data folder and its tests skip,
saying so, where it is absent; the small reference matrix computed from it
lives with the tests (``tests/data/osm``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fieldplan.osrm_server import OsrmServer, build, find_programs, serve
from scenarios.instances.solomon import shared_dir

if TYPE_CHECKING:
    from collections.abc import Iterator

OSM = shared_dir() / "data" / "osm"
ANDORRA = OSM / "andorra.osm.pbf"
REFERENCE = Path(__file__).parent / "data" / "osm" / "andorra_reference_matrix_10.json"
NO_MAPS = f"no OSM extracts at {OSM} (FIELDPLAN_SHARED names the shared data folder)"
PROGRAMS = find_programs()


@pytest.fixture(scope="session")
def andorra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OsrmServer]:
    """osrm-routed on a free loopback port, serving the shared Andorra extract.

    It keeps OSRM's default table limit (100), so requests larger than that
    are refused as a stock server would refuse them.
    """
    if PROGRAMS is None:
        pytest.skip("OSRM programs not installed: run `make osrm-install`")
    if not ANDORRA.is_file():
        pytest.skip(NO_MAPS)
    out = tmp_path_factory.mktemp("andorra-osrm")
    base = build(ANDORRA, out, PROGRAMS)
    with serve(base, PROGRAMS, max_table_size=100, log=out / "osrm-routed.log") as server:
        yield server
