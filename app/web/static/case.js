// The case view: everything about one matter on one page, and the actions on it. The case comes
// from GET /api/cases/{id} (and the patient's continuity facts from GET /api/patients/{id}); after
// every action, and whenever a live event concerns this case, it is loaded again, so the page
// shows exactly what the API says. A refused action (409: someone else claimed it meanwhile) is
// told in the page's language from the API's `extra.code` (and `extra.holder`, who has it); only
// an unknown code falls back to a generic sentence with the API's own detail. All patient text
// goes in with textContent: it is data.
//
// A live chat is worked here too: the page says it is one (and when the visitor has left), the
// reply box sits right under the timeline, Enter sends (Shift+Enter is a new line) and focus stays
// in the box. When the session has ended, the unsent texts are kept in sessionStorage under the
// case id and put back into their fields once the login returns here.

import { api, onSessionEnd, toLogin } from "./api.js";
import { renderFindings } from "./findings.js";
import { languageNamer } from "./languages.js";
import { connectLive } from "./live.js";
import { showPatientCard } from "./patient_card.js";
import { bindShortcutSwitch, shortcutOff } from "./shortcuts.js";

const root = document.getElementById("case");
const caseId = root.dataset.caseId;
const me = root.dataset.me;
const role = root.dataset.role;
const lang = root.dataset.lang;
const t = JSON.parse(root.dataset.texts);
const targets = JSON.parse(root.dataset.targets);
const outcomes = JSON.parse(root.dataset.outcomes);
const pathways = JSON.parse(root.dataset.pathways);
const names = JSON.parse(root.dataset.names);
const flagLabels = JSON.parse(root.dataset.flags);
const $ = (id) => document.getElementById(id);

const OVERRIDE_ROLES = new Set(["supervisor", "admin"]);
const RELOAD_DELAY_MS = 150;
const timeFormat = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : `${lang}-FI`, { dateStyle: "short", timeStyle: "short" });

let current = null; // the last case detail the API gave
let patient = null; // GET /api/patients/{id}, loaded once
let reloadTimer = null;
let generation = 0;

function text(key, values = {}) {
  let s = t[key] || key;
  for (const [k, v] of Object.entries(values)) s = s.replace(`{${k}}`, String(v));
  return s;
}

function known(key, fallback) {
  return t[key] || fallback;
}

function el(tag, content, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined && content !== null) node.textContent = content;
  return node;
}

function when(iso) {
  const time = el("time", timeFormat.format(new Date(iso)));
  time.dateTime = iso;
  return time;
}

function queueLabel(queue) {
  const target = targets.find((x) => x.to === queue);
  if (target) return target.label;
  const [kind] = queue.split(":");
  return known(`tab.${kind}`, queue);
}

const nameOfLanguage = languageNamer(lang);

// "suomi (fi)" rather than "fi"; a code the browser cannot name is shown as it is
function languageName(code) {
  const name = nameOfLanguage(code);
  return name ? `${name} (${code})` : code;
}

function nameOf(id) {
  return id ? names[id] || id : text("fact.none");
}

function facts(dl, pairs) {
  dl.replaceChildren();
  for (const [label, value] of pairs) {
    if (value === undefined) continue;
    dl.append(el("dt", label));
    const dd = el("dd");
    if (value instanceof Node) dd.append(value);
    else dd.textContent = value === null || value === "" ? text("fact.none") : value;
    dl.append(dd);
  }
}

function notice(message) {
  $("case-error").hidden = true;
  $("case-notice").textContent = message;
}

function failure(message) {
  $("case-notice").textContent = "";
  const error = $("case-error");
  error.textContent = message;
  error.hidden = false;
}

