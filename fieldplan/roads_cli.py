"""`fieldplan osrm ...` and `fieldplan travel ...`: planning on real road travel times."""

from __future__ import annotations

import argparse
import json
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from fieldplan.console import err, out
from fieldplan.files import write_json

if TYPE_CHECKING:
    from collections.abc import Callable

    from fieldplan.osrm_server import OsrmPrograms

_Subparsers = argparse._SubParsersAction  # argparse exposes no public name for it


def register(top: _Subparsers[argparse.ArgumentParser], generate: object) -> None:
    """Add the ``osrm`` and ``travel`` areas to the command line."""
    osrm = top.add_parser(
        "osrm", help="install, build and serve OSRM road maps (on 127.0.0.1 only)"
    ).add_subparsers(dest="command", required=True)
    inst = osrm.add_parser(
        "install",
        help="unpack the OSRM programs (PyPI osrm-bindings) into $FIELDPLAN_OSRM_HOME "
        "or the user's cache",
    )
    inst.set_defaults(handler=_install)

    build = osrm.add_parser("build", help="build a car routing graph from an OpenStreetMap extract")
    build.add_argument("map", type=Path, help="an .osm.pbf file")
    build.add_argument(
        "-o", "--output", type=Path, help="directory for the built files (default: ./NAME-osrm)"
    )
    build.set_defaults(handler=_build)

    serve = osrm.add_parser("serve", help="serve a built map on 127.0.0.1 until Ctrl-C")
    serve.add_argument("map", type=Path, help="a build directory or its NAME.osrm")
    serve.add_argument(
        "--port", type=int, default=5000, help="TCP port (default 5000; 0 picks a free one)"
    )
    serve.add_argument(
        "--max-table-size",
        type=int,
        default=None,
        help="largest table request the server accepts, sources and destinations each "
        "(default 1000)",
    )
    serve.set_defaults(handler=_serve)

    travel = top.add_parser("travel", help="travel times of a problem").add_subparsers(
        dest="command", required=True
    )
    matrix = travel.add_parser(
        "matrix",
        help="write the problem with its travel as explicit matrices (checkable without a server)",
    )
    matrix.add_argument("problem", type=Path)
    matrix.add_argument("-o", "--output", type=Path, required=True)
    matrix.set_defaults(handler=_matrix)


def _install(args: argparse.Namespace) -> int:
    from fieldplan.osrm_server import OSRM_VERSION, OsrmError, check_runs, install, osrm_home

    home = osrm_home()
    try:
        programs = install(home)
        version = check_runs(programs)
    except OsrmError as exc:
        return _fail(exc)
    out.print(
        f"OSRM {version or OSRM_VERSION} programs in {programs.home}",
        highlight=False,
        soft_wrap=True,
    )
    return 0


def _programs() -> OsrmPrograms:
    from fieldplan.osrm_server import require_programs

    return require_programs()


