// The case view's shared-client panel (SPEC §10), inside the patient section: whether the patient
// is suggested as a shared client and why (the triggers in words), who is their responsible
// worker and until when, and the actions — a coordinator takes the patient over until a day (with
// a note) or ends the take-over; a supervisor may end it too; anyone may record a concern.
// Below it, the patient's care pathways (the Kainuu model): those attached, which the patient sees
// in the portal, and a choice to attach one more.
// The facts come from GET /api/patients/{id}, loaded when the case's patient is first shown and
// again after each action here. Everything is built with textContent (strict CSP, data as text).

import { api } from "./api.js";

const root = document.getElementById("case");
const me = root.dataset.me;
const role = root.dataset.role;
const lang = root.dataset.lang;
const t = JSON.parse(root.dataset.texts);
const names = JSON.parse(root.dataset.names);
const regionPathways = JSON.parse(root.dataset.pathways); // [{id, label}] in the page's language
const pathwayLabel = Object.fromEntries(regionPathways.map((p) => [p.id, p.label]));
const dayFormat = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : `${lang}-FI`, { dateStyle: "medium", timeStyle: "short" });
const SUPERVISING = new Set(["supervisor", "admin"]);

let shownFor = null; // the patient id the panel shows
let panel = null;

function text(key, values = {}) {
  let s = t[key] || key;
  for (const [k, v] of Object.entries(values)) s = s.replace(`{${k}}`, String(v));
  return s;
}

function el(tag, content, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined && content !== null) node.textContent = content;
  return node;
}

function errorText(error) {
  const key = error.code ? `err.${error.code}` : null;
  if (key && t[key]) return text(key, { holder: (error.extra && error.extra.holder) || "" });
  return text("error.failed", { detail: error.message });
}

// the panel, built once under the patient facts
function build() {
  const section = el("div", null, "shared-client");
  section.id = "shared-client";
  section.setAttribute("aria-labelledby", "shared-title");
  const title = el("h3", text("shared.title"));
  title.id = "shared-title";
  const status = el("p", text("shared.loading"), "shared-status");
  status.id = "shared-status";
  const triggers = el("ul", null, "shared-triggers");
  triggers.id = "shared-triggers";
  triggers.setAttribute("aria-label", text("shared.triggers"));
  const responsible = el("p", null, "shared-responsible");
  responsible.id = "shared-responsible";
  const message = el("p", null, "notice");
  message.id = "shared-message";
  message.setAttribute("role", "status");
  message.setAttribute("aria-live", "polite");
  const actions = el("div", null, "shared-actions");
  actions.id = "shared-actions";
  const pathwaysTitle = el("h3", text("pathways.title"));
  pathwaysTitle.id = "pathways-title";
  const pathways = el("ul", null, "care-pathways");
  pathways.id = "care-pathways";
  pathways.setAttribute("aria-labelledby", "pathways-title");
  const attach = el("div");
  attach.id = "pathway-attach";
  section.append(title, status, triggers, responsible, actions, pathwaysTitle, pathways, attach, message);
  const facts = document.getElementById("patient-facts");
  facts.after(section);
  return section;
}

function field(id, labelKey, input) {
  const label = el("label", text(labelKey));
  label.htmlFor = id;
  input.id = id;
  return [label, input];
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function takeOverForm(patientId) {
  const form = el("form", null, "action-form");
  form.id = "take-over-form";
  const set = el("fieldset");
  set.append(el("legend", text("shared.take_over.legend")));
  const until = el("input");
  until.type = "date";
  until.required = true;
  until.min = today();
  const note = el("input");
  note.maxLength = 1000;
  note.autocomplete = "off";
  set.append(...field("take-over-until", "shared.take_over.until", until), ...field("take-over-note", "shared.take_over.note", note));
  set.append(el("button", text("shared.take_over.submit")));
  form.append(set);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(patientId, `/take-over`, "POST", { until: until.value, note: note.value || null }, "done.take_over", form);
  });
  return form;
}

function concernForm(patientId) {
  const form = el("form", null, "action-form");
  form.id = "concern-form";
  const note = el("textarea");
  note.rows = 2;
  note.maxLength = 2000;
  note.required = true;
  form.append(...field("concern-note", "shared.concern.label", note), el("button", text("shared.concern.submit")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(patientId, "/concern", "POST", { note: note.value }, "done.concern", form);
  });
  return form;
}