// A refused action in the page's language: the sentence for the API's extra.code, filled with
// the facts the API gave (holder: who has the case; queue: a queue id, shown by its name).
// Only a code the page does not know shows the API's own (English) detail.
function errorMessage(error) {
  const key = error.code ? `err.${error.code}` : null;
  let message;
  if (key && t[key]) {
    const extra = error.extra || {};
    message = text(key, {
      holder: extra.holder || nameOf(extra.assignee),
      queue: extra.queue ? queueLabel(extra.queue) : "",
    });
  } else {
    message = text("error.failed", { detail: error.message });
  }
  // "… – the details were reloaded.": one sentence, so the message's own full stop goes
  return error.status === 409 ? text("conflict", { detail: message.replace(/\.$/, "") }) : message;
}

// ------------------------------------------------------------------------------------ drafts

// What someone typed and has not sent yet. When the session ends (a 401 from any action, or the
// live socket refused), these go to sessionStorage under the case id before the page leaves for
// the login page; when the login brings them back here, they are put back and forgotten.
const DRAFT_FIELDS = ["reply-text", "note-text", "attempt-note", "urgency-reason", "handover-note", "resolve-follow-up"];
const DRAFT_KEY = `firstline-drafts:${caseId}`;

function saveDrafts() {
  const drafts = {};
  for (const id of DRAFT_FIELDS) {
    const field = $(id);
    if (field && field.value.trim()) drafts[id] = field.value;
  }
  // whose they are: on a shared workstation, someone else logging in here does not get them
  if (Object.keys(drafts).length) sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ by: me, drafts }));
}

function restoreDrafts() {
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
  } catch {
    kept = null;
  }
  sessionStorage.removeItem(DRAFT_KEY);
  if (!kept || kept.by !== me || !kept.drafts || typeof kept.drafts !== "object") return false;
  const drafts = kept.drafts;
  let restored = false;
  for (const id of DRAFT_FIELDS) {
    const field = $(id);
    if (field && typeof drafts[id] === "string" && !field.value) {
      field.value = drafts[id];
      restored = true;
    }
  }
  return restored;
}

onSessionEnd(saveDrafts);

// ------------------------------------------------------------------------------- rendering

function renderFacts(c) {
  const due = el("span");
  due.append(when(c.due_at));
  const open = c.status !== "resolved";
  if (open && new Date(c.due_at).getTime() < Date.now()) due.append(" ", el("span", text("due.overdue"), "badge overdue"));
  else if (open && c.at_risk) due.append(" ", el("span", text("due.at_risk"), "badge at_risk"));
  const urgency = el("span", text(`urgency.${c.urgency}`), `urgency-label urgency-${c.urgency}`);
  const resolved = c.status === "resolved";
  const outcome = resolved ? outcomes.find((o) => o.code === c.outcome) : null;
  facts($("case-facts"), [
    [text("fact.status"), known(`status.${c.status}`, c.status)],
    [text("fact.urgency"), urgency],
    [text("fact.due"), due],
    [text("fact.promised"), c.promised_at ? when(c.promised_at) : undefined],
    [text("fact.channel"), known(`channel.${c.channel}`, c.channel)],
    [text("fact.reason"), known(`reason.${c.routing_reason}`, c.routing_reason)],
    [text("fact.queue"), queueLabel(c.queue)],
    [text("fact.assignee"), c.assignee ? nameOf(c.assignee) : null],
    [text("fact.caller"), c.caller_phone],
    [text("fact.outcome"), resolved ? (outcome ? outcome.label : c.outcome) : undefined],
    [text("fact.follow_up"), resolved ? c.follow_up : undefined],
  ]);
  renderFindings({ box: $("red-flags"), list: $("flag-list"), note: $("findings-note") }, c, text, known, flagLabels);
}

