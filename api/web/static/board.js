// The dispatcher board: a region's day as a timeline per engineer, a map of the
// routes, the unassigned and late jobs with their reasons, and the day's KPIs.
"use strict";

const { el, svg, api, hhmm, minutes } = fp;
const state = { region: null, date: null, run: null, problem: null, engineers: {}, published: null };
const COLORS = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728", "#ff7f0e"];

async function start() {
  await fp.signedIn(["dispatcher", "planner", "admin"]);
  const regions = (await api("/regions?per_page=500")).items;
  const select = document.getElementById("region");
  for (const r of regions) select.append(el("option", { value: r.id }, r.name));
  select.value = fp.param("region") || (regions[0] && regions[0].id) || "";
  document.getElementById("date").value = fp.param("date") || fp.today();
  select.addEventListener("change", load);
  document.getElementById("date").addEventListener("change", load);
  document.getElementById("request-plan").addEventListener("click", requestPlan);
  document.getElementById("publish").addEventListener("click", publish);
  document.getElementById("open-emergency").addEventListener("click", openEmergency);
  document.getElementById("emergency-form").addEventListener("submit", reportEmergency);
  await load();
}

async function load() {
  state.region = document.getElementById("region").value;
  state.date = document.getElementById("date").value;
  if (!state.region || !state.date) return;
  fp.message("");
  const engineers = (await api(`/engineers?region_id=${encodeURIComponent(state.region)}&per_page=500`)).items;
  state.engineers = Object.fromEntries(engineers.map((e) => [e.id, e]));
  const runs = (await api(`/plans?region=${encodeURIComponent(state.region)}&date=${state.date}&per_page=20`)).items;
  const published = runs.find((r) => r.published_at && !r.superseded_at);
  state.published = published ? published.id : null;
  const latest = runs.find((r) => r.status === "done") || null;
  const running = runs.find((r) => r.status === "queued" || r.status === "running");
  if (running) { await follow(running.id); return; }
  await show(latest);
}

async function show(summary) {
  clear();
  if (!summary) {
    status("No plan for this day yet.");
    return;
  }
  const run = await api(`/plans/${summary.id}`);
  const problem = await api(`/plans/${summary.id}/problem`);
  state.run = run;
  state.problem = problem;
  const replan = run.params.replan_of ? ` (re-plan of ${run.params.replan_of} at ${hhmm(run.params.now)})` : "";
  const published = run.published_at && !run.superseded_at;
  status(`Plan ${run.id}${replan}: ${run.status}${published ? ", published" : ", not published"}`);
  document.getElementById("publish").disabled = run.status !== "done" || published;
  if (run.status !== "done") {
    if (run.error) fp.message(run.error, "error");
    return;
  }
  drawKpis(run.result.plan.kpis);
  drawTimeline(problem, run.result.plan);
  drawMap(problem, run.result.plan);
  drawIssues(problem, run.result.plan);
}

function clear() {
  for (const id of ["kpis", "timeline", "map", "unassigned", "late"]) document.getElementById(id).replaceChildren();
  document.getElementById("unassigned-count").textContent = "";
  document.getElementById("late-count").textContent = "";
  document.getElementById("publish").disabled = true;
}

function status(text) { document.getElementById("run-status").textContent = text; }

async function requestPlan() {
  const limit = Number(document.getElementById("time-limit").value) || 10;
  try {
    const run = await api("/plans", { method: "POST", body: { region: state.region, date: state.date, time_limit_s: limit } });
    await follow(run.id);
  } catch (error) { fp.message(error.message, "error"); }
}

async function follow(id) {
  const bar = document.getElementById("progress");
  bar.hidden = false;
  const run = await fp.watch(`/plans/${id}`, (r) => {
    bar.value = r.progress && r.progress.fraction ? r.progress.fraction : 0;
    const solutions = r.progress && r.progress.solutions ? `, ${r.progress.solutions} solutions` : "";
    status(`Plan ${r.id}: ${r.status}${solutions}`);
  });
  bar.hidden = true;
  await show(run);
}

