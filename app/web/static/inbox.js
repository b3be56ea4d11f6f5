// The inbox page: one tab per queue filter the role may open (the server decides which, in
// data-tabs), each loaded from GET /api/inbox in the API's order. A live event carries the case's
// summary: it is placed on (or taken off) each tab in place, by the tab's own rule (its queues, or
// cases I claimed) and the API's order (data-order), and the counts follow — no fetch per event.
// The lists are fetched again only on a reconnect, a resync, an event without a summary, or a full
// list losing a row (the API's next one would move up). All text goes in with textContent:
// patient names are data, never markup.

import { api, toLogin } from "./api.js";
import { connectLive } from "./live.js";
import { bindShortcutSwitch, shortcutOff } from "./shortcuts.js";
import { languageNamer } from "./languages.js";

const LIMIT = 200;
const RELOAD_DELAY_MS = 150;

const root = document.getElementById("inbox");
const me = root.dataset.me;
const myUnit = root.dataset.unit;
const lang = root.dataset.lang;
const tabs = JSON.parse(root.dataset.tabs);
const order = JSON.parse(root.dataset.order); // { urgency: most urgent first, open_statuses }
const urgencyRank = new Map(order.urgency.map((u, i) => [u, i]));
const t = JSON.parse(root.dataset.texts);
const rowsEl = document.getElementById("rows");
const stateEl = document.getElementById("list-state");
const liveEl = document.getElementById("live-status");
const panel = document.getElementById("inbox-panel");
const buttons = [...document.querySelectorAll('[role="tab"]')];

const lists = new Map(); // filter → case summaries, as the API ordered them
const inFlight = new Map(); // filter → events seen while its fetch was under way, applied again on its answer
const dirty = new Set();
let current = tabs.length ? tabs[0].filter : null;
let reloadTimer = null;
let selectedId = null; // the row the keyboard has selected, kept across reloads by case id

const timeFormat = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : `${lang}-FI`, {
  hour: "2-digit",
  minute: "2-digit",
  weekday: "short",
});

const nameOfLanguage = languageNamer(lang);

function languageName(code) {
  return nameOfLanguage(code) || code;
}

function text(key, values = {}) {
  let s = t[key] || key;
  for (const [k, v] of Object.entries(values)) s = s.replace(`{${k}}`, String(v));
  return s;
}

