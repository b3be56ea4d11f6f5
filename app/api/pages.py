"""The professionals' web pages: login, logout and the inbox, rendered on the server.

Thin like the API controllers: the password check is `app.api.auth.check_login`, the queues a
role may open come from `app.domain.access`, and the inbox rows themselves are loaded by the
page's script from `GET /api/inbox` and kept live over `WS /api/live`. Every page is served with
a strict Content-Security-Policy (no inline script or style anywhere), and the data the scripts
need travels in `data-*` attributes, escaped by Jinja.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from app.api.auth import LoginThrottled, check_login, client_address
from app.domain.access import INBOX_FILTERS, inbox_queues, lists_my_claimed_cases, may_override, sees_shared_clients
from app.domain.common import OPEN_STATUSES, URGENCY_RANK
from app.domain.region import Professional
from app.hub import Hub
from app.security.auth import NotAuthenticated, authenticate, log_out
from app.security.session import (
    CSRF_COOKIE,
    CSRF_FIELD,
    LANG_COOKIE,
    SESSION_COOKIE,
    cleared_session_cookie,
    csrf_cookie,
    form_token_ok,
    new_csrf_token,
    safe_next,
    session_cookie,
    valid_csrf_cookie,
)
from app.security.tokens import issue
from app.web.i18n import LANG_NAMES, LANGS, TEXTS, Lang, pick_language

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages name the logged-in professional
}
LangParam = Annotated[str | None, Parameter(query="lang", max_length=8)]
NextParam = Annotated[str | None, Parameter(query="next", max_length=512)]


class LoginForm(msgspec.Struct):
    """The login form; every field optional so that a half-filled form gets the form back."""

    username: Annotated[str, msgspec.Meta(max_length=64)] = ""
    password: Annotated[str, msgspec.Meta(max_length=256)] = ""
    csrf_token: Annotated[str, msgspec.Meta(max_length=128)] = ""
    next: Annotated[str, msgspec.Meta(max_length=512)] = ""


def csrf_refused() -> Response[Any]:
    """A form post without the page's CSRF token (forged, or from a page older than the session)."""
    return Response({"status_code": 403, "detail": "missing or wrong CSRF token in the form; reload the page", "extra": {}}, status_code=403)


class LogoutForm(msgspec.Struct):
    csrf_token: Annotated[str, msgspec.Meta(max_length=128)] = ""


class Tab(msgspec.Struct):
    """One inbox tab: the API filter it loads and what puts a case on it — a case open in one of
    its queues, or (`my_claimed`) one the viewer claimed wherever it waits — so the page can
    place a live event's case on the tab without asking the API again."""

    filter: str
    label: str
    queues: list[str]
    my_claimed: bool = False


class ListOrder(msgspec.Struct):
    """How `GET /api/inbox` orders and filters its rows, for the page that keeps them live:
    urgency levels most urgent first (then due time, then id), and the statuses listed."""

    urgency: list[str]
    open_statuses: list[str]


LIST_ORDER_JSON = msgspec.json.encode(ListOrder(sorted(URGENCY_RANK, key=URGENCY_RANK.__getitem__), list(OPEN_STATUSES))).decode()


def _secure(request: Request[Any, Any, Any]) -> bool:
    return request.url.scheme == "https"