async function publish() {
  try {
    const done = await api(`/plans/${state.run.id}/publish`, { method: "POST" });
    state.published = state.run.id;
    fp.message(`Plan ${done.run} published: ${done.assignments} stops sent to the engineers.`, "ok");
    await show(state.run);
  } catch (error) { fp.message(error.message, "error"); }
}

function drawKpis(k) {
  const p1 = (k.sla_met_by_priority && k.sla_met_by_priority["1"]) || null;
  const items = [
    ["Jobs assigned", `${k.assigned} / ${k.jobs}`],
    ["SLA met", `${k.sla_met_pct.toFixed(1)} %`],
    ["Emergencies on time", p1 ? `${p1.sla_met} / ${p1.jobs}` : "–"],
    ["Engineers out", `${k.engineers_used} / ${Object.keys(state.engineers).length}`],
    ["Travel", `${Math.round(k.km).toLocaleString()} km`],
    ["Overtime", `${Math.round(k.overtime_min)} min`],
  ];
  document.getElementById("kpis").replaceChildren(...items.map(([label, value]) => el("div", { class: "kpi" }, el("span", { class: "kpi-value" }, value), el("span", { class: "kpi-label" }, label))));
}

function jobInfo(problem) { return Object.fromEntries(problem.jobs.map((j) => [j.id, j])); }

function drawTimeline(problem, plan) {
  const jobs = jobInfo(problem);
  const outcome = Object.fromEntries(plan.jobs.map((o) => [o.id, o]));
  const routes = Object.fromEntries(plan.routes.map((r) => [r.engineer, r]));
  const rows = problem.engineers.map((e) => e.id);
  let t0 = Infinity, t1 = -Infinity;
  for (const e of problem.engineers) { t0 = Math.min(t0, minutes(e.shift.start)); t1 = Math.max(t1, minutes(e.shift.end) + (e.max_overtime_min || 0)); }
  for (const r of plan.routes) { t0 = Math.min(t0, minutes(r.depart)); t1 = Math.max(t1, minutes(r.return)); }
  t0 = Math.floor(t0 / 60) * 60; t1 = Math.ceil(t1 / 60) * 60;
  const label = 150, width = 1000, rowH = 26, top = 22, right = 24;
  const x = (iso) => label + ((minutes(iso) - t0) / (t1 - t0)) * (width - label - right);
  const height = top + rows.length * rowH + 4;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "gantt", role: "img", "aria-label": "timeline of every engineer's day" });
  for (let t = t0; t <= t1; t += 60) {
    const px = label + ((t - t0) / (t1 - t0)) * (width - label - right);
    chart.append(svg("line", { x1: px, x2: px, y1: top - 4, y2: height, class: "hour" }));
    const anyIso = problem.horizon.start;
    const offset = anyIso.slice(19) || "Z";
    const hour = new Date(t * 60000);
    const local = new Date(hour.getTime() + tzMinutes(offset) * 60000);
    chart.append(svg("text", { x: px, y: 12, class: "hour-label" }, `${String(local.getUTCHours()).padStart(2, "0")}:00`));
  }
  rows.forEach((id, i) => {
    const y = top + i * rowH;
    const engineer = state.engineers[id];
    const group = svg("g", { class: "row", "data-engineer": id });
    group.append(svg("text", { x: 4, y: y + 17, class: "row-label" }, engineer ? `${id} ${engineer.name}` : id));
    const shift = problem.engineers[i].shift;
    group.append(svg("rect", { x: x(shift.start), y: y + 3, width: Math.max(0, x(shift.end) - x(shift.start)), height: rowH - 6, class: "shift" }));
    const route = routes[id];
    if (route) {
      let cursor = route.depart;
      for (const stop of route.stops) {
        const arrive = stop.arrival || stop.start;
        if (x(arrive) > x(cursor) + 0.5) group.append(svg("rect", { x: x(cursor), y: y + 11, width: x(arrive) - x(cursor), height: 4, class: "travel" }, svg("title", {}, `travel ${hhmm(cursor)}–${hhmm(arrive)}`)));
        const w = Math.max(1.5, x(stop.end) - x(stop.start));
        if (stop.type === "job") {
          const job = jobs[stop.id] || {};
          const o = outcome[stop.id] || {};
          const late = o.sla_met === false;
          const crew = (o.engineers || []).length > 1;
          const cls = `job p${Math.min(job.priority || 3, 3)}${late ? " late" : ""}${crew ? " crew" : ""}`;
          const together = crew ? `, crew: ${o.engineers.map((e, k) => (k === 0 ? `${e} (lead)` : e)).join(", ")}` : "";
          const text = `${stop.id} ${job.kind || ""} P${job.priority || "?"} ${hhmm(stop.start)}–${hhmm(stop.end)}${late ? `, ${Math.round(o.late_min)} min past SLA` : ", SLA met"}${together}`;
          group.append(svg("rect", { x: x(stop.start), y: y + 3, width: w, height: rowH - 6, rx: 2, class: cls, "data-job": stop.id }, svg("title", {}, text)));
          if (w > 34) group.append(svg("text", { x: x(stop.start) + 3, y: y + 17, class: "bar-label" }, stop.id));
        } else if (stop.type === "depot") {
          const parts = Object.entries(stop.pickup || {}).map(([p, q]) => `${q}× ${p}`).join(", ");
          group.append(svg("rect", { x: x(stop.start), y: y + 3, width: w, height: rowH - 6, class: "depot" }, svg("title", {}, `depot ${stop.id} ${hhmm(stop.start)}–${hhmm(stop.end)}: ${parts || "tools"}`)));
        } else {
          group.append(svg("rect", { x: x(stop.start), y: y + 3, width: w, height: rowH - 6, class: "break" }, svg("title", {}, `break ${hhmm(stop.start)}–${hhmm(stop.end)}`)));
        }
        cursor = stop.end;
      }
      if (x(route.return) > x(cursor) + 0.5) group.append(svg("rect", { x: x(cursor), y: y + 11, width: x(route.return) - x(cursor), height: 4, class: "travel" }, svg("title", {}, `home ${hhmm(route.return)}`)));
    } else {
      group.append(svg("text", { x: label + 6, y: y + 17, class: "idle" }, "no jobs"));
    }
    chart.append(group);
  });
  drawCrewLinks(chart, plan, rows, x, top, rowH);
  document.getElementById("timeline").replaceChildren(chart);
}

