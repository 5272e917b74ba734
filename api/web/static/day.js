// An engineer's day on a phone: the ordered stops, what to bring, and progress reports.
"use strict";

const { el, api, hhmm } = fp;
const NEXT = {
  new: [["en_route", "En route"]],
  planned: [["en_route", "En route"]],
  dispatched: [["en_route", "En route"]],
  en_route: [["on_site", "On site"]],
  on_site: [["done", "Done"], ["needs_follow_up", "Needs follow-up"]],
};
let me = null;

async function start() {
  me = await fp.signedIn(["engineer", "dispatcher", "admin"]);
  const date = document.getElementById("date");
  date.value = fp.param("date") || fp.today();
  date.addEventListener("change", load);
  await load();
}

function engineerId() { return fp.param("engineer") || me.engineer_id; }

async function load() {
  const day = await api(`/engineers/${encodeURIComponent(engineerId())}/assignments?date=${document.getElementById("date").value}`);
  document.getElementById("day-title").textContent = `${day.engineer.name} · ${day.stops.filter((s) => s.type === "job").length} jobs`;
  const pickups = document.getElementById("pickups");
  pickups.hidden = day.pickups.length === 0;
  document.getElementById("pickup-list").replaceChildren(...day.pickups.map((p) => el("li", {}, `${p.quantity} × ${p.part} at ${p.depot}`)));
  document.getElementById("stops").replaceChildren(...day.stops.map(stopCard));
  document.getElementById("empty").hidden = day.stops.length > 0;
}

function crewLine(job) {
  if (!job.crew) return null;
  const others = job.crew.engineers.filter((m) => m.id !== engineerId());
  const names = others.map((m) => (m.lead ? `${m.name} (lead)` : m.name)).join(", ");
  const role = job.crew.lead ? "You lead: you carry the parts and tools" : "Crew job";
  return el("div", { class: "crew-line" }, `${role} · with ${names || "no one else yet"}`);
}

function stopCard(stop) {
  const time = el("div", { class: "stop-time" }, `${hhmm(stop.start)}–${hhmm(stop.end)}`, stop.arrival && stop.arrival !== stop.start ? el("small", {}, ` arrive ${hhmm(stop.arrival)}`) : null);
  if (stop.type === "break") return el("li", { class: "stop break-stop" }, time, el("div", { class: "stop-title" }, "Break"));
  if (stop.type === "depot") {
    const d = stop.depot;
    return el("li", { class: "stop depot-stop" }, time,
      el("div", { class: "stop-title" }, `Pick up at ${d.name}`),
      el("div", { class: "address" }, d.address),
      el("ul", { class: "parts" }, Object.entries(stop.pickup).map(([p, q]) => el("li", {}, `${q} × ${p}`))));
  }
  const j = stop.job;
  const deadline = j.response_deadline ? el("div", { class: "deadline" }, `respond by ${j.response_deadline.slice(0, 10)} ${hhmm(j.response_deadline)}`) : null;
  const parts = Object.entries(j.parts);
  const card = el("li", { class: `stop job-stop p${Math.min(j.priority, 3)}`, "data-job": j.id }, time,
    el("div", { class: "stop-title" }, el("span", { class: `badge p${Math.min(j.priority, 3)}` }, j.kind.replaceAll("_", " ")), ` ${j.site.name}`),
    el("div", { class: "address" }, j.site.address),
    el("div", { class: "job-detail" }, `${j.id} · ${j.duration_min} min · ${j.description || ""}`),
    deadline,
    crewLine(j),
    parts.length ? el("div", { class: "needs" }, `Parts: ${parts.map(([p, q]) => `${q} × ${p}`).join(", ")}`) : null,
    el("div", { class: "status", "data-status": j.status }, `Status: ${j.status.replaceAll("_", " ")}`));
  const actions = el("div", { class: "actions" });
  for (const [status, label] of NEXT[j.status] || []) {
    actions.append(el("button", { type: "button", class: status === "done" ? "primary" : "", "data-action": status, onclick: () => report(j, status, card) }, label));
  }
  card.append(actions);
  return card;
}

async function report(job, status, card) {
  const body = { status };
  if (status === "done" || status === "needs_follow_up") {
    const form = card.querySelector(".used");
    if (!form) { card.append(usedForm(job, status, card)); return; }
  }
  await send(job.id, body);
}

function usedForm(job, status, card) {
  const rows = Object.entries(job.parts).map(([part, qty]) => el("label", { class: "used-row" }, `${part} used `, el("input", { type: "number", min: "0", value: String(qty), "data-part": part, class: "short" })));
  const form = el("form", { class: "used" }, el("div", { class: "used-title" }, job.parts && Object.keys(job.parts).length ? "Parts used from the van" : "No parts planned for this job"), rows,
    el("label", { class: "used-row" }, "Note ", el("input", { name: "note", class: "note" })),
    el("button", { type: "submit", class: "primary" }, status === "done" ? "Confirm done" : "Confirm follow-up"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const used = [...form.querySelectorAll("input[data-part]")].map((i) => ({ part: i.dataset.part, quantity: Number(i.value) })).filter((p) => p.quantity > 0);
    await send(job.id, { status, parts_used: used, note: form.querySelector(".note").value });
  });
  return form;
}

async function send(jobId, body) {
  try {
    await api(`/jobs/${encodeURIComponent(jobId)}/events`, { method: "POST", body });
    fp.message(`${jobId}: ${body.status.replaceAll("_", " ")} recorded.`, "ok");
    await load();
  } catch (error) { fp.message(error.message, "error"); }
}

start().catch((error) => { if (error.message !== "not signed in" && error.message !== "wrong page for this role") fp.message(error.message, "error"); });
