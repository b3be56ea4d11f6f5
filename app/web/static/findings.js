// The urgency box of the case view: what the rules found and why they suggest a level (SPEC §7:
// rules suggest, the nurse decides). GET /api/cases/{id}?lang= gives `urgency_findings` with the
// label and reason already in the page's language; the patient's own words (`matched`) are data
// and go in with textContent only. A case opened before findings were kept has only its red
// flags: those are listed by label, as before.

const ORDER = ["emergency", "urgent", "soon", "non_urgent"];

function el(tag, content, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined && content !== null) node.textContent = content;
  return node;
}

// The rules' own suggestion: the most urgent level a counted finding raises (a professional may
// have changed the case's urgency since; the box still says what the rules found).
function suggested(c, counted) {
  const levels = counted.map((f) => f.level).filter((l) => ORDER.includes(l));
  if (levels.length) return levels.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0];
  return c.urgency_source === "rules" ? c.urgency : null;
}

function item(f, text) {
  const li = el("li", null, `finding finding-${f.status}`);
  li.dataset.flag = f.flag;
  li.dataset.status = f.status;
  const head = el("span", null, "finding-head");
  head.append(el("strong", f.label, "finding-label"));
  if (f.status === "counted") {
    head.append(" ", el("span", text(`urgency.${f.level}`), `urgency-label urgency-${f.level}`));
  } else {
    head.append(" ", el("span", text(`findings.${f.status}`), "finding-status"));
  }
  li.append(head);
  if (f.matched.length) {
    const words = el("span", `${text("findings.words")}: `, "finding-words");
    f.matched.forEach((m, i) => words.append(i ? ", " : "", el("q", m)));
    li.append(" ", words);
  } else if (f.rule === "form") {
    li.append(" ", el("span", text("findings.form"), "finding-words"));
  }
  if (f.status === "counted" && f.reason) li.append(el("span", f.reason, "finding-reason"));
  return li;
}

// Fill the box (`box` holds `list` and the `note` paragraph); hidden when the rules had no say.
export function renderFindings({ box, list, note }, c, text, known, flagLabels) {
  const findings = c.urgency_findings || [];
  const counted = findings.filter((f) => f.status === "counted");
  box.hidden = !(findings.length || c.red_flags.length || c.urgency_source === "rules" || c.urgency_source === "line");
  box.classList.toggle("calm", !c.red_flags.length); // red only for a red flag: no crying wolf
  const level = suggested(c, counted);
  note.textContent = level ? text("findings.suggest", { level: text(`urgency.${level}`) }) : text("findings.decides");
  const items = findings.length
    ? findings.map((f) => item(f, text))
    : c.red_flags.map((f) => el("li", flagLabels[f] || f, "finding finding-counted"));
  list.replaceChildren(...items);
  list.append(el("li", `${text("flags.source")}: ${known(`source.${c.urgency_source}`, c.urgency_source)}`, "flag-source"));
}
