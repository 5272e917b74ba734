"""Road travel times from an OSRM server's table service: the travel kind ``osrm``.

Straight lines promise arrivals an engineer cannot make; OSRM drives the real
road network of an OpenStreetMap extract. The server is asked in blocks of at
most ``max_table_size`` sources by as many destinations, the default 100 being
what ``osrm-routed`` accepts unless started with a larger ``--max-table-size``;
a block the server still finds too big is halved. Only the standard library
speaks HTTP here: a table request is one GET with a JSON answer.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from dispatch.errors import ProblemError, require
from dispatch.travel.locations import GeoPoint, Location
from dispatch.travel.providers import LocationError, TravelMatrices, TravelServiceError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

DEFAULT_URL = "http://127.0.0.1:5000"
#: osrm-routed's default ``--max-table-size``: a block of 100 x 100 always fits.
DEFAULT_TABLE_SIZE = 100
#: A site further than this from any road is more likely a wrong coordinate than a
#: remote customer: OSRM itself snaps any point, even one at sea, to the nearest road.
DEFAULT_SNAP_RADIUS_M = 1000.0

#: Errors after which the same request may well succeed (a server restarting or
#: shedding load); a refused connection or a timeout is reported at once.
_TRANSIENT = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
)
_PROFILE = re.compile(r"^[A-Za-z0-9_-]+$")
_COORDINATE = re.compile(r"coordinate (\d+)")


class _Refusal(Exception):
    """OSRM answered with an error code (``TooBig``, ``NoSegment``, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class RoadTable:
    """OSRM's own figures, before rounding: seconds and metres, row = from, column = to."""

    seconds: NDArray[np.float64]
    metres: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class OsrmTravel:
    """Durations and distances of the fastest road route, from ``osrm-routed``'s table service.

    Parameters
    ----------
    url
        Base address of the server, e.g. ``http://127.0.0.1:5000``.
    profile
        The profile segment of the request; ``osrm-routed`` serves one profile
        whatever this says, so it matters only behind a proxy that routes on it.
    snap_radius_m
        Largest distance from a location to the road OSRM snaps it to.
    max_table_size
        Sources (and destinations) per request.
    timeout_s, retries, backoff_s
        Seconds to wait for an answer; how often to retry a reset connection or
        an HTTP 5xx, waiting ``backoff_s``, then twice that, and so on.
    """

    url: str = DEFAULT_URL
    profile: str = "driving"
    snap_radius_m: float = DEFAULT_SNAP_RADIUS_M
    max_table_size: int = DEFAULT_TABLE_SIZE
    timeout_s: float = 60.0
    retries: int = 3
    backoff_s: float = 0.2
    kind: str = "osrm"
    location_kind: Literal["geo", "plane"] = "geo"

    def __post_init__(self) -> None:
        parsed = urllib.parse.urlsplit(self.url)
        require(
            parsed.scheme in ("http", "https") and bool(parsed.netloc),
            "travel.url",
            f"must be an http:// or https:// address, not '{self.url}'",
        )
        require(
            not parsed.query and not parsed.fragment,
            "travel.url",
            "must be the server's base address, without a query",
        )
        require(
            bool(_PROFILE.match(self.profile)),
            "travel.profile",
            "must be a name of letters, digits, '-' and '_'",
        )
        require(self.snap_radius_m > 0, "travel.snap_radius_m", "must be > 0")
        require(self.max_table_size >= 1, "travel.max_table_size", "must be >= 1")
        require(self.timeout_s > 0, "travel.timeout_s", "must be > 0")
        require(self.retries >= 0, "travel.retries", "must be >= 0")

    @property
    def base(self) -> str:
        return self.url.rstrip("/")

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices:
        """Whole minutes rounded up, as the contract says, and km (to 0.1 m, as OSRM gives)."""
        table = self.table(locations)
        return TravelMatrices(
            minutes=np.ceil(table.seconds / 60.0 - 1e-9).clip(min=0.0),
            km=np.round(table.metres / 1000.0, 4),
        )

    def table(self, locations: Sequence[Location]) -> RoadTable:
        """OSRM's seconds and metres between every pair of ``locations``.

        Raises
        ------
        TravelServiceError
            The server cannot be reached, fails after the retries, or refuses the request.
        LocationError
            A location is further than ``snap_radius_m`` from a road, or two
            locations have no road route between them.
        """
        table = self.table_with_gaps(locations)
        missing = np.argwhere(np.isnan(table.seconds) | np.isnan(table.metres))
        if len(missing):
            i, j = (int(v) for v in missing[0])
            raise LocationError(
                _geo(locations[i]),
                f"has no road route to {{other}} on the OSRM map at {self.base}",
                _geo(locations[j]),
            )
        return table

    def table_with_gaps(self, locations: Sequence[Location]) -> RoadTable:
        """As :meth:`table`, but a pair with no road route between them is NaN, not an error."""
        points = [_geo(p) for p in locations]
        n = len(points)
        seconds = np.zeros((n, n), dtype=np.float64)
        metres = np.zeros((n, n), dtype=np.float64)
        size = self.max_table_size
        for r in range(0, n, size):
            for c in range(0, n, size):
                rows, cols = range(r, min(r + size, n)), range(c, min(c + size, n))
                self._fill(points, rows, cols, seconds, metres)
        return RoadTable(seconds=seconds, metres=metres)

    def nearest(self, location: Location) -> tuple[GeoPoint, float]:
        """The point on the road network OSRM snaps ``location`` to, and how far away it is (m).

        Raises
        ------
        TravelServiceError
            The server cannot be reached or fails after the retries.
        LocationError
            OSRM finds no road for the point at all.
        """
        p = _geo(location)
        url = f"{self.base}/nearest/v1/{self.profile}/{p.lon:.7f},{p.lat:.7f}?number=1"
        answer = self._get(url)
        waypoints = answer.get("waypoints")
        if answer.get("code") != "Ok" or not isinstance(waypoints, list) or not waypoints:
            raise LocationError(
                p,
                f"cannot be snapped to a road on the OSRM map at {self.base} "
                f"(OSRM: {answer.get('code')}: {answer.get('message', '')})",
            )
        first = waypoints[0]
        lon, lat = first["location"]
        return GeoPoint(lat=float(lat), lon=float(lon)), float(first["distance"])

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "url": self.url,
            "profile": self.profile,
            "snap_radius_m": self.snap_radius_m,
            "max_table_size": self.max_table_size,
        }

    # ------------------------------------------------------------ requests --

    def _fill(
        self,
        points: list[GeoPoint],
        rows: range,
        cols: range,
        seconds: NDArray[np.float64],
        metres: NDArray[np.float64],
    ) -> None:
        """Fetch one block into the matrices; halve it while the server says TooBig."""
        try:
            answer = self._request(points, rows, cols)
        except _Refusal as exc:
            if exc.code == "TooBig" and max(len(rows), len(cols)) > 1:
                for part_rows, part_cols in _halves(rows, cols):
                    self._fill(points, part_rows, part_cols, seconds, metres)
                return
            raise self._refused(exc, points, rows, cols) from None
        self._check_snaps(points, rows, answer.get("sources"))
        self._check_snaps(points, cols, answer.get("destinations"))
        block = np.ix_(np.arange(rows.start, rows.stop), np.arange(cols.start, cols.stop))
        seconds[block] = _grid(answer, "durations", len(rows), len(cols), self.base)
        metres[block] = _grid(answer, "distances", len(rows), len(cols), self.base)

    def _request(self, points: list[GeoPoint], rows: range, cols: range) -> dict[str, Any]:
        if rows == cols and len(rows) > 1:  # OSRM wants two coordinates at least
            coords = [points[i] for i in rows]
            query = {}
        else:
            coords = [points[i] for i in rows] + [points[j] for j in cols]
            query = {
                "sources": ";".join(str(k) for k in range(len(rows))),
                "destinations": ";".join(str(len(rows) + k) for k in range(len(cols))),
            }
        query.update(annotations="duration,distance", generate_hints="false")
        # OSRM wants lon,lat; 7 decimals (about 1 cm) keep what a reference query sent.
        path = ";".join(f"{p.lon:.7f},{p.lat:.7f}" for p in coords)
        url = (
            f"{self.base}/table/v1/{self.profile}/{path}?{urllib.parse.urlencode(query, safe=',;')}"
        )
        answer = self._get(url)
        if answer.get("code") != "Ok":
            raise _Refusal(str(answer.get("code")), str(answer.get("message", "")))
        return answer

    def _get(self, url: str) -> dict[str, Any]:
        """GET a JSON answer, retrying transient failures with a doubling back-off."""
        attempt = 0
        while True:
            try:
                with urllib.request.urlopen(url, timeout=self.timeout_s) as response:
                    body = response.read()
            except urllib.error.HTTPError as exc:
                body = exc.read()
                exc.close()
                if exc.code >= 500 and attempt < self.retries:
                    attempt = self._pause(attempt)
                    continue
                answer = _decode(body)
                if answer is not None and "code" in answer:
                    return answer  # OSRM explains its 4xx in the body
                raise self._failure(f"answered HTTP {exc.code} {exc.reason}") from None
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, _TRANSIENT) and attempt < self.retries:
                    attempt = self._pause(attempt)
                    continue
                raise self._unreachable(f"cannot be reached ({_reason(reason)})") from None
            except _TRANSIENT as exc:
                if attempt < self.retries:
                    attempt = self._pause(attempt)
                    continue
                raise self._failure(
                    f"dropped the connection {attempt + 1} times ({_reason(exc)})"
                ) from None
            except TimeoutError:
                raise self._failure(f"did not answer within {self.timeout_s:g} s") from None
            except OSError as exc:
                raise self._unreachable(f"cannot be reached ({_reason(exc)})") from None
            except http.client.HTTPException as exc:
                raise self._failure(f"did not answer in HTTP ({_reason(exc)})") from None
            answer = _decode(body)
            if answer is None:
                raise self._failure("did not answer with JSON: is it an OSRM server?")
            return answer

    def _pause(self, attempt: int) -> int:
        time.sleep(self.backoff_s * 2**attempt)
        return attempt + 1

    def _failure(self, what: str) -> TravelServiceError:
        return TravelServiceError("travel.url", f"the OSRM server at {self.base} {what}")

    def _unreachable(self, why: str) -> TravelServiceError:
        return self._failure(
            f"{why}; start one with `fieldplan osrm serve MAP_DIR` "
            "or point travel.url at a running one"
        )

    def _check_snaps(self, points: list[GeoPoint], which: range, waypoints: object) -> None:
        if not isinstance(waypoints, list) or len(waypoints) != len(which):
            raise self._failure("gave no snapped location for every point")
        for k, waypoint in zip(which, waypoints, strict=True):
            gap = waypoint.get("distance") if isinstance(waypoint, dict) else None
            if not isinstance(gap, int | float):
                raise self._failure("gave no snapping distance for a point")
            if gap > self.snap_radius_m:
                raise LocationError(
                    points[k],
                    f"cannot be snapped to a road on the OSRM map at {self.base}: the nearest "
                    f"is {_length(gap)} away, more than travel.snap_radius_m ({self.snap_radius_m:g} m)",
                )

    def _refused(
        self, exc: _Refusal, points: list[GeoPoint], rows: range, cols: range
    ) -> ProblemError | TravelServiceError:
        found = _COORDINATE.search(exc.message)
        if exc.code in ("NoSegment", "InvalidQuery", "InvalidValue") and found:
            sent = list(rows) if rows == cols and len(rows) > 1 else [*rows, *cols]
            k = int(found.group(1))
            if k < len(sent):
                return LocationError(
                    points[sent[k]],
                    f"cannot be snapped to a road on the OSRM map at {self.base} "
                    f"(OSRM: {exc.code}: {exc.message})",
                )
        return self._failure(f"refused the table request ({exc.code}: {exc.message})")


