// The hotline: slots for a job while the customer waits, and booking one.
"use strict";

const { api, el } = fp;
const state = { regions: {}, job: null };

// "YYYY-MM-DDTHH:MM" and "+HH:MM" of an instant in a time zone.
function zoned(date, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "longOffset",
  }).formatToParts(date).map((p) => [p.type, p.value]));
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : parts.timeZoneName.slice(3);
  return { local: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`, offset };
}

function zone() { return state.regions[document.getElementById("region").value].timezone; }

// The call time as an ISO instant: the field's local time with the zone's offset then.
function callTime() {
  const typed = document.getElementById("call-time").value;
  const guess = new Date(`${typed}:00Z`);
  const { offset } = zoned(new Date(guess.getTime() - tzMinutes(zoned(guess, zone()).offset) * 60000), zone());
  return `${typed}:00${offset}`;
}

function tzMinutes(offset) {
  const sign = offset[0] === "-" ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

function lateness(minutes) {
  if (minutes <= 0) return "within the response time";
  const hours = Math.floor(minutes / 60);
  return `${hours ? `${hours} h ` : ""}${Math.round(minutes % 60)} min past the response time`;
}

function dayLabel(iso) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
}

async function start() {
  await fp.signedIn(["dispatcher", "admin"]);
  const regions = (await api("/regions?per_page=500")).items;
  state.regions = Object.fromEntries(regions.map((r) => [r.id, r]));
  const select = document.getElementById("region");
  select.replaceChildren(...regions.map((r) => el("option", { value: r.id }, r.name)));
  select.value = fp.param("region") || (regions[0] && regions[0].id) || "";
  select.addEventListener("change", regionChanged);
  document.getElementById("call-form").addEventListener("submit", findSlots);
  await regionChanged();
}

async function regionChanged() {
  // ?now= lets a call be replayed ("+" of an offset arrives as a space if not escaped)
  const now = fp.param("now") ? new Date(fp.param("now").replace(" ", "+")) : new Date();
  const here = zoned(now, zone()).local;
  document.getElementById("call-time").value = here;
  document.getElementById("first-day").value = fp.param("date") || here.slice(0, 10);
  const region = document.getElementById("region").value;
  const sites = (await api(`/sites?region_id=${encodeURIComponent(region)}&per_page=500`)).items;
  document.getElementById("site").replaceChildren(...sites.map((s) => el("option", { value: s.id, "data-customer": s.customer_id }, `${s.name} (${s.address})`)));
}

// The stored job, or a new one reported with the form's details.
async function theJob(now) {
  const id = document.getElementById("job-id").value.trim();
  try {
    return await api(`/jobs/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
  }
  const site = document.getElementById("site");
  const contracts = (await api(`/contracts?customer_id=${encodeURIComponent(site.selectedOptions[0].dataset.customer)}`)).items;
  const skills = Object.fromEntries(document.getElementById("skills").value.split(",").map((s) => s.trim()).filter(Boolean).map((s) => { const [k, v] = s.split(":"); return [k.trim(), Number(v || 1)]; }));
  return api("/jobs", { method: "POST", body: {
    id, site_id: site.value, contract_id: contracts.length ? contracts[0].id : null, kind: document.getElementById("kind").value,
    reported_at: now, duration_min: Number(document.getElementById("duration").value), skills,
  } });
}

async function findSlots(event) {
  if (event) event.preventDefault();
  fp.message("");
  const now = callTime();
  const card = document.getElementById("slots-card");
  try {
    state.job = await theJob(now);
    const began = performance.now();
    const offer = await api(`/jobs/${encodeURIComponent(state.job.id)}/slots`, { method: "POST", body: {
      date: document.getElementById("first-day").value, days: Number(document.getElementById("days").value),
      length_min: Number(document.getElementById("length").value), now,
    } });
    const seconds = (performance.now() - began) / 1000;
    card.hidden = false;
    document.getElementById("slots-title").textContent = `Slots for ${state.job.id} (${state.job.duration_min} min at ${state.job.site_id})`;
    const keeping = offer.slots.filter((s) => s.keeps_promises).length;
    document.getElementById("slots-note").textContent = offer.slots.length
      ? `${offer.slots.length} slot(s) over ${offer.days} day(s) from ${dayLabel(offer.date)}; ${keeping} keep every job already planned where it is. Answered in ${seconds.toFixed(2)} s.`
      : `No engineer can take ${state.job.id} in any ${offer.length_min}-minute slot over ${offer.days} day(s) from ${dayLabel(offer.date)}: try more days or a longer slot.`;
    showBooking(now);
    const days = new Map();
    for (const slot of offer.slots) {
      const key = slot.start.slice(0, 10);
      if (!days.has(key)) days.set(key, []);
      days.get(key).push(slot);
    }
    document.getElementById("slots").replaceChildren(...[...days].map(([day, slots]) => el("section", { class: "slot-day" },
      el("h3", {}, dayLabel(day)),
      el("ul", { class: "slots" }, slots.map((s) => el("li", { class: s.keeps_promises ? "slot" : "slot moves" },
        el("span", { class: "slot-time" }, `${fp.hhmm(s.start)}–${fp.hhmm(s.end)}`),
        el("span", {}, `${s.name} (${s.engineer}), starts ${fp.hhmm(s.planned_start)}`),
        el("span", { class: s.late_min > 0 ? "muted late" : "muted" }, `${lateness(s.late_min)} · plan cost +${Math.round(s.added_cost)}`),
        el("span", { class: s.keeps_promises ? "ok" : "bad" }, s.keeps_promises ? "keeps the plan" : "moves planned jobs"),
        el("button", { type: "button", class: "primary", onclick: () => book(s, now) }, "Book")))))));
  } catch (error) {
    fp.message(error.message, "error");
  }
}

function showBooking(now) {
  const box = document.getElementById("booked");
  const job = state.job;
  if (!job || !job.appointment_start) { box.replaceChildren(); return; }
  const start = zoned(new Date(job.appointment_start), zone()).local;
  const end = zoned(new Date(job.appointment_end), zone()).local;
  box.replaceChildren(el("p", { class: "booked" },
    `Booked: ${dayLabel(start)}, ${start.slice(11)}–${end.slice(11)}. `,
    el("button", { type: "button", onclick: () => release(now) }, "Cancel the appointment")));
}

async function book(slot, now) {
  try {
    state.job = await api(`/jobs/${encodeURIComponent(state.job.id)}/book`, { method: "POST", body: { start: slot.start, end: slot.end, now } });
    fp.message(`Booked ${state.job.id}: ${dayLabel(slot.start)}, ${fp.hhmm(slot.start)}–${fp.hhmm(slot.end)} with ${slot.name}. Every later plan keeps this arrival window.`, "ok");
    showBooking(now);
  } catch (error) {
    fp.message(error.message, "error");
    if (error.status === 409) await findSlots();
  }
}

async function release(now) {
  try {
    state.job = await api(`/jobs/${encodeURIComponent(state.job.id)}/book`, { method: "DELETE" });
    fp.message(`The appointment of ${state.job.id} is cancelled.`, "ok");
    showBooking(now);
  } catch (error) {
    fp.message(error.message, "error");
  }
}

start().catch((error) => { if (error.message !== "not signed in" && error.message !== "wrong page for this role") fp.message(error.message, "error"); });
