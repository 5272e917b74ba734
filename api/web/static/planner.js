// The planner's view: start what-if studies of a day and read their comparisons.
"use strict";

const { el, api } = fp;
// [figure, label, whether more is better]
const FIGURES = [["assigned", "jobs assigned", true], ["sla_met_pct", "SLA met %", true], ["p1_sla_met", "emergencies on time", true], ["engineers_used", "engineers out", null], ["km", "km", false], ["overtime_min", "overtime min", false], ["late_min", "minutes late", false], ["objective", "objective (cost)", false]];

async function start() {
  await fp.signedIn(["planner", "admin"]);
  const regions = (await api("/regions?per_page=500")).items;
  document.getElementById("region").replaceChildren(...regions.map((r) => el("option", { value: r.id }, r.name)));
  document.getElementById("date").value = fp.param("date") || fp.today();
  document.getElementById("scenario-form").addEventListener("submit", submit);
  document.getElementById("study-form").addEventListener("submit", submitStudy);
  await list();
  await listStudies();
}

async function list() {
  const runs = (await api("/scenarios?per_page=20")).items;
  document.getElementById("runs").replaceChildren(...runs.map((r) => el("li", {}, el("button", { type: "button", class: "link", onclick: () => report(r.id) }, `Study ${r.id}: ${r.region} ${r.date} · ${r.status}`))));
  const first = runs.find((r) => r.status === "done");
  if (first) await report(first.id);
}

async function submit(event) {
  event.preventDefault();
  let variants;
  try { variants = JSON.parse(document.getElementById("variants").value); } catch { fp.message("variants: not valid JSON", "error"); return; }
  try {
    const run = await api("/scenarios", { method: "POST", body: { region: document.getElementById("region").value, date: document.getElementById("date").value, time_limit_s: Number(document.getElementById("time-limit").value), variants } });
    await fp.watch(`/scenarios/${run.id}`, (r) => { document.getElementById("run-status").textContent = `Study ${r.id}: ${r.status}${r.progress.variants ? ` (${r.progress.variants_done} of ${r.progress.variants})` : ""}`; });
    await list();
    await report(run.id);
  } catch (error) { fp.message(error.message, "error"); }
}

async function report(id) {
  const run = await api(`/scenarios/${id}`);
  if (run.status !== "done") { document.getElementById("report").replaceChildren(el("p", {}, run.error || run.status)); return; }
  const rows = [run.result.baseline, ...run.result.variants];
  const head = el("tr", {}, el("th", {}, "figure"), ...rows.map((r) => el("th", {}, `${r.name} (${r.engineers} engineers)`)));
  const body = FIGURES.map(([key, label, moreIsBetter]) => el("tr", {}, el("th", { scope: "row" }, label), ...rows.map((r) => {
    const diff = r.difference ? r.difference[key] : null;
    const tone = moreIsBetter === null ? "" : (diff > 0) === moreIsBetter ? "better" : "worse";
    return el("td", {}, String(r.figures[key]), diff ? el("small", { class: tone }, ` (${diff > 0 ? "+" : ""}${diff})`) : null);
  })));
  document.getElementById("report").replaceChildren(el("h3", {}, `Study ${run.id}: ${run.region} on ${run.date}`), el("div", { class: "scroll" }, el("table", { class: "compare" }, el("thead", {}, head), el("tbody", {}, body))));
}

async function listStudies() {
  const runs = (await api("/studies?per_page=20")).items;
  document.getElementById("studies").replaceChildren(...runs.map((r) => el("li", {}, el("button", { type: "button", class: "link", onclick: () => showStudy(r.id) }, `Simulation ${r.id}: ${r.params.study.name} · ${r.status}`))));
}

async function submitStudy(event) {
  event.preventDefault();
  let study;
  try { study = JSON.parse(document.getElementById("study").value); } catch { fp.message("study: not valid JSON", "error"); return; }
  try {
    const run = await api("/studies", { method: "POST", body: { study } });
    await fp.watch(`/studies/${run.id}`, (r) => { document.getElementById("study-status").textContent = `Simulation ${r.id}: ${r.status}${r.progress.variants ? ` (${r.progress.variants_done} of ${r.progress.variants} variants)` : ""}`; });
    await listStudies();
    await showStudy(run.id);
  } catch (error) { fp.message(error.message, "error"); }
}

async function showStudy(id) {
  const response = await fetch(`/api/v1/studies/${id}/report`, { headers: { Authorization: `Bearer ${fp.token()}` } });
  const frame = document.getElementById("study-report");
  if (!response.ok) { fp.message((await response.json()).message, "error"); return; }
  frame.srcdoc = await response.text();
  frame.hidden = false;
}

start().catch((error) => { if (error.message !== "not signed in" && error.message !== "wrong page for this role") fp.message(error.message, "error"); });