def _halves(rows: range, cols: range) -> list[tuple[range, range]]:
    """Split the longer side of a block in two."""
    if len(rows) >= len(cols):
        mid = rows.start + len(rows) // 2
        return [(range(rows.start, mid), cols), (range(mid, rows.stop), cols)]
    mid = cols.start + len(cols) // 2
    return [(rows, range(cols.start, mid)), (rows, range(mid, cols.stop))]


def _grid(
    answer: dict[str, Any], key: str, n_rows: int, n_cols: int, base: str
) -> NDArray[np.float64]:
    """One annotation as a float array, NaN where OSRM found no route (null)."""
    raw = answer.get(key)
    if not isinstance(raw, list) or len(raw) != n_rows:
        raise TravelServiceError("travel.url", f"the OSRM server at {base} gave no {key} table")
    try:
        grid = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError):
        grid = np.empty(0)
    if grid.shape != (n_rows, n_cols):
        raise TravelServiceError(
            "travel.url", f"the OSRM server at {base} gave a malformed {key} table"
        )
    return grid


def _decode(body: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return answer if isinstance(answer, dict) else None


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def _length(metres: float) -> str:
    return f"{metres / 1000:,.1f} km" if metres >= 1000 else f"{math.ceil(metres)} m"


def _geo(p: Location) -> GeoPoint:
    if not isinstance(p, GeoPoint):
        raise ProblemError("location", "must be given as lat/lon for travel kind 'osrm'")
    return p
