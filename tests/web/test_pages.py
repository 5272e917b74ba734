"""The dispatcher board and the engineer's day in headless Chromium: flows, layout and hosts."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect
from sqlalchemy import func, select

from api.auth import create_user
from api.models import Assignment, Job, Run
from api.runs.executor import InlineExecutor

if TYPE_CHECKING:
    from tests.web.conftest import Service

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = (
    Path(os.environ.get("FIELDPLAN_SCREENSHOTS", ""))
    if os.environ.get("FIELDPLAN_SCREENSHOTS")
    else None
)

# In the page: what overflows the viewport or its box, and which sibling blocks overlap.
LAYOUT_PROBLEMS = """
(selectors) => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) problems.push(`page is ${doc.scrollWidth}px wide in a ${doc.clientWidth}px viewport`);
  const scrolls = (el) => { for (let e = el; e; e = e.parentElement) { const o = getComputedStyle(e).overflowX; if (o === "auto" || o === "scroll") return true; } return false; };
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")}${el.dataset.job ? "[" + el.dataset.job + "]" : ""}`;
  for (const selector of selectors) {
    const items = [...document.querySelectorAll(selector)].filter(shown);
    for (const el of items) {
      if (!scrolls(el) && el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)} content overflows (${el.scrollWidth} > ${el.clientWidth})`);
      const r = el.getBoundingClientRect();
      if (!scrolls(el.parentElement) && (r.left < -1 || r.right > doc.clientWidth + 1)) problems.push(`${name(el)} sticks out of the viewport`);
    }
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
      if (items[i].parentElement !== items[j].parentElement) continue;
      const a = items[i].getBoundingClientRect(), b = items[j].getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) problems.push(`${name(items[i])} overlaps ${name(items[j])}`);
    }
  }
  return problems;
}
"""
BOARD_BLOCKS = [
    "header.top",
    "main > section",
    ".board-grid > .card",
    ".kpi",
    ".toolbar > *",
    ".issues li",
    ".legend",
]
DAY_BLOCKS = ["header.top", ".stop", ".actions button", ".stop-title", ".address", ".day-head > *"]


def _page(browser: Any, service: Service, viewport: dict[str, int]) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport=viewport)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.set_default_timeout(60_000)
    return page, requested


def _sign_in(page: Any, service: Service, who: str, lands_on: str) -> None:
    page.goto(f"{service.base}/login")
    page.fill("#token", service.tokens[who])
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"**{lands_on}")


def _shot(page: Any, name: str, tmp: Path) -> None:
    folder = SHOTS or tmp
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _layout(page: Any, blocks: list[str]) -> list[str]:
    problems: list[str] = page.evaluate(LAYOUT_PROBLEMS, blocks)
    return problems


def _api(service: Service, who: str, path: str, method: str = "GET", json: Any = None) -> Any:
    client = service.app.test_client()
    r = client.open(
        f"/api/v1{path}",
        method=method,
        json=json,
        headers={"Authorization": f"Bearer {service.tokens[who]}"},
    )
    assert r.status_code < 300, r.json
    return r.json


def test_dispatcher_requests_watches_and_publishes_a_plan(
    browser: Any, service: Service, tmp_path: Path
) -> None:
    page, requested = _page(browser, service, DESKTOP)
    _sign_in(page, service, "dispatcher", "/board")
    page.goto(f"{service.base}/board?region=shanghai&date={service.day}")
    expect(page.locator("#run-status")).to_have_text("No plan for this day yet.")
    page.fill("#time-limit", "2")
    page.click("#request-plan")
    expect(page.locator("#run-status")).to_contain_text("done, not published")
    runs = _api(service, "dispatcher", f"/plans?region=shanghai&date={service.day}")["items"]
    plan = _api(service, "dispatcher", f"/plans/{runs[0]['id']}")["result"]["plan"]
    # every engineer has a row, those without a route say so
    rows = page.locator("svg.gantt g.row")
    expect(rows).to_have_count(6)
    assert sorted(rows.evaluate_all("gs => gs.map(g => g.dataset.engineer)")) == [
        f"E00{i}" for i in range(1, 7)
    ]
    for route in plan["routes"]:
        jobs = [s["id"] for s in route["stops"] if s["type"] == "job"]
        shown = page.locator(f"svg.gantt g.row[data-engineer='{route['engineer']}'] rect[data-job]")
        assert sorted(shown.evaluate_all("rs => rs.map(r => r.dataset.job)")) == sorted(jobs)
    # every unassigned job with its reason, every late job
    items = page.locator("#unassigned li")
    expect(items).to_have_count(len(plan["unassigned"]))
    for u in plan["unassigned"]:
        expect(page.locator(f"#unassigned li[data-job='{u['id']}'] .reason")).to_have_text(
            u["reason"].replace("_", " ")
        )
    expect(page.locator("#late li")).to_have_count(sum(not o["sla_met"] for o in plan["jobs"]))
    k = plan["kpis"]
    expect(page.locator(".kpi").first).to_contain_text(f"{k['assigned']} / {k['jobs']}")
    expect(page.locator("svg.routes polyline.route")).to_have_count(len(plan["routes"]))
    assert _layout(page, BOARD_BLOCKS) == []
    _shot(page, "board-desktop", tmp_path)
    page.click("#publish")
    expect(page.locator("#message")).to_contain_text("published")
    expect(page.locator("#run-status")).to_contain_text("published")
    with service.app.extensions["fieldplan.db"].sessions() as s:
        stops = sum(len(r["stops"]) for r in plan["routes"])
        assert s.scalar(select(func.count()).select_from(Assignment)) == stops
        assert s.scalars(select(Run)).one().published_at is not None
    page.set_viewport_size(PHONE)
    assert _layout(page, BOARD_BLOCKS) == []
    _shot(page, "board-phone", tmp_path)
    assert requested and all(url.startswith(service.base + "/") for url in requested), [
        u for u in requested if not u.startswith(service.base)
    ]
    page.close()


def _published_day(service: Service) -> tuple[str, list[str]]:
    """Plan and publish the day at once; the engineer with the most jobs and their jobs."""
    service.app.extensions["fieldplan.executor"] = InlineExecutor(
        service.app.extensions["fieldplan.db"].sessions
    )
    run = _api(
        service,
        "dispatcher",
        "/plans",
        "POST",
        {"region": "shanghai", "date": service.day, "time_limit_s": 2},
    )
    _api(service, "dispatcher", f"/plans/{run['id']}/publish", "POST")
    plan = _api(service, "dispatcher", f"/plans/{run['id']}")["result"]["plan"]
    busiest = max(plan["routes"], key=lambda r: sum(s["type"] == "job" for s in r["stops"]))
    engineer = busiest["engineer"]
    with service.app.extensions["fieldplan.db"].sessions() as s, s.begin():
        service.tokens["me"] = create_user(s, "me", "engineer", engineer)[1]
    return engineer, [s["id"] for s in busiest["stops"] if s["type"] == "job"]


def test_an_engineer_sees_only_their_day_and_reports_a_job_done(
    browser: Any, service: Service, tmp_path: Path
) -> None:
    engineer, jobs = _published_day(service)
    page, requested = _page(browser, service, PHONE)
    _sign_in(page, service, "me", "/day")
    page.goto(f"{service.base}/day?date={service.day}")
    cards = page.locator(".stop.job-stop")
    expect(cards).to_have_count(len(jobs))
    assert (
        cards.evaluate_all("cs => cs.map(c => c.dataset.job)") == jobs
    )  # in the order of the route
    assert _layout(page, DAY_BLOCKS) == []
    _shot(page, "day-phone", tmp_path)
    first = page.locator(f".stop[data-job='{jobs[0]}']")
    first.locator("button[data-action=en_route]").click()
    expect(first.locator(".status")).to_have_text("Status: en route")
    first.locator("button[data-action=on_site]").click()
    expect(first.locator(".status")).to_have_text("Status: on site")
    first.locator("button[data-action=done]").click()
    first.locator(".used input[data-part]").evaluate_all(
        "inputs => inputs.forEach(i => { i.value = '0'; })"
    )
    first.locator(".used button[type=submit]").click()
    expect(first.locator(".status")).to_have_text("Status: done")
    expect(first.locator(".actions button")).to_have_count(0)
    with service.app.extensions["fieldplan.db"].sessions() as s:
        job = s.get(Job, jobs[0])
        assert job is not None and job.status == "done"
        assert [e.status for e in job.events][-3:] == ["en_route", "on_site", "done"]
    # another engineer's day is refused by the API, so the page shows the error and no stops
    other = "E001" if engineer != "E001" else "E002"
    page.goto(f"{service.base}/day?date={service.day}&engineer={other}")
    expect(page.locator("#message")).to_contain_text("your role may not do this")
    expect(page.locator(".stop")).to_have_count(0)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{service.base}/day?date={service.day}")
    expect(cards).to_have_count(len(jobs))
    assert _layout(page, DAY_BLOCKS) == []
    _shot(page, "day-desktop", tmp_path)
    assert all(url.startswith(service.base + "/") for url in requested)
    page.close()


def test_a_planner_starts_a_study_and_reads_the_comparison(
    browser: Any, service: Service, tmp_path: Path
) -> None:
    page, requested = _page(browser, service, DESKTOP)
    _sign_in(page, service, "planner", "/planner")
    page.goto(f"{service.base}/planner?date={service.day}")
    page.fill("#time-limit", "1")
    page.fill("#variants", '[{"name": "E002 off", "remove_engineers": ["E002"]}]')
    page.click("#scenario-form button[type=submit]")
    table = page.locator("table.compare")
    expect(table).to_be_visible()
    run = _api(service, "planner", "/scenarios")["items"][0]
    result = _api(service, "planner", f"/scenarios/{run['id']}")["result"]
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["figure", "baseline (6 engineers)", "E002 off (5 engineers)"]
    assigned = table.locator("tbody tr").first.locator("td").all_inner_texts()
    base, off = (
        result["baseline"]["figures"]["assigned"],
        result["variants"][0]["figures"]["assigned"],
    )
    diff = off - base
    assert assigned[0] == str(base)
    assert assigned[1] == (f"{off} ({'+' if diff > 0 else ''}{diff})" if diff else str(off))
    assert _layout(page, ["header.top", "main > section", "table.compare"]) == []
    page.fill(
        "#study",
        '{"name": "tiny", "days": 1, "seed": 2, "baseline": {"engineers": 4, "jobs_per_day": 12, "plan_solutions": 2, "replan_steps": 40}, "variants": [{"name": "one more", "add_engineers": [{"city": "Shanghai", "count": 1}]}]}',
    )
    page.click("#study-form button[type=submit]")
    report = page.frame_locator("#study-report")
    expect(report.locator("h1")).to_have_text("tiny")
    expect(report.locator("img")).to_have_count(4)
    expect(report.locator("table")).to_contain_text("5 (+1)")
    _shot(page, "planner-desktop", tmp_path)
    assert all(url.startswith(service.base + "/") for url in requested)
    page.close()


def test_a_dispatcher_inserts_an_emergency_and_replans(
    browser: Any, service: Service, tmp_path: Path
) -> None:
    _published_day(service)
    page, requested = _page(browser, service, DESKTOP)
    _sign_in(page, service, "dispatcher", "/board")
    page.goto(f"{service.base}/board?region=shanghai&date={service.day}")
    expect(page.locator("#run-status")).to_contain_text("published")
    page.click("#open-emergency")
    expect(page.locator("#em-site option")).to_have_count(24)  # a site per generated job
    page.fill("#em-id", "EM-1")
    page.select_option("#em-site", "S0001")
    page.fill("#em-skills", "hvac:1")
    page.fill("#em-now", f"{service.day}T10:30")
    page.click("#emergency-form button[type=submit]")
    ranking = page.locator("table.who tbody tr")
    expect(ranking.first).to_be_visible()
    first = ranking.first.locator("td").all_inner_texts()
    with service.app.extensions["fieldplan.db"].sessions() as s:
        em = s.get(Job, "EM-1")
        assert em is not None and em.kind == "emergency" and em.status == "new"
    _shot(page, "board-emergency", tmp_path)
    page.click("#who-result button.primary")
    expect(page.locator("#message")).to_contain_text("Re-plan")
    expect(page.locator("#run-status")).to_contain_text("re-plan of 1 at 10:30")
    expect(page.locator("svg.gantt rect[data-job='EM-1']")).to_have_count(1)
    placed = page.locator(
        "svg.gantt g.row", has=page.locator("rect[data-job='EM-1']")
    ).get_attribute("data-engineer")
    assert placed in {f"E00{i}" for i in range(1, 7)}
    assert first[0] == "1" and first[1][:4] in {f"E00{i}" for i in range(1, 7)}
    assert first[4] == "met" or first[4].endswith("min late")
    assert _layout(page, BOARD_BLOCKS) == []
    assert all(url.startswith(service.base + "/") for url in requested)
    page.close()


HOTLINE_BLOCKS = ["header.top", "main > section", "li.slot", "li.slot > *", ".grid-form label"]


def test_the_hotline_offers_slots_while_the_customer_waits_and_books_one(
    browser: Any, service: Service, tmp_path: Path
) -> None:
    _published_day(service)
    page, requested = _page(browser, service, DESKTOP)
    _sign_in(page, service, "dispatcher", "/board")
    call = f"{service.day}T07:30:00+08:00"
    page.goto(f"{service.base}/hotline?region=shanghai&date={service.day}&now={call}")
    expect(page.locator("#call-time")).to_have_value(f"{service.day}T07:30")
    expect(page.locator("#site option")).to_have_count(24)
    page.fill("#job-id", "H-1")
    page.select_option("#site", "S0001")
    page.fill("#skills", "hvac:1")
    page.fill("#days", "2")
    page.click("#call-form button[type=submit]")
    expect(page.locator("#slots-note")).to_contain_text("Answered in")
    offer = _api(
        service,
        "dispatcher",
        "/jobs/H-1/slots",
        "POST",
        {"date": service.day, "days": 2, "now": call},
    )["slots"]
    assert offer, "the generated region has room for one more job"
    slots = page.locator("li.slot")
    expect(slots).to_have_count(len(offer))
    assert page.locator(".slot-day h3").all_inner_texts() == [
        "Monday 30 November", "Tuesday 1 December"
    ][: len({s["start"][:10] for s in offer})]  # fmt: skip
    first = offer[0]
    expect(slots.first.locator(".slot-time")).to_have_text(
        f"{first['start'][11:16]}–{first['end'][11:16]}"
    )
    expect(slots.first).to_contain_text(first["name"])
    assert _layout(page, HOTLINE_BLOCKS) == []
    _shot(page, "hotline-desktop", tmp_path)
    slots.first.locator("button").click()
    expect(page.locator("#message")).to_contain_text("Booked H-1")
    expect(page.locator("p.booked")).to_contain_text(first["start"][11:16])
    with service.app.extensions["fieldplan.db"].sessions() as s:
        job = s.get(Job, "H-1")
        assert job is not None and job.appointment_start is not None
        assert job.appointment_start.isoformat() == (
            datetime.fromisoformat(first["start"]).astimezone(UTC).isoformat()
        )
    _shot(page, "hotline-booked", tmp_path)
    page.set_viewport_size(PHONE)
    assert _layout(page, HOTLINE_BLOCKS) == []
    _shot(page, "hotline-phone", tmp_path)
    assert all(url.startswith(service.base + "/") for url in requested)
    page.close()


def test_a_crew_job_is_drawn_on_each_members_row_and_named_on_their_days(
    browser: Any, crew_service: Service, tmp_path: Path
) -> None:
    service = crew_service
    page, requested = _page(browser, service, DESKTOP)
    _sign_in(page, service, "dispatcher", "/board")
    page.goto(f"{service.base}/board?region=shanghai&date={service.day}")
    page.fill("#time-limit", "2")
    page.click("#request-plan")
    expect(page.locator("#run-status")).to_contain_text("done, not published")
    runs = _api(service, "dispatcher", f"/plans?region=shanghai&date={service.day}")["items"]
    plan = _api(service, "dispatcher", f"/plans/{runs[0]['id']}")["result"]["plan"]
    crews = [o for o in plan["jobs"] if len(o.get("engineers", [])) > 1]
    assert crews, "the day's crew jobs are served"
    for o in crews:
        for member in o["engineers"]:
            bar = page.locator(
                f"svg.gantt g.row[data-engineer='{member}'] rect.job.crew[data-job='{o['id']}']"
            )
            expect(bar).to_have_count(1)
        expect(page.locator(f"svg.gantt line.crew-link[data-job='{o['id']}']")).to_have_count(1)
    first = crews[0]
    page.locator(
        f"svg.gantt g.row[data-engineer='{first['engineers'][1]}'] rect[data-job='{first['id']}']"
    ).hover()
    linked = page.locator(f"svg.gantt rect.job.linked[data-job='{first['id']}']")
    expect(linked).to_have_count(len(first["engineers"]))
    assert _layout(page, BOARD_BLOCKS) == []
    _shot(page, "board-crew", tmp_path)
    page.click("#publish")
    expect(page.locator("#run-status")).to_contain_text("published")
    # the lead's day says they lead and names the others
    lead, other = first["engineers"][0], first["engineers"][1]
    with service.app.extensions["fieldplan.db"].sessions() as s, s.begin():
        service.tokens["lead"] = create_user(s, "lead", "engineer", lead)[1]
    _sign_in(page, service, "lead", "/day")
    page.set_viewport_size(PHONE)
    page.goto(f"{service.base}/day?date={service.day}")
    card = page.locator(f".stop[data-job='{first['id']}']")
    expect(card.locator(".crew-line")).to_contain_text("You lead")
    names = _api(service, "dispatcher", f"/engineers/{other}")["name"]
    expect(card.locator(".crew-line")).to_contain_text(names)
    assert _layout(page, DAY_BLOCKS) == []
    _shot(page, "day-crew", tmp_path)
    assert all(url.startswith(service.base + "/") for url in requested)
    page.close()