def page_language(request: Request[Any, Any, Any], lang: str | None) -> tuple[Lang, list[Cookie]]:
    """The page's language; a `?lang=` pick is remembered in a cookie."""
    if lang in LANGS:
        chosen = pick_language(lang, None)
        return chosen, [Cookie(key=LANG_COOKIE, value=chosen, path="/", samesite="lax", max_age=365 * 86400, secure=_secure(request))]
    return pick_language(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")), []


def page_csrf(request: Request[Any, Any, Any]) -> tuple[str, list[Cookie]]:
    """The browser's CSRF token, made and set when it has none yet."""
    token = valid_csrf_cookie(request.cookies.get(CSRF_COOKIE))
    if token:
        return token, []
    token = new_csrf_token()
    return token, [csrf_cookie(token, _secure(request))]


async def page_session(hub: Hub, request: Request[Any, Any, Any]) -> Professional | None:
    try:
        return await authenticate(hub, request.cookies.get(SESSION_COOKIE) or None)
    except NotAuthenticated:
        return None


def language_links(lang: Lang, path: str, extra: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": LANG_NAMES[code], "href": f"{path}?{urlencode({**(extra or {}), 'lang': code})}", "current": code == lang}
        for code in LANGS
    ]


def _login_page(
    request: Request[Any, Any, Any], lang: Lang, cookies: list[Cookie], *, next_: str, username: str = "", error: str | None = None, status: int = 200
) -> Template:
    token, csrf_cookies = page_csrf(request)
    return Template(
        template_name="login.html",
        context={
            "t": TEXTS[lang],
            "lang": lang,
            "languages": language_links(lang, "/login", {"next": next_} if next_ != "/inbox" else None),
            "csrf_token": token,
            "csrf_field": CSRF_FIELD,
            "next": next_,
            "username": username,
            "error": error,
        },
        headers=PAGE_HEADERS,
        cookies=[*cookies, *csrf_cookies],
        status_code=status,
        media_type=MediaType.HTML,
    )


def professional_page(
    request: Request[Any, Any, Any],
    template: str,
    who: Professional,
    lang: Lang,
    path: str,
    context: dict[str, Any],
    cookies: list[Cookie],
    status: int = 200,
) -> Template:
    """A logged-in professional's page: what every such page needs (texts, language links, the
    logout form's CSRF token, whether the dashboard is theirs to open) plus its own `context`."""
    token, csrf_cookies = page_csrf(request)
    return Template(
        template_name=template,
        context={
            "t": TEXTS[lang],
            "lang": lang,
            "languages": language_links(lang, path),
            "who": who,
            "oversees": may_override(who),
            "csrf_token": token,
            "csrf_field": CSRF_FIELD,
            **context,
        },
        headers=PAGE_HEADERS,
        cookies=[*cookies, *csrf_cookies],
        status_code=status,
        media_type=MediaType.HTML,
    )


def to_login(path: str) -> Redirect:
    return Redirect(f"/login?{urlencode({'next': path})}", status_code=303, headers={"Cache-Control": "no-store"})


class PagesController(Controller):
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any], state: State) -> Redirect:
        who = await page_session(state.hub, request)
        return Redirect("/inbox" if who else "/login", status_code=303, headers={"Cache-Control": "no-store"})

    @get("/login")
    async def login_form(self, request: Request[Any, Any, Any], lang: LangParam = None, next_: NextParam = None) -> Template:
        chosen, cookies = page_language(request, lang)
        return _login_page(request, chosen, cookies, next_=safe_next(next_))

    @post("/login", status_code=303)
    async def login(
        self,
        request: Request[Any, Any, Any],
        state: State,
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        hub: Hub = state.hub
        lang, cookies = page_language(request, None)
        t = TEXTS[lang]
        next_ = safe_next(data.next)
        if not form_token_ok(request.cookies, data.csrf_token):
            return _login_page(request, lang, cookies, next_=next_, username=data.username, error=t["login.csrf"], status=403)
        if not data.username or not data.password:
            return _login_page(request, lang, cookies, next_=next_, username=data.username, error=t["login.missing"], status=400)
        try:
            who = await check_login(hub, data.username, data.password, client_address(request))
        except LoginThrottled as exc:
            page = _login_page(
                request, lang, cookies, next_=next_, username=data.username,
                error=t["login.throttled"].format(s=exc.retry_after), status=429,
            )
            page.headers["Retry-After"] = str(exc.retry_after)
            return page
        except NotAuthenticated:
            # 200, not 401: the form back with its message is an ordinary answer to a typo
            # (a 401 page has no WWW-Authenticate scheme to offer, and browsers log it as a failure)
            return _login_page(request, lang, cookies, next_=next_, username=data.username, error=t["login.wrong"])
        token, _ = issue(hub.settings.secret_key, who.id, hub.settings.token_ttl_seconds)
        secure = _secure(request)
        return Redirect(
            next_,
            status_code=303,
            cookies=[
                session_cookie(token, hub.settings.token_ttl_seconds, secure),
                csrf_cookie(new_csrf_token(), secure),  # a fresh token for the new session
            ],
            headers={"Cache-Control": "no-store"},
        )

    @post("/logout", status_code=303)
    async def logout(
        self,
        request: Request[Any, Any, Any],
        state: State,
        data: Annotated[LogoutForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        if not form_token_ok(request.cookies, data.csrf_token):
            return csrf_refused()
        try:
            await log_out(state.hub, request.cookies.get(SESSION_COOKIE) or None)
        except NotAuthenticated:
            pass  # already expired or logged out: clearing the cookie is all that is left
        return Redirect("/login", status_code=303, cookies=[cleared_session_cookie(_secure(request))], headers={"Cache-Control": "no-store"})

    @get("/inbox")
    async def inbox(self, request: Request[Any, Any, Any], state: State, lang: LangParam = None) -> Response[Any]:
        hub: Hub = state.hub
        who = await page_session(hub, request)
        if who is None:
            return to_login("/inbox")
        chosen, cookies = page_language(request, lang)
        t = TEXTS[chosen]
        tabs = [
            Tab(filter=f, label=t[f"tab.{f}"], queues=queues, my_claimed=lists_my_claimed_cases(f))
            for f in INBOX_FILTERS
            if (queues := inbox_queues(hub.region, who, f, who.unit)) is not None
        ]
        context = {
            "tabs": tabs,
            "tabs_json": msgspec.json.encode(tabs).decode(),
            "texts_json": msgspec.json.encode(t).decode(),
            "order_json": LIST_ORDER_JSON,
            "shared_clients": sees_shared_clients(who, who.unit),  # the unit's shared-client list (shared_list.js)
        }
        return professional_page(request, "inbox.html", who, chosen, "/inbox", context, cookies)