function renderPatient(c) {
  const p = c.patient;
  const dl = $("patient-facts");
  if (!p) {
    facts(dl, [[text("patient.name"), text("patient.none")]]);
  } else {
    const yesNo = (b) => (b ? text("yes") : text("no"));
    facts(dl, [
      [text("patient.name"), p.name],
      [text("patient.named_nurse"), nameOf(p.named_nurse)],
      [text("patient.named_doctor"), patient ? nameOf(patient.named_doctor) : undefined],
      [text("patient.language"), languageName(p.language)],
      [text("patient.interpreter"), p.interpreter_language ? languageName(p.interpreter_language) : text("no")],
      [text("patient.hearing"), yesNo(p.hearing_impaired)],
    ]);
  }
  const history = $("history");
  if (!c.history.length) {
    history.replaceChildren(el("li", text("history.none"), "list-state"));
    return;
  }
  history.replaceChildren(
    ...c.history.map((h) => {
      const li = el("li");
      const link = el("a");
      link.href = `/cases/${encodeURIComponent(h.id)}`;
      link.append(when(h.created_at));
      li.append(link, ` · ${known(`channel.${h.channel}`, h.channel)} · ${known(`reason.${h.routing_reason}`, h.routing_reason)} · ${known(`status.${h.status}`, h.status)}`);
      return li;
    }),
  );
}

// What an event meant, from the facts its body carries (see app.domain.summary.event_body and
// the `extra` each service passes): plain text, for textContent. null when there is nothing to add.
function eventDetail(e) {
  const urgencyName = (u) => known(`urgency.${u}`, u);
  if (e.type === "case.urgency" && e.urgency && typeof e.urgency === "object") {
    const u = e.urgency;
    return text("ev.urgency", { from: urgencyName(u.from), to: urgencyName(u.to), reason: u.reason || "" });
  }
  if (e.type === "case.handed_over" && e.from_queue) {
    return text("ev.from_to", { from: queueLabel(e.from_queue), to: queueLabel(e.queue) });
  }
  if (e.type === "case.escalated" && e.reason) {
    // the SLA sweep: at risk, past due (spilled to the team or marked), an emergency still waiting
    const why = known(`ev.sla.${e.reason}`, e.reason);
    return e.from_queue ? `${why}: ${text("ev.from_to", { from: queueLabel(e.from_queue), to: queueLabel(e.queue) })}` : why;
  }
  if (e.type === "case.resolved") {
    if (e.merged_into) return text("ev.merged_into");
    if (e.outcome) {
      const o = outcomes.find((x) => x.code === e.outcome);
      return text("ev.outcome", { outcome: o ? o.label : e.outcome });
    }
  }
  if (e.type === "case.updated") {
    if (e.callback_attempt) return text("ev.attempt", { result: known(`result.${e.callback_attempt}`, e.callback_attempt) });
    if (e.merged_from) return text("ev.merged_from");
    if (e.note) return text("ev.note");
  }
  return null;
}

