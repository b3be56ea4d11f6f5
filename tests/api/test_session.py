"""The browser session: login and logout pages, the cookie's flags, CSRF, redirects.

A cookie-authenticated unsafe request needs the CSRF token; a bearer-authenticated one (an
integration) and a signed webhook do not. After-login redirects stay on this hub.
"""

from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from app.security.session import CSRF_COOKIE, SESSION_COOKIE, safe_next
from app.web.i18n import pick_language
from tests.helpers import callback, login

XSS = "<img src=x onerror=alert(1)>"


async def csrf(client: AsyncTestClient) -> str:
    r = await client.get("/login")
    assert r.status_code == 200, r.text
    token = client.cookies.get(CSRF_COOKIE)
    assert token and f'value="{token}"' in r.text
    return token


async def log_in(client: AsyncTestClient, username: str = "aino", next_: str = "/inbox", password: str | None = None):  # type: ignore[no-untyped-def]
    token = await csrf(client)
    return await client.post(
        "/login",
        data={"username": username, "password": password or f"{username}-demo", "csrf_token": token, "next": next_},
        follow_redirects=False,
    )


def set_cookie(r, name: str) -> str:  # type: ignore[no-untyped-def]
    found = [h for h in r.headers.get_list("set-cookie") if h.startswith(name + "=")]
    assert found, f"no {name} cookie in {r.headers.get_list('set-cookie')}"
    return found[-1]


async def test_login_page_is_served_with_a_strict_csp(client: AsyncTestClient) -> None:
    r = await client.get("/login")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"):
        assert directive in csp
    assert "<style" not in r.text and "style=" not in r.text and "<script>" not in r.text
    assert 'name="csrf_token"' in r.text and 'autocomplete="current-password"' in r.text


