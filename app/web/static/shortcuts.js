// Single-key shortcuts (j, k, n, 1…8, ? in the inbox; c, a, r, n, o, i, ? on a case) can be turned
// off (WCAG 2.1.4 Character Key Shortcuts): someone using speech input, or who types by accident,
// would otherwise set them off. The choice is the browser's, kept in localStorage; on by default.

const KEY = "firstline-shortcuts";

export function shortcutsOn() {
  try {
    return localStorage.getItem(KEY) !== "off";
  } catch {
    return true;
  }
}

// A key press that is a single-character shortcut while they are off: ignore it.
export function shortcutOff(event) {
  return event.key.length === 1 && !shortcutsOn();
}

// The page's "single-key shortcuts on" checkbox, if it has one.
export function bindShortcutSwitch(id = "shortcuts-on") {
  const box = document.getElementById(id);
  if (!box) return;
  box.checked = shortcutsOn();
  box.addEventListener("change", () => {
    try {
      localStorage.setItem(KEY, box.checked ? "on" : "off");
    } catch {
      // storage refused (private mode): the choice lasts for this page only
    }
  });
}
