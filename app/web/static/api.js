// fetch for the professionals' pages: the session cookie authenticates, unsafe methods carry
// the CSRF token (the csrftoken cookie's value in X-CSRF-Token), and a 401 means the session
// is over: back to the login page, returning here afterwards (a page may first keep what it
// has unsent: onSessionEnd). An error keeps the API's `extra`, whose `code` (docs/api-errors.md)
// lets the page say what happened in its own language.

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ApiError extends Error {
  constructor(status, detail, extra) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.extra = extra && typeof extra === "object" && !Array.isArray(extra) ? extra : {};
    this.code = typeof this.extra.code === "string" ? this.extra.code : null;
  }
}

export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "csrftoken") return rest.join("=");
  }
  return "";
}

const sessionEndHooks = [];

// fn runs (synchronously) just before the page leaves for the login page
export function onSessionEnd(fn) {
  sessionEndHooks.push(fn);
}

export function toLogin() {
  for (const fn of sessionEndHooks) {
    try {
      fn();
    } catch {
      // keeping a draft must never keep anyone from logging in again
    }
  }
  const here = location.pathname + location.search;
  location.assign("/login?" + new URLSearchParams({ next: here }).toString());
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (UNSAFE.has(method)) headers["X-CSRF-Token"] = csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  if (response.status === 401) {
    toLogin();
    throw new ApiError(401, "session ended");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data && data.detail, data && data.extra);
  return data;
}
