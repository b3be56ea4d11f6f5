// The unit's shared clients on the inbox page, for its coordinators and supervisors (SPEC §10):
// GET /api/shared-clients → the patients a trigger fires for (suggested first), with the triggers
// in words, and those a coordinator holds (who, until when). Loaded with the page; all text goes
// in with textContent.

import { api } from "./api.js";

const root = document.getElementById("inbox");
const lang = root.dataset.lang;
const t = JSON.parse(root.dataset.texts);
const list = document.getElementById("shared-list");
const state = document.getElementById("shared-list-state");
const dayFormat = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : `${lang}-FI`, { dateStyle: "medium" });

function text(key, values = {}) {
  let s = t[key] || key;
  for (const [k, v] of Object.entries(values)) s = s.replace(`{${k}}`, String(v));
  return s;
}

function item(entry) {
  const li = document.createElement("li");
  li.dataset.patientId = entry.patient.id;
  li.dataset.suggested = String(entry.suggested);
  const name = document.createElement("strong");
  name.textContent = entry.patient.display_name;
  li.append(name);
  const why = entry.triggers.map((trigger) => text(`shared.trigger.${trigger}`)).join(", ");
  if (why) li.append(`: ${why}`);
  if (entry.responsible_worker) {
    const held = document.createElement("div");
    held.className = "muted";
    const until = entry.responsible_worker.until ? dayFormat.format(new Date(entry.responsible_worker.until)) : "";
    held.textContent = text("shared.list.held", { name: entry.responsible_worker.name || entry.responsible_worker.professional, t: until });
    li.append(held);
  }
  return li;
}

async function load() {
  try {
    const entries = await api(`/api/shared-clients?${new URLSearchParams({ unit: root.dataset.unit })}`);
    list.replaceChildren(...entries.map(item));
    state.textContent = entries.length ? "" : text("shared.list.empty");
  } catch (error) {
    if (error.status !== 401) state.textContent = text("shared.list.failed");
  }
}

load();