function timelineItems(c) {
  const items = [];
  for (const x of c.contacts) {
    const title = `${text("tl.contact")} · ${known(`channel.${x.channel}`, x.channel)}${x.merged ? ` (${text("tl.merged")})` : ""}`;
    items.push({ at: x.received_at, kind: "contact", title, body: x.text });
  }
  for (const m of c.messages) {
    const by = m.author ? ` · ${nameOf(m.author)}` : "";
    // a chat line, or a secure message, says so: what went out on which channel
    const title = known(`tl.message.${m.sender}.${c.channel}`, known(`tl.message.${m.sender}`, m.sender));
    items.push({ at: m.at, kind: `message-${m.sender}`, title: title + by, body: m.text });
  }
  for (const n of c.notes) items.push({ at: n.at, kind: "note", title: `${text("tl.note")} · ${nameOf(n.author)}`, body: n.text });
  for (const a of c.callback_attempts) {
    const title = `${text("tl.attempt")} · ${nameOf(a.professional)} · ${known(`result.${a.result}`, a.result)}`;
    items.push({ at: a.at, kind: `attempt attempt-${a.result}`, title, body: a.note });
  }
  for (const e of c.events) {
    if (!e.at || e.type === "message.created") continue; // the message itself is in the timeline
    const by = e.actor ? ` · ${nameOf(e.actor)}` : "";
    items.push({ at: e.at, kind: "event", title: `${text("tl.event")} · ${known(`event.${e.type}`, e.type)}${by}`, body: eventDetail(e) });
  }
  // stable on ties: contacts, messages, notes, attempts, then events, as pushed
  return items
    .map((item, i) => ({ ...item, i, ms: new Date(item.at).getTime() }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i);
}

function renderTimeline(c) {
  const items = timelineItems(c);
  const list = $("timeline");
  if (!items.length) {
    list.replaceChildren(el("li", text("timeline.empty"), "list-state"));
    return;
  }
  list.replaceChildren(
    ...items.map((item) => {
      const li = el("li", undefined, `tl ${item.kind}`);
      const head = el("p", undefined, "tl-head");
      head.append(when(item.at), " ", el("strong", item.title));
      li.append(head);
      if (item.body) li.append(el("p", item.body, "tl-body"));
      return li;
    }),
  );
}

function renderActions(c) {
  const open = c.status !== "resolved";
  $("actions").hidden = !open;
  const mine = c.status === "claimed" && c.assignee === me;
  const waiting = c.status === "waiting";
  $("claim").hidden = c.status === "claimed" || waiting;
  // a follow-up: the claimer, anyone on an unclaimed case, a supervisor on a colleague's
  $("follow-up-form").hidden = !(open && !waiting && (c.status === "new" || mine || OVERRIDE_ROLES.has(role)));
  $("release").hidden = !(c.status === "claimed" && (mine || OVERRIDE_ROLES.has(role)));
  $("resolve-form").hidden = !mine;
  // The survey SMS is asked during a call; only a phone case with a number can send it.
  $("resolve-survey-sms-row").hidden = !(c.channel === "phone" && c.caller_phone);
  $("reply-form").hidden = !open; // under the timeline in a chat, outside the actions panel
  $("link-form").hidden = !(open && c.queue.startsWith("overflow:"));
}

// The reply box says where the reply goes: into the live chat, as a secure message, or to the
// portal with an SMS that it waits there.
const REPLY_HINTS = { chat: "reply.hint.chat", secure_message: "reply.hint.secure_message", phone: "reply.hint.notify", sms: "reply.hint.notify" };

function renderChannel(c) {
  root.dataset.channel = c.channel;
  $("reply-label").textContent = known(`reply.label.${c.channel}`, text("reply.label"));
  $("reply-submit").textContent = known(`reply.submit.${c.channel}`, text("reply.submit"));
  const hint = $("reply-hint");
  hint.textContent = REPLY_HINTS[c.channel] ? text(REPLY_HINTS[c.channel]) : "";
  hint.hidden = !hint.textContent;
  const state = $("chat-state");
  if (c.channel !== "chat") {
    state.hidden = true;
    return;
  }
  // a chat is worked from the timeline: the reply box goes right under it
  const slot = $("chat-reply-slot");
  if (!slot.contains($("reply-form"))) slot.append($("reply-form"));
  const left = c.events.some((e) => e.type === "message.created" && e.chat === "left");
  const chatState = c.status === "resolved" ? "closed" : left ? "left" : "live";
  state.dataset.state = chatState;
  root.dataset.chat = chatState;
  state.textContent = text(chatState === "closed" ? "chat.closed" : chatState === "left" ? "chat.visitor_left" : "chat.live");
  state.hidden = false;
}

function render(c) {
  const heading = c.patient ? c.patient.name : text("patient.unknown");
  $("case-heading").textContent = heading;
  document.title = `${heading} – ${text("app")}`;
  root.dataset.status = c.status;
  renderFacts(c);
  renderPatient(c);
  renderTimeline(c);
  renderChannel(c);
  renderActions(c);
  renderFollowUps(c);
  $("case-state").hidden = true;
  $("case-body").hidden = false;
}

// ----------------------------------------------------------------------------------- loading

async function load() {
  const mine = ++generation;
  let detail;
  try {
    detail = await api(`/api/cases/${encodeURIComponent(caseId)}?lang=${encodeURIComponent(lang)}`); // findings in the page's language
  } catch (error) {
    if (error.status === 401 || mine !== generation) return;
    $("case-state").hidden = false;
    // after a handover to someone else's queue the case is rightly out of sight: say so
    const gone = handedAway ? "case.handed_away" : "case.gone";
    $("case-state").textContent = error.status === 404 ? text(gone) : text("case.failed");
    if (error.status === 404) $("case-body").hidden = true;
    return;
  }
  if (mine !== generation) return; // a newer load is under way
  current = detail;
  if (detail.patient && !patient) {
    try {
      patient = await api(`/api/patients/${encodeURIComponent(detail.patient.id)}`);
    } catch (error) {
      patient = null; // the case's own patient brief is shown either way
    }
    if (mine !== generation) return;
  }
  render(detail);
  showPatientCard(detail); // the shared-client panel (patient_card.js)
  root.dataset.loaded = String(mine);
}

function scheduleReload(delay = RELOAD_DELAY_MS) {
  if (reloadTimer) return;
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    load();
  }, delay);
}

