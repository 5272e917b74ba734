"""Running OSRM on this machine: install its programs, build a map, serve it on loopback.

Debian ships no OSRM, but the PyPI wheel ``osrm-bindings`` carries statically
linked ``osrm-extract``, ``osrm-partition``, ``osrm-customize`` and
``osrm-routed`` with the car profile. They run as plain subprocesses, so the
wheel is unpacked with ``pip install --target`` into a directory of its own
(``FIELDPLAN_OSRM_HOME``, by default under the user's cache) rather than into
the environment: the wheel is tagged for CPython 3.12 only for its Python
module, which fieldplan never imports. Maps are built for the multi-level
Dijkstra (MLD) pipeline, which needs no contraction step and rebuilds a small
extract in about a second. The server listens on 127.0.0.1 only; OSRM's own
default, 0.0.0.0, would publish it on every interface.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from fieldplan.ports import free_port

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import TracebackType

ENV_HOME = "FIELDPLAN_OSRM_HOME"
OSRM_VERSION = "26.10.0"
WHEEL = f"osrm-bindings=={OSRM_VERSION}"
#: The server's own limit on a table request; the travel provider asks in blocks anyway.
SERVE_TABLE_SIZE = 1000
#: Files the MLD pipeline leaves once osrm-customize has run.
_BUILT = (".partition", ".cells", ".mldgr", ".cell_metrics")
_MAP_SUFFIXES = (".pbf", ".bz2", ".osm")


class OsrmError(RuntimeError):
    """OSRM cannot be installed, run, or built from: the message says what to do."""


def osrm_home() -> Path:
    """Where the programs live: ``$FIELDPLAN_OSRM_HOME``, else ``<cache>/fieldplan/osrm``."""
    configured = os.environ.get(ENV_HOME)
    if configured:
        return Path(configured).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "fieldplan" / "osrm"


@dataclass(frozen=True, slots=True)
class OsrmPrograms:
    """The unpacked wheel: its programs and the car profile."""

    home: Path
    version: str

    @property
    def bin(self) -> Path:
        return self.home / "osrm" / "bin"

    @property
    def car_profile(self) -> Path:
        return self.home / "osrm" / "share" / "profiles" / "car.lua"

    def program(self, name: str) -> Path:
        return self.bin / f"osrm-{name}"


def find_programs(home: Path | None = None) -> OsrmPrograms | None:
    """The installed programs, or None when ``home`` lacks any of them."""
    home = osrm_home() if home is None else home
    version = _installed_version(home)
    if version is None:
        return None
    programs = OsrmPrograms(home, version)
    needed = [programs.program(n) for n in ("extract", "partition", "customize", "routed")]
    if not all(os.access(p, os.X_OK) for p in needed) or not programs.car_profile.is_file():
        return None
    return programs


def require_programs(home: Path | None = None) -> OsrmPrograms:
    """The installed programs; raises :class:`OsrmError` with the install command if missing."""
    home = osrm_home() if home is None else home
    programs = find_programs(home)
    if programs is None:
        raise OsrmError(
            f"the OSRM programs are not installed in {home}: run `fieldplan osrm install` "
            f"(or set {ENV_HOME} to the directory holding them)"
        )
    return programs


def install(home: Path | None = None) -> OsrmPrograms:
    """Unpack the ``osrm-bindings`` wheel into ``home`` unless this version is already there.

    The wheel is unpacked beside ``home`` first and moved in only once its
    programs run, so a failed install leaves what was there before.

    Raises
    ------
    OsrmError
        pip failed (no network, no wheel for this platform) or the programs do not run.
    """
    home = osrm_home() if home is None else home
    found = find_programs(home)
    if found is not None and found.version == OSRM_VERSION:
        return found
    home.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{home.name}-install-", dir=home.parent))
    try:
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-warn-script-location",
            "--target",
            str(staging),
            # abi3 wheel for CPython >= 3.12; only its Python module cares, and it is not used
            "--python-version",
            "3.12",
            "--only-binary=:all:",
            "--no-deps",
            WHEEL,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise OsrmError(f"pip could not install {WHEEL}:\n{_tail(done.stderr or done.stdout)}")
        programs = find_programs(staging)
        if programs is None:
            raise OsrmError(f"{WHEEL} did not contain the OSRM programs and the car profile")
        check_runs(programs)
        if home.exists():
            shutil.rmtree(home)
        staging.rename(home)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return OsrmPrograms(home, OSRM_VERSION)


def check_runs(programs: OsrmPrograms) -> str:
    """The version ``osrm-routed`` reports, proving it runs on this machine."""
    done = _run([str(programs.program("routed")), "--version"], None)
    return done.stdout.strip()


def map_name(source: Path) -> str:
    """``andorra`` for ``andorra.osm.pbf``: the base name of the built files."""
    name = source.name
    while True:
        for suffix in _MAP_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                break
        else:
            return name


def build(source: Path, out_dir: Path, programs: OsrmPrograms, threads: int = 2) -> Path:
    """Build an MLD routing graph for cars from an OpenStreetMap extract.

    Parameters
    ----------
    source
        An ``.osm.pbf`` (or ``.osm``, ``.osm.bz2``) file.
    out_dir
        Where the ``NAME.osrm.*`` files go; the source's directory is not written to.
    programs, threads
        The OSRM programs, and how many threads each step may use.

    Returns
    -------
    Path
        The base path ``out_dir/NAME.osrm`` that ``osrm-routed`` takes.

    Raises
    ------
    OsrmError
        The source is missing or a step failed; ``out_dir`` then holds what it held before.
    """
    if not source.is_file():
        raise OsrmError(f"{source}: no such map file")
    name = map_name(source)
    source, out_dir = source.resolve(), out_dir.resolve()  # the steps run inside out_dir
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
    try:
        base = staging / f"{name}.osrm"
        t = ["--threads", str(threads)]
        profile = str(programs.car_profile)
        _run(
            [
                str(programs.program("extract")),
                "-p",
                profile,
                *t,
                str(source),
                "-o",
                str(base),
            ],
            staging,
        )
        _run([str(programs.program("partition")), *t, str(base)], staging)
        _run([str(programs.program("customize")), *t, str(base)], staging)
        for built in sorted(staging.iterdir()):
            built.replace(out_dir / built.name)
    except BaseException:
        shutil.rmtree(out_dir if created else staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return out_dir / f"{name}.osrm"


def find_map(path: Path) -> Path:
    """The ``NAME.osrm`` base in a build directory (or the base itself), checked complete."""
    if path.is_dir():
        bases = sorted(p.with_suffix("") for p in path.glob("*.osrm.cell_metrics"))
        if not bases:
            raise OsrmError(f"{path}: no built map here: run `fieldplan osrm build MAP.osm.pbf`")
        if len(bases) > 1:
            names = ", ".join(b.name for b in bases)
            raise OsrmError(f"{path}: several maps ({names}): name the .osrm file to serve")
        return bases[0]
    base = path
    if base.suffix != ".osrm":
        raise OsrmError(f"{path}: give a build directory or its NAME.osrm, not a map source")
    missing = [s for s in _BUILT if not base.with_name(base.name + s).is_file()]
    if missing:
        raise OsrmError(
            f"{path}: not a complete MLD build (no {', '.join(missing)}): "
            "run `fieldplan osrm build MAP.osm.pbf` again"
        )
    return base


class OsrmServer:
    """A running ``osrm-routed`` on 127.0.0.1; stopping it (or leaving ``with``) ends it."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: IO[bytes] | None) -> None:
        self.process = process
        self.port = port
        self._log = log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self) -> int:
        """Block until the server exits; its exit code."""
        return self.process.wait()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask the server to stop, kill it if it does not, and release its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> OsrmServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(
    base: Path,
    programs: OsrmPrograms,
    port: int | None = None,
    *,
    max_table_size: int = SERVE_TABLE_SIZE,
    threads: int = 2,
    log: Path | None = None,
    ready_timeout_s: float = 30.0,
) -> OsrmServer:
    """Start ``osrm-routed`` on 127.0.0.1 and return once it answers.

    Parameters
    ----------
    base
        A built map (see :func:`find_map`).
    port
        The port; None picks a free one (and another if that one is taken meanwhile).
    max_table_size, threads
        ``osrm-routed``'s limit on sources and destinations of a table request, and
        its worker threads.
    log
        A file for the server's log; None leaves it on this process's output.
    ready_timeout_s
        How long the server may take to load the map and answer.

    Raises
    ------
    OsrmError
        The server exited or did not answer in time; the message quotes its log.
    """
    base = find_map(base)
    attempt = 0
    while True:
        attempt += 1
        chosen = free_port() if port is None else port
        command = [
            str(programs.program("routed")),
            "--ip",
            "127.0.0.1",
            "--port",
            str(chosen),
            "--algorithm",
            "MLD",
            "--max-table-size",
            str(max_table_size),
            "--threads",
            str(threads),
            str(base),
        ]
        sink = open(log, "wb") if log is not None else None  # the server owns it; stop() closes
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT if sink else None)
        server = OsrmServer(process, chosen, sink)
        try:
            _await_answer(server, ready_timeout_s)
        except OsrmError as exc:
            server.stop()
            if port is None and attempt < 3 and _port_taken(log):
                continue  # another program took the free port first
            told = f"\n{_tail(log.read_text(errors='replace'))}" if log is not None else ""
            raise OsrmError(f"{exc}{told}") from None
        except BaseException:
            server.stop()
            raise
        return server