def _build(args: argparse.Namespace) -> int:
    from fieldplan.osrm_server import OsrmError, build, map_name

    out_dir = args.output or Path(f"{map_name(args.map)}-osrm")
    try:
        programs = _programs()
        began = time.perf_counter()
        base = build(args.map, out_dir, programs)
    except OsrmError as exc:
        return _fail(exc)
    out.print(
        f"built {base} from {args.map} in {time.perf_counter() - began:.1f} s; "
        f"serve it with: fieldplan osrm serve {out_dir}",
        highlight=False,
        soft_wrap=True,
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from dispatch.travel.osrm import DEFAULT_TABLE_SIZE
    from fieldplan.osrm_server import SERVE_TABLE_SIZE, OsrmError, serve

    table_size = args.max_table_size or SERVE_TABLE_SIZE
    server = None
    stopping = _stop_on_sigterm()
    try:
        server = serve(args.map, _programs(), args.port or None, max_table_size=table_size)
        section: dict[str, object] = {"kind": "osrm", "url": server.url, "profile": "driving"}
        if table_size > DEFAULT_TABLE_SIZE:
            section["max_table_size"] = table_size  # fewer, larger requests
        out.print(
            f"serving {args.map} on {server.url}; problems use it with the travel section\n"
            f"  {json.dumps(section)}\n"
            "Ctrl-C stops it.",
            highlight=False,
            soft_wrap=True,
        )
        code = server.wait()
    except OsrmError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        out.print("stopped")
        return 0
    finally:
        if server is not None:
            server.stop()
        stopping()
    err.print(f"[bold red]error:[/] osrm-routed exited with code {code}", highlight=False)
    return 1


def _stop_on_sigterm() -> Callable[[], None]:
    """Treat SIGTERM like Ctrl-C, so a service manager's stop also stops osrm-routed.

    Returns what restores the previous handler.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return lambda: None

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def _matrix(args: argparse.Namespace) -> int:
    from dispatch.io.problem_json import with_matrix_travel
    from dispatch.io.reader import read_json

    data = read_json(args.problem)
    kind = data.get("travel", {}).get("kind") if isinstance(data, dict) else None
    began = time.perf_counter()
    materialised = with_matrix_travel(data)
    n = len(materialised["travel"]["points"])
    write_json(args.output, materialised)
    out.print(
        f"{n} x {n} travel matrix ({kind} travel, {time.perf_counter() - began:.1f} s) "
        f"written with the problem to {args.output}",
        highlight=False,
        soft_wrap=True,
    )
    return 0


def road_demo(args: argparse.Namespace, solve_and_report: Callable[..., int]) -> int:
    """The demo on real roads: a day in a region of a shared OSM extract, planned on OSRM times.

    Builds the extract (about a second), serves it on loopback while the sites
    are placed on roads and the travel matrix is fetched, then plans on the
    materialised matrix (checkable without the server). The same day planned
    on great-circle estimates is then driven on the road times, to show what
    straight-line promises are worth.
    """
    from dataclasses import replace

    from dispatch.evaluate.replay import ON_TIME_TOLERANCE_MIN, compare
    from dispatch.io.problem_json import problem_from_json, with_matrix_travel
    from dispatch.solve import solve
    from dispatch.travel.osrm import OsrmTravel
    from fieldplan.osrm_server import OsrmError, build, find_map, find_programs, install, serve
    from scenarios.generator.cities import REGIONS
    from scenarios.generator.day import generate_dispatch
    from scenarios.generator.roads import place_on_roads
    from scenarios.instances.solomon import shared_dir

    region = REGIONS[args.region]
    if region.osm_extract is None:
        with_maps = ", ".join(sorted(n for n, r in REGIONS.items() if r.osm_extract))
        err.print(f"[bold red]error:[/] region '{args.region}' has no road map; try {with_maps}")
        return 2
    extract = shared_dir() / "data" / "osm" / region.osm_extract
    if not extract.is_file():
        err.print(f"[bold red]error:[/] the map {extract} is missing", highlight=False)
        return 2
    args.out_dir.mkdir(parents=True, exist_ok=True)
    maps = args.out_dir / f"{region.name}-osrm"
    try:
        programs = find_programs() or install()
        try:
            base = find_map(maps)
        except OsrmError:
            out.print(f"building the road graph of {extract.name} …", highlight=False)
            base = build(extract, maps, programs)
        data = generate_dispatch(
            args.engineers, args.jobs, args.seed, region=region.name, time_limit_s=args.time_limit
        )
        with serve(base, programs, log=maps / "osrm-routed.log") as server:
            road = place_on_roads(data, OsrmTravel(url=server.url, max_table_size=1000))
            materialised = with_matrix_travel(road)
    except OsrmError as exc:
        return _fail(exc)
    straight = {**road, "travel": data["travel"]}
    problem_path = args.out_dir / "demo-problem.json"
    write_json(problem_path, materialised)
    out.print(
        f"demo day on the roads of {region.name}: {args.engineers} engineers, {args.jobs} jobs, "
        f"OSRM travel times written in -> {problem_path} (map © OpenStreetMap contributors, ODbL)",
        highlight=False,
        soft_wrap=True,
    )
    code = solve_and_report(problem_path, args)
    out.print("the same day planned on straight-line (great-circle) estimates, then driven on roads:")
    estimated = problem_from_json(straight)
    promised = solve(estimated, replace(estimated.options, time_limit_s=args.time_limit))
    c = compare(promised, problem_from_json(materialised))
    out.print(
        f"  {c.started_late} of {c.jobs} jobs would start more than {ON_TIME_TOLERANCE_MIN:g} min "
        f"after the promised time (median {c.median_delay_min:+.0f} min, 90th percentile "
        f"{c.p90_delay_min:+.0f}, worst {c.max_delay_min:+.0f}); {c.windows_missed} access "
        f"windows missed; SLA kept {c.sla_kept} of {c.sla_promised} promised; overtime "
        f"{c.overtime_real_min:.0f} min instead of {c.overtime_promised_min:.0f}",
        highlight=False,
        soft_wrap=True,
    )
    return code


def _fail(exc: Exception) -> int:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return 1