function attachForm(patientId, attached) {
  const form = el("form", null, "action-form");
  form.id = "pathway-form";
  const choice = el("select");
  choice.required = true;
  const none = el("option", text("pathways.choose"));
  none.value = "";
  choice.append(none);
  for (const p of regionPathways) {
    if (attached.has(p.id)) continue;
    const option = el("option", p.label);
    option.value = p.id;
    choice.append(option);
  }
  form.append(...field("pathway-choice", "pathways.attach", choice), el("button", text("pathways.submit")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(patientId, "/care-pathways", "POST", { pathway: choice.value }, "done.pathway", form);
  });
  return form;
}

function renderPathways(p) {
  const list = document.getElementById("care-pathways");
  const attached = p.care_pathways || [];
  list.replaceChildren(
    ...(attached.length
      ? attached.map((a) => {
          const li = el("li", `${pathwayLabel[a.id] || a.title} — ${dayFormat.format(new Date(a.attached_at))}`);
          li.dataset.pathway = a.id;
          return li;
        })
      : [el("li", text("pathways.none"), "muted")]),
  );
  const ids = new Set(attached.map((a) => a.id));
  const place = document.getElementById("pathway-attach");
  place.replaceChildren(...(regionPathways.some((r) => !ids.has(r.id)) ? [attachForm(p.id, ids)] : []));
}

async function act(patientId, path, method, body, doneKey, form) {
  const buttons = form ? [...form.querySelectorAll("button")] : [];
  buttons.forEach((b) => (b.disabled = true));
  const message = document.getElementById("shared-message");
  message.classList.remove("error");
  try {
    await api(`/api/patients/${encodeURIComponent(patientId)}${path}`, { method, body });
    message.textContent = text(doneKey);
    await load(patientId);
  } catch (error) {
    if (error.status === 401) return;
    message.classList.add("error");
    message.textContent = errorText(error);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

function render(p) {
  const shared = p.shared_client || { suggested: false, triggers: [] };
  const worker = p.responsible_worker;
  panel.dataset.suggested = String(Boolean(shared.suggested));
  panel.dataset.responsible = worker ? worker.professional : "";
  const status = document.getElementById("shared-status");
  status.textContent = shared.suggested ? text("shared.suggested") : worker ? text("shared.taken") : shared.triggers.length ? "" : text("shared.none");
  document.getElementById("shared-triggers").replaceChildren(
    ...shared.triggers.map((trigger) => {
      const li = el("li", text(`shared.trigger.${trigger}`));
      li.dataset.trigger = trigger;
      return li;
    }),
  );
  const responsible = document.getElementById("shared-responsible");
  responsible.replaceChildren();
  if (worker) {
    responsible.append(el("strong", `${text("shared.responsible")}: `));
    const until = worker.until ? dayFormat.format(new Date(worker.until)) : "";
    responsible.append(text("shared.responsible_line", { name: names[worker.professional] || worker.professional, t: until }));
  }
  const actions = document.getElementById("shared-actions");
  actions.replaceChildren();
  const heldByOther = worker && worker.professional !== me;
  if (role === "coordinator" && !heldByOther) actions.append(takeOverForm(p.id));
  if (worker && (worker.professional === me || SUPERVISING.has(role))) {
    const release = el("button", text("shared.release"), "secondary");
    release.type = "button";
    release.id = "take-over-release";
    release.addEventListener("click", () => act(p.id, "/take-over", "DELETE", undefined, "done.release", actions));
    actions.append(release);
  }
  actions.append(concernForm(p.id));
  renderPathways(p);
}

async function load(patientId) {
  try {
    const p = await api(`/api/patients/${encodeURIComponent(patientId)}`);
    if (shownFor !== patientId) return; // the case was linked to someone else meanwhile
    render(p);
  } catch (error) {
    if (error.status === 401) return;
    document.getElementById("shared-status").textContent = text("shared.failed");
  }
}

// Called by case.js after each render of the case: shows (or hides) the panel for its patient,
// loading the patient's facts only when the patient changes.
export function showPatientCard(detail) {
  const patientId = detail && detail.patient ? detail.patient.id : null;
  if (!patientId) {
    if (panel) panel.hidden = true;
    shownFor = null;
    return;
  }
  if (!panel) panel = build();
  panel.hidden = false;
  if (patientId === shownFor) return;
  shownFor = patientId;
  load(patientId);
}