def _await_answer(server: OsrmServer, timeout_s: float) -> None:
    """Poll the server (bounded by ``timeout_s``) until it answers any HTTP request."""
    deadline = time.monotonic() + timeout_s
    probe = f"{server.url}/nearest/v1/driving/0,0"
    while True:
        code = server.process.poll()
        if code is not None:
            raise OsrmError(f"osrm-routed exited with code {code} on port {server.port}")
        try:
            with urllib.request.urlopen(probe, timeout=1.0) as answer:
                answer.read()
            return
        except urllib.error.HTTPError as exc:
            exc.close()
            return  # any HTTP answer means it is serving
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise OsrmError(f"osrm-routed did not answer on {server.url} within {timeout_s:g} s")
        time.sleep(0.05)


def _port_taken(log: Path | None) -> bool:
    if log is None:
        return True  # nothing to read: trying another port costs little
    return "address already in use" in log.read_text(errors="replace").lower()


def _installed_version(home: Path) -> str | None:
    """The wheel version pip recorded in ``home``, or None when it is not there."""
    found = sorted(home.glob("osrm_bindings-*.dist-info"))
    if not found:
        return None
    return found[-1].name.removeprefix("osrm_bindings-").removesuffix(".dist-info")


def _run(command: Sequence[str], cwd: Path | None) -> subprocess.CompletedProcess[str]:
    """Run one OSRM program; a failure quotes the end of its output."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise OsrmError(f"{command[0]} cannot run here: {exc.strerror}") from None
    if done.returncode != 0:
        name = Path(command[0]).name
        raise OsrmError(
            f"{name} failed (exit code {done.returncode}):\n{_tail(done.stdout + done.stderr)}"
        )
    return done


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