// A crew job is drawn on each member's row; a line joins its bars, and pointing at
// one bar outlines them all.
function drawCrewLinks(chart, plan, rows, x, top, rowH) {
  for (const o of plan.jobs) {
    if (!o.engineers || o.engineers.length < 2) continue;
    const at = o.engineers.map((e) => rows.indexOf(e)).filter((i) => i >= 0).sort((a, b) => a - b);
    if (at.length < 2) continue;
    const px = x(o.start) + 1;
    chart.append(svg("line", { x1: px, x2: px, y1: top + at[0] * rowH + rowH / 2, y2: top + at[at.length - 1] * rowH + rowH / 2, class: "crew-link", "data-job": o.id }));
  }
  chart.addEventListener("mouseover", (event) => linkCrew(chart, event.target.getAttribute?.("data-job"), true));
  chart.addEventListener("mouseout", (event) => linkCrew(chart, event.target.getAttribute?.("data-job"), false));
}

function linkCrew(chart, job, on) {
  if (!job) return;
  for (const bar of chart.querySelectorAll(`[data-job="${CSS.escape(job)}"]`)) bar.classList.toggle("linked", on);
}

function tzMinutes(offset) {
  if (offset === "Z" || !offset) return 0;
  const sign = offset[0] === "-" ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

function drawMap(problem, plan) {
  const points = [...problem.jobs.map((j) => j.site), ...problem.engineers.map((e) => e.start), ...problem.depots.map((d) => d.location)];
  if (!points.length || points[0].lat === undefined) { document.getElementById("map").replaceChildren(el("p", { class: "muted" }, "No coordinates to draw.")); return; }
  const lats = points.map((p) => p.lat), lons = points.map((p) => p.lon);
  const [s, n, w, e] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const k = Math.cos(((s + n) / 2) * Math.PI / 180);
  const spanX = Math.max((e - w) * k, 1e-6), spanY = Math.max(n - s, 1e-6);
  const size = 600, pad = 16;
  const scale = (size - 2 * pad) / Math.max(spanX, spanY);
  const W = spanX * scale + 2 * pad, H = spanY * scale + 2 * pad;
  const px = (p) => [pad + (p.lon - w) * k * scale, pad + (n - p.lat) * scale];
  const map = svg("svg", { viewBox: `0 0 ${W.toFixed(1)} ${H.toFixed(1)}`, class: "routes", role: "img", "aria-label": "map of the routes" });
  map.append(svg("rect", { x: 0, y: 0, width: W, height: H, class: "map-bg" }));
  const sites = Object.fromEntries(problem.jobs.map((j) => [j.id, j.site]));
  const depots = Object.fromEntries(problem.depots.map((d) => [d.id, d.location]));
  const homes = Object.fromEntries(problem.engineers.map((e) => [e.id, e]));
  plan.routes.forEach((route, i) => {
    const color = COLORS[i % COLORS.length];
    const home = homes[route.engineer];
    const stops = route.stops.filter((s) => s.type !== "break").map((s) => (s.type === "job" ? sites[s.id] : depots[s.id]));
    const path = [home.start, ...stops, home.end].map(px).map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" ");
    map.append(svg("polyline", { points: path, class: "route", stroke: color, "data-engineer": route.engineer }, svg("title", {}, `${route.engineer}: ${route.km.toFixed(1)} km`)));
  });
  const assigned = new Set(plan.jobs.map((o) => o.id));
  const late = new Set(plan.jobs.filter((o) => !o.sla_met).map((o) => o.id));
  for (const job of problem.jobs) {
    const [a, b] = px(job.site);
    if (assigned.has(job.id)) {
      map.append(svg("circle", { cx: a, cy: b, r: job.priority === 1 ? 5 : 3.5, class: `site p${Math.min(job.priority, 3)}${late.has(job.id) ? " late" : ""}` }, svg("title", {}, `${job.id} P${job.priority}`)));
    } else {
      map.append(svg("path", { d: `M${a - 4},${b - 4}L${a + 4},${b + 4}M${a - 4},${b + 4}L${a + 4},${b - 4}`, class: "unassigned-mark" }, svg("title", {}, `${job.id} unassigned`)));
    }
  }
  for (const d of problem.depots) {
    const [a, b] = px(d.location);
    map.append(svg("rect", { x: a - 5, y: b - 5, width: 10, height: 10, class: "depot-mark" }, svg("title", {}, `depot ${d.id}`)));
  }
  for (const eng of problem.engineers) {
    const [a, b] = px(eng.start);
    map.append(svg("path", { d: `M${a},${b - 5}L${a + 4.5},${b + 3.5}L${a - 4.5},${b + 3.5}Z`, class: "home-mark" }, svg("title", {}, `${eng.id} home`)));
  }
  document.getElementById("map").replaceChildren(map);
}