// ----------------------------------------------------------------------------------- actions

let handedAway = false;

async function act(path, body, doneKey, button, method = "POST") {
  if (button) button.disabled = true;
  try {
    await api(`/api/cases/${encodeURIComponent(caseId)}/${path}`, { method, body });
    handedAway = path === "handover";
    notice(text(doneKey));
    return true;
  } catch (error) {
    if (error.status === 401) return false; // drafts kept, on the way to the login page
    failure(errorMessage(error));
    return false;
  } finally {
    if (button) button.disabled = false;
    await load();
  }
}

function onSubmit(id, handler, after) {
  const form = $(id);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    if (button && button.disabled) return; // already on its way (Enter pressed twice)
    const result = handler(form);
    if (!result) return;
    const [path, body, doneKey] = result;
    const ok = await act(path, body, doneKey, button);
    if (after) after(ok, body);
    else if (ok) form.reset();
  });
}

const value = (id) => $(id).value.trim();

// After a reply the box is emptied — unless more was typed while it was being sent — and keeps
// the focus, ready for the next line (in a chat there usually is one).
function afterReply(ok, body) {
  const box = $("reply-text");
  if (ok && box.value.trim() === body.text) box.value = "";
  if (box.offsetParent !== null) box.focus();
}

// In a live chat Enter sends and Shift+Enter starts a new line, as in the visitor's widget.
$("reply-text").addEventListener("keydown", (event) => {
  if (root.dataset.channel !== "chat" || event.key !== "Enter" || event.isComposing) return;
  if (event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
  event.preventDefault();
  $("reply-form").requestSubmit();
});

$("claim").addEventListener("click", (e) => act("claim", undefined, "done.claimed", e.currentTarget));
$("release").addEventListener("click", (e) => act("release", undefined, "done.released", e.currentTarget));
onSubmit("attempt-form", () => ["callback-attempts", { result: $("attempt-result").value, note: value("attempt-note") || null }, "done.saved"]);
onSubmit("reply-form", () => (value("reply-text") ? ["messages", { text: value("reply-text") }, "done.sent"] : null), afterReply);
onSubmit("note-form", () => (value("note-text") ? ["notes", { text: value("note-text") }, "done.saved"] : null));
onSubmit("urgency-form", () =>
  value("urgency-reason") ? ["urgency", { level: $("urgency-level").value, reason: value("urgency-reason") }, "done.saved"] : null,
);
onSubmit("handover-form", () =>
  $("handover-to").value ? ["handover", { to: $("handover-to").value, note: value("handover-note") || null }, "done.handed_over"] : null,
);
onSubmit("resolve-form", () =>
  $("resolve-outcome").value
    ? [
        "resolve",
        {
          outcome: $("resolve-outcome").value,
          follow_up: value("resolve-follow-up") || null,
          patient_informed: $("resolve-informed").checked,
          care_pathway: $("resolve-pathway").value || null,
          survey_sms: !$("resolve-survey-sms-row").hidden && $("resolve-survey-sms").checked,
        },
        "done.resolved",
      ]
    : null,
);

// -------------------------------------------------------------------------------- follow-ups

// The case's follow-ups (GET /api/cases/{id} `follow_ups`): when, in what state, whose, and what
// was agreed (the note is data: textContent). The one still scheduled may be cancelled by its
// holder or a supervisor: the case then comes back at once.
function renderFollowUps(c) {
  const items = c.follow_ups || [];
  $("follow-ups").hidden = !items.length;
  $("follow-up-list").replaceChildren(
    ...items.map((f) => {
      const li = el("li", undefined, `follow-up follow-up-${f.state}`);
      const head = el("p", undefined, "tl-head");
      head.append(when(f.at), ` · ${known(`followup.state.${f.state}`, f.state)}`);
      if (f.holder) head.append(` · ${text("followup.holder", { name: nameOf(f.holder) })}`);
      li.append(head, el("p", f.note, "tl-body"));
      return li;
    }),
  );
  const scheduled = items.find((f) => f.state === "scheduled");
  const mayCancel = scheduled && (!scheduled.holder || scheduled.holder === me || OVERRIDE_ROLES.has(role));
  $("follow-up-cancel").hidden = !(c.status === "waiting" && mayCancel);
}

onSubmit("follow-up-form", () => {
  // the day and the time in the browser's local time, sent as an instant (UTC)
  const at = new Date(`${$("follow-up-date").value}T${$("follow-up-time").value}`);
  const note = value("follow-up-note");
  if (Number.isNaN(at.getTime()) || !note) return null;
  return ["follow-up", { at: at.toISOString(), note }, "done.follow_up"];
});
$("follow-up-cancel").addEventListener("click", (e) =>
  act("follow-up", undefined, "done.follow_up_cancelled", e.currentTarget, "DELETE"),
);

function fillPickers() {
  const handover = $("handover-to");
  const nobody = el("option", text("handover.pick"));
  nobody.value = ""; // no default receiver: a handover is always a choice
  handover.append(nobody);
  for (const group of ["personal", "team", "unit"]) {
    const members = targets.filter((x) => x.group === group && x.to !== `personal:${me}`);
    if (!members.length) continue;
    const optgroup = document.createElement("optgroup");
    optgroup.label = text(`group.${group}`);
    for (const x of members) {
      const option = el("option", x.label);
      option.value = x.to;
      optgroup.append(option);
    }
    handover.append(optgroup);
  }
  const outcome = $("resolve-outcome");
  const pick = el("option", text("resolve.pick"));
  pick.value = "";
  outcome.append(pick);
  for (const o of outcomes) {
    const option = el("option", o.failure_demand ? `${o.label} (${text("resolve.failure_demand")})` : o.label);
    option.value = o.code;
    if (o.failure_demand) option.dataset.failureDemand = "true";
    outcome.append(option);
  }
  const pathway = $("resolve-pathway");
  const none = el("option", text("resolve.pathway_none"));
  none.value = "";
  pathway.append(none);
  for (const p of pathways) {
    const option = el("option", p.label);
    option.value = p.id;
    pathway.append(option);
  }
}

// ------------------------------------------------------------------------------ link patient

// An unidentified caller's case (overflow queue): find the patient by name or phone and link.
// The API routes the case as if the caller had been known (or joins it to the patient's open
// matter, whose page we then go to). Hits are data: names go in with textContent.
const SEARCH_DELAY_MS = 250;
let searchTimer = null;
let searchGeneration = 0;

function linkState(message) {
  $("link-state").textContent = message;
}

async function searchPatients() {
  const q = $("link-query").value.trim();
  const mine = ++searchGeneration;
  const hits = $("link-hits");
  if (q.length < 2) {
    hits.replaceChildren();
    linkState("");
    return;
  }
  linkState(text("link.searching"));
  let found;
  try {
    found = await api("/api/patients/search", { method: "POST", body: { q } }); // names and numbers stay out of URLs
  } catch (error) {
    if (error.status === 401 || mine !== searchGeneration) return;
    hits.replaceChildren();
    linkState(text("error.failed", { detail: error.message }));
    return;
  }
  if (mine !== searchGeneration) return; // a newer search is under way
  linkState(found.length ? "" : text("link.none"));
  hits.replaceChildren(
    ...found.map((p) => {
      const li = el("li");
      const button = el("button", text("link.pick", { name: p.name }), "secondary");
      button.type = "button";
      button.dataset.patientId = p.id;
      button.addEventListener("click", () => linkPatient(p.id, button));
      li.append(button);
      if (p.named_nurse) li.append(" ", el("span", text("link.nurse", { name: nameOf(p.named_nurse) }), "hint"));
      return li;
    }),
  );
}

async function linkPatient(patientId, button) {
  button.disabled = true;
  let linked;
  try {
    linked = await api(`/api/cases/${encodeURIComponent(caseId)}/link-patient`, { method: "POST", body: { patient_id: patientId } });
  } catch (error) {
    button.disabled = false;
    if (error.status === 401) return;
    failure(errorMessage(error));
    await load();
    return;
  }
  if (linked && linked.id && linked.id !== caseId) {
    location.assign(`/cases/${encodeURIComponent(linked.id)}`); // joined the patient's open matter
    return;
  }
  $("link-query").value = "";
  $("link-hits").replaceChildren();
  linkState("");
  notice(text("link.done"));
  await load();
}

$("link-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(searchTimer);
  searchPatients();
});
$("link-query").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(searchPatients, SEARCH_DELAY_MS);
});

