// The name of a language in the page's own language ("suomi" for "fi" on a Finnish page), from
// the browser's Intl.DisplayNames; null for a code the browser cannot name (show the code then).

export function languageNamer(pageLang) {
  let names = null;
  try {
    names = new Intl.DisplayNames([pageLang], { type: "language" });
  } catch {
    names = null;
  }
  return (code) => {
    try {
      const name = names && names.of(code);
      return name && name !== code ? name : null;
    } catch {
      return null; // not a code the browser knows
    }
  };
}