function drawIssues(problem, plan) {
  const jobs = jobInfo(problem);
  const unassigned = plan.unassigned.map((u) => el("li", { "data-job": u.id },
    el("strong", {}, u.id), " ", el("span", { class: `badge p${Math.min((jobs[u.id] || {}).priority || 3, 3)}` }, `P${(jobs[u.id] || {}).priority || "?"}`), " ",
    el("span", { class: "reason" }, u.reason.replaceAll("_", " ")), u.detail ? el("span", { class: "detail" }, ` — ${u.detail}`) : null));
  document.getElementById("unassigned").replaceChildren(...unassigned);
  document.getElementById("unassigned-count").textContent = `(${unassigned.length})`;
  const late = plan.jobs.filter((o) => !o.sla_met).map((o) => el("li", { "data-job": o.id },
    el("strong", {}, o.id), ` ${o.engineer}, starts ${hhmm(o.start)}, `, el("span", { class: "reason" }, `${Math.round(o.late_min)} min past its SLA deadline ${hhmm((jobs[o.id] || {}).sla_deadline)}`)));
  document.getElementById("late").replaceChildren(...late);
  document.getElementById("late-count").textContent = `(${late.length})`;
}

async function openEmergency() {
  const box = document.getElementById("emergency");
  box.hidden = !box.hidden;
  if (box.hidden) return;
  document.getElementById("em-id").value = `EM-${Date.now().toString(36).toUpperCase()}`;
  const now = new Date();
  document.getElementById("em-now").value = `${state.date}T${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  const sites = (await api(`/sites?region_id=${encodeURIComponent(state.region)}&per_page=500`)).items;
  document.getElementById("em-site").replaceChildren(...sites.map((s) => el("option", { value: s.id, "data-customer": s.customer_id }, `${s.name} (${s.address})`)));
}

function offsetOfDay() { return state.problem ? state.problem.horizon.start.slice(19) : "Z"; }

async function reportEmergency(event) {
  event.preventDefault();
  const site = document.getElementById("em-site");
  const customer = site.selectedOptions[0].dataset.customer;
  const skills = Object.fromEntries(document.getElementById("em-skills").value.split(",").map((s) => s.trim()).filter(Boolean).map((s) => { const [k, v] = s.split(":"); return [k.trim(), Number(v || 1)]; }));
  const reported = `${document.getElementById("em-now").value}:00${offsetOfDay()}`;
  const out = document.getElementById("who-result");
  try {
    const contracts = (await api(`/contracts?customer_id=${encodeURIComponent(customer)}`)).items;
    const job = await api("/jobs", { method: "POST", body: {
      id: document.getElementById("em-id").value, site_id: site.value, contract_id: contracts.length ? contracts[0].id : null,
      kind: "emergency", reported_at: reported, duration_min: Number(document.getElementById("em-duration").value), skills,
    } });
    if (!state.published) { out.replaceChildren(el("p", {}, `Job ${job.id} reported. No plan is published for this day yet: request one.`)); return; }
    const who = await api(`/plans/${state.published}/who`, { method: "POST", body: { job_id: job.id, now: reported } });
    const rows = who.candidates.map((c, i) => el("tr", {}, el("td", {}, String(i + 1)), el("td", {}, `${c.engineer} ${c.name}`), el("td", {}, hhmm(c.arrival)), el("td", {}, hhmm(c.start)),
      el("td", { class: c.sla_met ? "ok" : "bad" }, c.sla_met ? "met" : `${Math.round(c.late_min)} min late`), el("td", {}, c.extra_km.toFixed(1)), el("td", {}, c.displaced.join(", ") || "–")));
    out.replaceChildren(
      el("p", {}, `Who should go to ${job.id} (due ${hhmm(job.response_deadline)})?`),
      el("table", { class: "who" }, el("thead", {}, el("tr", {}, ...["#", "engineer", "arrives", "starts", "SLA", "extra km", "displaces"].map((h) => el("th", {}, h)))), el("tbody", {}, rows)),
      el("button", { type: "button", class: "primary", onclick: () => replan(reported) }, "Re-plan the rest of the day"));
  } catch (error) { fp.message(error.message, "error"); }
}

async function replan(now) {
  try {
    const run = await api(`/plans/${state.published}/replan`, { method: "POST", body: { now, time_limit_s: 2 } });
    document.getElementById("emergency").hidden = true;
    await follow(run.id);
    const changes = state.run && state.run.result ? state.run.result.changes.changed : [];
    fp.message(`Re-plan ${run.id}: ${changes.length} change(s) — ${changes.map((c) => `${c.job} ${c.kind}`).join(", ")}. Publish it to tell the engineers.`, "ok");
  } catch (error) { fp.message(error.message, "error"); }
}

start().catch((error) => { if (error.message !== "not signed in" && error.message !== "wrong page for this role") fp.message(error.message, "error"); });