// ------------------------------------------------------------------------- keyboard and help

const help = $("help");
let helpReturn = null;

function openHelp() {
  helpReturn = document.activeElement;
  help.hidden = false;
  $("help-close").focus();
}

function closeHelp() {
  help.hidden = true;
  if (helpReturn && helpReturn.focus) helpReturn.focus();
}

$("help-open").addEventListener("click", openHelp);
$("help-close").addEventListener("click", closeHelp);
bindShortcutSwitch();

const FOCUS_KEYS = { a: "attempt-result", r: "reply-text", n: "note-text", o: "resolve-outcome" };

document.addEventListener("keydown", (event) => {
  if (!help.hidden) {
    if (event.key === "Escape" || event.key === "?") {
      event.preventDefault();
      closeHelp();
    } else if (event.key === "Tab") {
      event.preventDefault(); // one control in the dialog: focus stays on it
      $("help-close").focus();
    }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || shortcutOff(event)) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) {
    if (event.key === "Escape") target.blur(); // out of the field: the shortcuts work again
    return;
  }
  if (event.key === "?") {
    event.preventDefault();
    openHelp();
  } else if (event.key === "c") {
    const button = !$("claim").hidden ? $("claim") : !$("release").hidden ? $("release") : null;
    if (button && current && current.status !== "resolved") {
      event.preventDefault();
      button.click();
    }
  } else if (event.key === "i") {
    event.preventDefault();
    location.assign("/inbox");
  } else if (FOCUS_KEYS[event.key]) {
    const field = $(FOCUS_KEYS[event.key]);
    if (field.offsetParent !== null) {
      event.preventDefault();
      field.focus();
    }
  }
});

// -------------------------------------------------------------------------------------- live

fillPickers();
if (restoreDrafts()) notice(text("session.restored"));
load();

// Events replayed before the first "ready" (the socket starts from seq 0) are already in the
// case as loaded; after that, one for this case reloads it (a reconnect's replay included).
let readyOnce = false;
const live = connectLive({
  onevent(event) {
    if (readyOnce && event.case_id === caseId) scheduleReload();
  },
  onready() {
    if (!readyOnce) {
      readyOnce = true;
      scheduleReload(0); // whatever changed while the socket was coming up
    }
  },
  onresync() {
    scheduleReload(0);
  },
  onstate(state) {
    $("live-status").hidden = state === "live";
    root.dataset.live = state;
  },
  onauthfailed: toLogin, // which keeps the drafts first
});
root.liveConnection = live; // reachable from the e2e tests' page.evaluate
