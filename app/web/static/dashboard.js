// The supervisor dashboard: the server renders every figure and chart; this script only keeps
// them fresh. A live event (or a minute passing: waiting times grow on their own) fetches the same
// page again and swaps in its #figures, so page and API never disagree and no markup is built
// here from data. Swapped nodes come from the server's escaped HTML via DOMParser, which runs no
// script. The absence forms post to /api/absences with the CSRF header, then the list is swapped.

import { api, ApiError, toLogin } from "./api.js";
import { connectLive } from "./live.js";

const DEBOUNCE_MS = 800;
const EVERY_MS = 60000;

const root = document.getElementById("dashboard");
const liveEl = document.getElementById("live-status");
const form = document.getElementById("absence-form");
const formStatus = document.getElementById("absence-status");

let timer = null;
let loading = false;
let again = false;
let connected = false;

async function refresh() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  try {
    const response = await fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (response.redirected && new URL(response.url).pathname === "/login") {
      toLogin();
      return;
    }
    if (!response.ok) return; // keep what is shown; the next event or minute tries again
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["figures", "absence-list"]) swap(id, fresh);
    root.dataset.refreshed = String(Date.now());
  } catch {
    // offline for a moment: the live socket's reconnect brings the next refresh
  } finally {
    loading = false;
    if (again) {
      again = false;
      schedule();
    }
  }
}

function swap(id, fresh) {
  const old = document.getElementById(id);
  const next = fresh.getElementById(id);
  if (!old || !next) return;
  // a table the reader opened stays open
  for (const details of old.querySelectorAll("details[open]")) {
    const twin = next.querySelector(`#${CSS.escape(details.id)}`);
    if (twin) twin.open = true;
  }
  // and a keyboard user's focus is not thrown back to the top of the page
  const active = document.activeElement;
  const focused = active && old.contains(active) ? twinOf(active) : null;
  old.replaceWith(document.adoptNode(next));
  if (focused) next.querySelector(focused)?.focus();
}

function twinOf(element) {
  if (element.id) return `#${CSS.escape(element.id)}`;
  if (element.tagName === "SUMMARY" && element.parentElement.id) return `#${CSS.escape(element.parentElement.id)} > summary`;
  const href = element.getAttribute("href");
  return href ? `a[href="${CSS.escape(href)}"]` : null;
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(refresh, DEBOUNCE_MS);
}

root.liveConnection = connectLive({
  onevent: schedule,
  onready() {
    // caught up after a reconnect: what was missed may have moved figures (the first time, the
    // page is as fresh as it gets)
    if (connected) schedule();
    connected = true;
  },
  onresync: schedule,
  onstate(state) {
    liveEl.hidden = state === "live";
    root.dataset.live = state;
  },
  onauthfailed: toLogin,
});
setInterval(schedule, EVERY_MS);

// Both absence forms also work without this script (they post to /dashboard/absences and the
// page comes back); with it, they go to the API and only the list is swapped.
document.getElementById("absence-list").parentElement.addEventListener("submit", async (event) => {
  const end = event.target.closest("form.end-absence");
  if (!end) return;
  event.preventDefault();
  const id = end.closest("tr").dataset.absenceId;
  formStatus.textContent = "";
  try {
    await api(`/api/absences/${encodeURIComponent(id)}/end`, { method: "POST" });
    formStatus.textContent = root.dataset.ended;
    await refresh();
  } catch (error) {
    formStatus.textContent = refusal(error);
  }
});

// Why the API refused, in the page's language: the sentence for its extra.code, else the
// generic sentence with the API's own detail.
const errorTexts = JSON.parse(root.dataset.errors || "{}");
function refusal(error) {
  if (error instanceof ApiError && error.code && errorTexts[`err.${error.code}`]) return errorTexts[`err.${error.code}`];
  const detail = error instanceof ApiError ? error.message : String(error);
  return root.dataset.failed.replace("{e}", detail);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const body = { professional: data.get("professional"), from: data.get("from"), to: data.get("to") };
  if (data.get("substitute")) body.substitute = data.get("substitute");
  formStatus.textContent = "";
  try {
    await api("/api/absences", { method: "POST", body });
    formStatus.textContent = root.dataset.saved;
    form.reset();
    await refresh();
  } catch (error) {
    formStatus.textContent = refusal(error);
  }
});