async def test_home_and_inbox_send_a_stranger_to_login(client: AsyncTestClient) -> None:
    r = await client.get("/", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    r = await client.get("/inbox", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Finbox"


async def test_login_sets_an_httponly_strict_session_cookie_and_redirects(client: AsyncTestClient) -> None:
    r = await log_in(client)
    assert r.status_code == 303 and r.headers["location"] == "/inbox"
    cookie = set_cookie(r, SESSION_COOKIE).lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie and "secure" not in cookie
    assert "httponly" not in set_cookie(r, CSRF_COOKIE).lower()  # our scripts read it
    r = await client.get("/inbox")
    assert r.status_code == 200 and "Aino Nurminen" in r.text
    assert "content-security-policy" in r.headers
    assert client.cookies.get(SESSION_COOKIE) not in r.text  # the token never reaches the page
    assert (await client.get("/", follow_redirects=False)).headers["location"] == "/inbox"
    r = await client.get("/api/inbox/?queue=mine")  # the API accepts the cookie too
    assert r.status_code == 200 and r.json() == {"items": []}


async def test_cookie_is_secure_over_https(settings, region, db) -> None:  # type: ignore[no-untyped-def]
    from app.main import create_app

    async with AsyncTestClient(app=create_app(settings, region), base_url="https://testserver.local") as https:
        r = await log_in(https)
        assert r.status_code == 303
        assert "secure" in set_cookie(r, SESSION_COOKIE).lower()
        assert "secure" in set_cookie(r, CSRF_COOKIE).lower()


async def test_wrong_password_gives_the_form_back_with_the_username_as_text(client: AsyncTestClient) -> None:
    r = await log_in(client, username=XSS, password="nope")
    assert r.status_code == 200
    assert XSS not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert 'role="alert"' in r.text and SESSION_COOKIE not in r.headers.get("set-cookie", "")
    r = await log_in(client, username="aino", password="wrong")
    assert r.status_code == 200 and 'value="aino"' in r.text and "Väärä" in r.text


async def test_repeated_failures_are_throttled_on_the_page_too(client: AsyncTestClient) -> None:
    for _ in range(5):
        assert SESSION_COOKIE not in (await log_in(client, password="wrong")).headers.get("set-cookie", "")
    r = await log_in(client)  # even the right password waits
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    r = await client.post("/api/auth/login", json={"username": "aino", "password": "aino-demo"})
    assert r.status_code == 429  # one throttle for the page and the API


async def test_login_form_needs_its_csrf_token(client: AsyncTestClient) -> None:
    await csrf(client)
    for token in ("", "forged-token-forged-token-forged-token"):
        r = await client.post("/login", data={"username": "aino", "password": "aino-demo", "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 403 and SESSION_COOKIE not in r.headers.get("set-cookie", "")


async def test_missing_fields_give_the_form_back(client: AsyncTestClient) -> None:
    token = await csrf(client)
    r = await client.post("/login", data={"csrf_token": token, "username": "aino"}, follow_redirects=False)
    assert r.status_code == 400 and 'value="aino"' in r.text


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "inbox", "/\tx", ""]
)
async def test_after_login_never_leaves_the_hub(client: AsyncTestClient, target: str) -> None:
    r = await log_in(client, next_=target)
    assert r.status_code == 303 and r.headers["location"] == "/inbox"


async def test_after_login_returns_to_a_relative_path(client: AsyncTestClient) -> None:
    r = await log_in(client, next_="/inbox?lang=sv")
    assert r.headers["location"] == "/inbox?lang=sv"
    r = await client.get("/login?next=//evil.example")
    assert 'name="next" value="/inbox"' in r.text


def test_safe_next() -> None:
    assert safe_next("/cases/c-1") == "/cases/c-1"
    assert safe_next("/%2F%2Fevil") == "/%2F%2Fevil"  # still a path here
    assert safe_next("http:/evil") == "/inbox" and safe_next(None) == "/inbox"


async def test_csrf_for_cookie_sessions_only(client: AsyncTestClient) -> None:
    await log_in(client)
    token = client.cookies.get(CSRF_COOKIE)
    # cookie, no token or a forged one → 403 naming the problem
    r = await client.post("/api/cases/c-none/claim")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = await client.post("/api/cases/c-none/claim", headers={"X-CSRF-Token": "x" * 43})
    assert r.status_code == 403
    # cookie and the right token → the request goes through (to an unknown case here)
    r = await client.post("/api/cases/c-none/claim", headers={"X-CSRF-Token": token})
    assert r.status_code == 404, r.text
    # reads need no token
    assert (await client.get("/api/inbox/?queue=all")).status_code == 200


async def test_bearer_requests_and_webhooks_need_no_csrf_token(client: AsyncTestClient) -> None:
    bearer = await login(client, "aino")
    await log_in(client)  # the same client also holds a session cookie
    r = await client.post("/api/cases/c-none/claim", headers=bearer)
    assert r.status_code == 404, r.text
    created = await callback(client, "csrf-1")
    assert created.status_code == 202, created.text
    r = await client.post(f"/api/cases/{created.json()['case_id']}/claim", headers=bearer)
    assert r.status_code == 200, r.text


async def test_logout_revokes_the_token_and_clears_the_cookie(client: AsyncTestClient) -> None:
    await log_in(client)
    session = client.cookies.get(SESSION_COOKIE)
    r = await client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = await client.post("/logout", data={"csrf_token": client.cookies.get(CSRF_COOKIE)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    cleared = set_cookie(r, SESSION_COOKIE).lower()
    assert re.search(r"max-age=0|expires=", cleared)
    assert (await client.get("/inbox", follow_redirects=False)).status_code == 303
    r = await client.get("/api/inbox/?queue=mine", headers={"Authorization": f"Bearer {session}"})
    assert r.status_code == 401  # revoked, not just forgotten by the browser


async def test_api_logout_takes_the_browser_session_too(client: AsyncTestClient) -> None:
    """`POST /api/auth/logout` from a page: the session cookie (with its CSRF token) is revoked
    and cleared, as the bearer token of an integration is."""
    await log_in(client)
    session = client.cookies.get(SESSION_COOKIE)
    r = await client.post("/api/auth/logout")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = await client.post("/api/auth/logout", headers={"X-CSRF-Token": client.cookies.get(CSRF_COOKIE)})
    assert r.status_code == 204, r.text
    assert re.search(r"max-age=0|expires=", set_cookie(r, SESSION_COOKIE).lower())
    r = await client.get("/api/inbox/?queue=mine", headers={"Authorization": f"Bearer {session}"})
    assert r.status_code == 401


async def test_interface_language_follows_the_browser_until_picked(client: AsyncTestClient) -> None:
    r = await client.get("/login", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})
    assert '<html lang="sv">' in r.text and "Logga in" in r.text
    r = await client.get("/login?lang=en", headers={"Accept-Language": "sv"})
    assert '<html lang="en">' in r.text
    r = await client.get("/login", headers={"Accept-Language": "sv"})
    assert '<html lang="en">' in r.text  # the pick is remembered
    r = await client.get("/login?lang=xx")
    assert r.status_code == 200 and '<html lang="en">' in r.text


def test_pick_language() -> None:
    assert pick_language(None, None) == "fi"
    assert pick_language(None, "de, en;q=0.3, sv;q=0.8") == "sv"
    assert pick_language("en", "sv") == "en"
    assert pick_language(None, "en;q=bad, fi;q=0.1") == "fi"


async def test_static_scripts_are_served(client: AsyncTestClient) -> None:
    for name in ("api.js", "live.js", "inbox.js", "firstline.css"):
        r = await client.get(f"/static/{name}")
        assert r.status_code == 200, name
    assert (await client.get("/static/../main.py")).status_code == 404
    for name in ("inbox.js", "live.js", "api.js"):
        assert "innerHTML" not in (await client.get(f"/static/{name}")).text


def test_every_language_has_every_text_the_inbox_needs() -> None:
    from app.domain.access import INBOX_FILTERS
    from app.domain.common import Channel, Urgency
    from app.domain.routing import REASONS
    from app.web.i18n import TEXTS

    needed = {f"tab.{f}" for f in INBOX_FILTERS} | {f"reason.{r}" for r in REASONS}
    needed |= {f"channel.{c}" for c in Channel.__args__} | {f"urgency.{u}" for u in Urgency.__args__}  # type: ignore[attr-defined]
    assert needed <= set(TEXTS["fi"])
    assert set(TEXTS["fi"]) == set(TEXTS["sv"]) == set(TEXTS["en"])