// "25 min", "3 h 05 min", "2 d 4 h": a due time two days off in minutes is not readable
function span(minutes) {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} ${text("unit.days")} ${hours % 24} h`;
}

function cell(content, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = content;
  return td;
}

function dueCell(summary, now) {
  const due = new Date(summary.due_at);
  const minutes = Math.round((due.getTime() - now) / 60000);
  const td = document.createElement("td");
  const time = document.createElement("time");
  time.dateTime = summary.due_at;
  time.textContent = minutes >= 0
    ? text("due.in", { t: timeFormat.format(due), d: span(minutes) })
    : text("due.over", { t: timeFormat.format(due), d: span(-minutes) });
  td.append(time);
  // the sweep's word (overdue, at_risk) or the clock's, whichever comes first
  const flag = summary.overdue || minutes < 0 ? "overdue" : summary.at_risk ? "at_risk" : null;
  if (flag) {
    const badge = document.createElement("span");
    badge.className = `badge ${flag}`;
    badge.textContent = text(`due.${flag}`);
    td.append(" ", badge);
  }
  if (summary.promised_at) {
    // carried over from an earlier day: the callback time first promised to the patient
    const promised = document.createElement("span");
    promised.className = "promised";
    promised.textContent = text("inbox.promised", { t: timeFormat.format(new Date(summary.promised_at)) });
    td.append(" ", promised);
  }
  return { td, flag };
}

// What whoever calls back must know, in words (not a colour or an icon): the patient's language,
// an interpreter's language, a hearing or speech impairment, a possible shared client.
function needs(patient) {
  const el = document.createElement("div");
  el.className = "needs";
  const parts = [];
  if (patient.language) parts.push(["language", text("need.language", { l: languageName(patient.language) })]);
  if (patient.interpreter_language) {
    parts.push(["interpreter", text("need.interpreter", { l: languageName(patient.interpreter_language) })]);
  }
  if (patient.hearing_impaired) parts.push(["hearing", text("need.hearing")]);
  if (patient.shared_client) parts.push(["shared", text("inbox.shared")]); // SPEC §10: a possible shared client
  parts.forEach(([kind, words], i) => {
    if (i) el.append(", ");
    const span = document.createElement("span");
    span.className = `need need-${kind}`;
    span.dataset.need = kind;
    span.textContent = words;
    el.append(span);
  });
  return el;
}

function row(summary, now) {
  const tr = document.createElement("tr");
  tr.dataset.caseId = summary.id;
  tr.className = `urgency-${summary.urgency}`;
  if (waitingEmergency(summary)) tr.classList.add("emergency-waiting");
  tr.append(cell(text(`channel.${summary.channel}`)));
  const who = document.createElement("td");
  const link = document.createElement("a");
  link.href = `/cases/${encodeURIComponent(summary.id)}`;
  link.textContent = summary.patient ? summary.patient.display_name : text("patient.unknown");
  who.append(link);
  if (summary.patient) who.append(needs(summary.patient));
  tr.append(who);
  tr.append(cell(text(`reason.${summary.routing_reason}`)));
  tr.append(cell(text(`urgency.${summary.urgency}`), "urgency"));
  const { td, flag } = dueCell(summary, now);
  if (flag) tr.classList.add(flag.replace("_", "-"));
  tr.append(td);
  return tr;
}

function render() {
  const items = lists.get(current);
  const now = Date.now();
  if (items === undefined) {
    stateEl.textContent = text("inbox.loading");
    stateEl.hidden = false;
    rowsEl.replaceChildren();
    return;
  }
  stateEl.hidden = items.length > 0;
  stateEl.textContent = items.length ? "" : text("inbox.empty");
  const focused = rowsEl.contains(document.activeElement); // a reload keeps the keyboard's place
  rowsEl.replaceChildren(...items.map((s) => row(s, now)));
  markSelected(focused);
}

function renderCount(filter) {
  const el = document.querySelector(`[data-count-for="${filter}"]`);
  const items = lists.get(filter);
  if (!el || items === undefined) return;
  el.textContent = items.length >= LIMIT ? `${LIMIT}+` : String(items.length);
}

const generation = new Map(); // filter → number of the latest request, so a slower older answer is dropped

async function load(filter) {
  const mine = (generation.get(filter) || 0) + 1;
  generation.set(filter, mine);
  inFlight.set(filter, []);
  try {
    const data = await api(`/api/inbox/?${new URLSearchParams({ queue: filter, limit: String(LIMIT) })}`);
    if (generation.get(filter) !== mine) return;
    // the answer may predate events that arrived meanwhile: those go on top, in order (each
    // carries the case's whole summary, so one already in the answer changes nothing)
    const seen = inFlight.get(filter) || [];
    inFlight.delete(filter);
    lists.set(filter, data.items);
    const tab = tabs.find((x) => x.filter === filter);
    for (const summary of seen) if (place(tab, summary) === "refetch") dirty.add(filter);
    if (dirty.size) scheduleReload();
  } catch (error) {
    if (generation.get(filter) === mine) inFlight.delete(filter);
    if (error.status === 401) return;
    if (filter === current) {
      stateEl.hidden = false;
      stateEl.textContent = text("inbox.failed");
    }
    dirty.add(filter);
    scheduleReload(5000);
    return;
  }
  renderCount(filter);
  if (filter === current) render();
  updateEmergencies();
}

function scheduleReload(delay = RELOAD_DELAY_MS) {
  if (reloadTimer) return;
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    const filters = [...dirty];
    dirty.clear();
    filters.forEach(load);
  }, delay);
}

function concerns(tab, event) {
  if (tab.queues.includes(event.queue) || (event.from_queue && tab.queues.includes(event.from_queue))) return true;
  if (tab.my_claimed && event.case && event.case.assignee === me) return true;
  const listed = lists.get(tab.filter);
  return Boolean(listed && listed.some((s) => s.id === event.case_id));
}

// The API's rule for a tab: an open case in one of its queues, or one I claimed (mine, all).
function belongs(tab, summary) {
  if (!order.open_statuses.includes(summary.status)) return false;
  return tab.queues.includes(summary.queue) || (tab.my_claimed && summary.assignee === me);
}

// The API's order: urgency, then due time, then id.
function compare(a, b) {
  const byUrgency = (urgencyRank.get(a.urgency) ?? order.urgency.length) - (urgencyRank.get(b.urgency) ?? order.urgency.length);
  if (byUrgency) return byUrgency;
  const byDue = Date.parse(a.due_at) - Date.parse(b.due_at);
  if (byDue) return byDue;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// Puts a case's new summary where the API would list it on this tab, or takes it off.
// "changed", "same", or "refetch" when only the API can say (a full list: what lies beyond it).
function place(tab, summary) {
  const items = lists.get(tab.filter);
  if (items === undefined) return "same"; // not loaded yet: its answer will have it
  const at = items.findIndex((s) => s.id === summary.id);
  const wanted = belongs(tab, summary);
  if (at < 0 && !wanted) return "same";
  if (items.length >= LIMIT) return "refetch";
  if (at >= 0) items.splice(at, 1);
  if (wanted) {
    const before = items.findIndex((s) => compare(summary, s) < 0);
    items.splice(before < 0 ? items.length : before, 0, summary);
  }
  return "changed";
}

function applicable(event) {
  const s = event.case;
  return Boolean(s && typeof s === "object" && s.id === event.case_id && typeof s.status === "string"
    && typeof s.queue === "string" && typeof s.urgency === "string" && typeof s.due_at === "string");
}

function applyEvent(event) {
  if (!applicable(event)) {
    // not a case summary this page knows how to place: ask the API about the tabs it concerns
    for (const tab of tabs) if (concerns(tab, event)) dirty.add(tab.filter);
    return;
  }
  for (const tab of tabs) {
    const pending = inFlight.get(tab.filter);
    if (pending) pending.push(event.case);
    const result = place(tab, event.case);
    if (result === "refetch") dirty.add(tab.filter);
    else if (result === "changed") {
      renderCount(tab.filter);
      if (tab.filter === current) render();
    }
  }
  updateEmergencies();
}

function select(button, focus) {
  for (const b of buttons) {
    const on = b === button;
    b.setAttribute("aria-selected", on ? "true" : "false");
    b.tabIndex = on ? 0 : -1;
  }
  if (current !== button.dataset.filter) selectedId = null;
  current = button.dataset.filter;
  panel.setAttribute("aria-labelledby", button.id);
  if (focus) button.focus();
  render();
}

buttons.forEach((button, i) => {
  button.addEventListener("click", () => select(button, false));
  button.addEventListener("keydown", (e) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (step) {
      e.preventDefault();
      select(buttons[(i + step + buttons.length) % buttons.length], true);
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      select(buttons[e.key === "Home" ? 0 : buttons.length - 1], true);
    }
  });
});

function reloadAll() {
  tabs.forEach((tab) => dirty.add(tab.filter));
  scheduleReload(0);
}

// Lists are loaded once the socket is ready: what changed before is in the lists, what changes
// after is streamed, so nothing falls in between. Events replayed before that first "ready"
// (the socket starts from seq 0) are already in the lists. Should the socket not come up, the
// lists are loaded anyway and live updates follow when it does.
let readyOnce = false;
const fallback = setTimeout(reloadAll, 3000);

const live = connectLive({
  onevent(event) {
    if (!readyOnce) return; // the first load, after "ready", has it
    applyEvent(event);
    if (dirty.size) scheduleReload();
  },
  onready() {
    // The first time: load all. On a reconnect the replay has been applied in place, and the
    // lists are fetched once more besides: whatever the replay window or a lost frame missed.
    if (!readyOnce) clearTimeout(fallback);
    readyOnce = true;
    reloadAll();
  },
  onresync: reloadAll,
  onstate(state) {
    liveEl.hidden = state === "live";
    root.dataset.live = state;
    root.classList.toggle("reconnecting", state !== "live");
  },
  onauthfailed: toLogin,
});
root.liveConnection = live; // reachable from the e2e tests' page.evaluate, not from other sites

setInterval(render, 30000); // the due countdowns move on

// --- my presence: shown on load, set with PUT /api/presence

const presenceEl = document.getElementById("my-presence");
const presenceState = document.getElementById("presence-state");
let presenceShown = null;

async function loadPresence() {
  try {
    const entries = await api(`/api/presence/?${new URLSearchParams({ unit: myUnit })}`);
    const mine = entries.find((e) => e.professional.id === me);
    presenceShown = mine ? mine.status : "offline";
    presenceEl.value = presenceShown;
    presenceEl.disabled = false;
  } catch (error) {
    if (error.status !== 401) presenceState.textContent = text("inbox.presence_failed");
  }
}

presenceEl.addEventListener("change", async () => {
  const wanted = presenceEl.value;
  presenceEl.disabled = true;
  presenceState.textContent = "";
  try {
    const entry = await api("/api/presence/", { method: "PUT", body: { status: wanted } });
    presenceShown = entry.status;
    root.dataset.presence = entry.status; // the e2e tests wait on this
  } catch (error) {
    if (error.status === 401) return;
    presenceState.textContent = text("inbox.presence_failed");
  }
  presenceEl.value = presenceShown || "offline";
  presenceEl.disabled = false;
});

loadPresence();

// --- unclaimed emergencies keep signalling: row class, banner with a live count, optional beep

const bannerEl = document.getElementById("emergency-banner");
const soundEl = document.getElementById("emergency-sound");
const SOUND_KEY = "firstline.emergencySound";
const BEEP_EVERY_MS = 30000;
const baseTitle = document.title;
let knownEmergencies = new Set();
let beepTimer = null;
let audio = null;

function waitingEmergency(summary) {
  return summary.urgency === "emergency" && summary.status === "new";
}

function beep() {
  if (!soundEl.checked) return;
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume().catch(() => {}); // starts once the page has had a click
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.4);
  } catch {
    // no audio in this browser: the banner and the row still signal
  }
}

function updateEmergencies() {
  const waiting = new Set();
  for (const items of lists.values()) for (const s of items) if (waitingEmergency(s)) waiting.add(s.id);
  const n = waiting.size;
  bannerEl.hidden = n === 0;
  bannerEl.textContent = n === 0 ? "" : n === 1 ? text("inbox.emergencies_one") : text("inbox.emergencies_many", { n });
  root.dataset.emergencies = String(n);
  document.title = n ? `(${n}) ${bannerEl.textContent} – ${baseTitle}` : baseTitle;
  const arrived = [...waiting].some((id) => !knownEmergencies.has(id));
  knownEmergencies = waiting;
  if (arrived) beep();
  if (n && !beepTimer) beepTimer = setInterval(beep, BEEP_EVERY_MS);
  if (!n && beepTimer) {
    clearInterval(beepTimer);
    beepTimer = null;
  }
}

soundEl.checked = localStorage.getItem(SOUND_KEY) === "on";
soundEl.addEventListener("change", () => {
  localStorage.setItem(SOUND_KEY, soundEl.checked ? "on" : "off");
  if (soundEl.checked && knownEmergencies.size) beep(); // a user gesture: the audio may start
});


// --- keyboard first: j/k or ArrowDown/ArrowUp move the selection, Enter opens it, n opens the
// tab's first case, 1…8 switch tabs, ? opens the help (Escape closes, focus stays inside).

const helpEl = document.getElementById("shortcut-help");
const helpClose = document.getElementById("shortcut-help-close");
let helpReturn = null;

function rowEls() {
  return [...rowsEl.querySelectorAll("tr[data-case-id]")];
}

function markSelected(focus) {
  for (const tr of rowEls()) {
    const on = tr.dataset.caseId === selectedId;
    tr.classList.toggle("selected", on);
    if (on) tr.setAttribute("aria-current", "true");
    else tr.removeAttribute("aria-current");
    if (on && focus) tr.querySelector("a").focus();
  }
}

function moveSelection(step) {
  const trs = rowEls();
  if (!trs.length) return;
  const at = trs.findIndex((tr) => tr.dataset.caseId === selectedId);
  const next = at < 0 ? (step > 0 ? 0 : trs.length - 1) : Math.min(Math.max(at + step, 0), trs.length - 1);
  selectedId = trs[next].dataset.caseId;
  markSelected(true);
}

function openCase(id) {
  if (id) location.assign(`/cases/${encodeURIComponent(id)}`);
}

function openHelp() {
  helpReturn = document.activeElement;
  helpEl.hidden = false;
  helpClose.focus();
}

function closeHelp() {
  helpEl.hidden = true;
  if (helpReturn && helpReturn.isConnected) helpReturn.focus();
  else markSelected(true); // the row was redrawn meanwhile: its new copy
  helpReturn = null;
}

helpClose.addEventListener("click", closeHelp);
helpEl.addEventListener("keydown", (e) => {
  if (e.key === "Escape") {
    e.preventDefault();
    closeHelp();
  } else if (e.key === "Tab") {
    const focusable = [...helpEl.querySelectorAll("button, a[href], input, select, textarea, [tabindex]")];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }
  e.stopPropagation(); // no inbox shortcut while the help is open
});

function typing(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

document.addEventListener("keydown", (e) => {
  if (!helpEl.hidden || e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || shortcutOff(e)) return;
  const onControl = e.target instanceof HTMLElement && ["BUTTON", "A"].includes(e.target.tagName);
  if (e.key === "j" || e.key === "ArrowDown") {
    e.preventDefault();
    moveSelection(1);
  } else if (e.key === "k" || e.key === "ArrowUp") {
    e.preventDefault();
    moveSelection(-1);
  } else if (e.key === "Enter" && selectedId && !onControl) {
    e.preventDefault();
    openCase(selectedId);
  } else if (e.key === "n") {
    const first = rowEls()[0];
    if (first) openCase(first.dataset.caseId);
  } else if (/^[1-8]$/.test(e.key)) {
    const button = buttons[Number(e.key) - 1];
    if (button) select(button, true);
  } else if (e.key === "?") {
    e.preventDefault();
    openHelp();
  }
});

bindShortcutSwitch();
