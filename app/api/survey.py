"""`/survey/{token}`: a plain HTML form (no script) and the same answer as JSON for apps."""

from __future__ import annotations

import base64
import hashlib
import html
from typing import Annotated, Any, Literal

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.params import Parameter

from app.api.openapi_body import json_body
from app.hub import Hub
from app.services import survey
from app.domain.errors import Invalid, NotFound, ServiceError
from app.domain.survey import language_from_accept

TEXTS = {
    "fi": {
        "title": "Miten onnistuimme?",
        "nps": "Kuinka todennäköisesti suosittelisit palveluamme läheisellesi? (0 = en lainkaan, 10 = erittäin todennäköisesti)",
        "solved": "Ratkesiko asiasi?",
        "knows": "Tiedätkö, miten asiasi jatkuu?",
        "yes": "Kyllä", "no": "Ei", "send": "Lähetä", "thanks": "Kiitos vastauksestasi!",
        "expired": "Tämän kyselyn vastausaika on päättynyt. Kiitos kiinnostuksestasi!",
    },
    "sv": {
        "title": "Hur lyckades vi?",
        "nps": "Hur sannolikt är det att du skulle rekommendera vår tjänst till en närstående? (0 = inte alls, 10 = mycket sannolikt)",
        "solved": "Blev ditt ärende löst?",
        "knows": "Vet du hur ditt ärende fortsätter?",
        "yes": "Ja", "no": "Nej", "send": "Skicka", "thanks": "Tack för ditt svar!",
        "expired": "Svarstiden för den här enkäten har gått ut. Tack för ditt intresse!",
    },
    "en": {
        "title": "How did we do?",
        "nps": "How likely are you to recommend our service to someone close to you? (0 = not at all, 10 = very likely)",
        "solved": "Was your matter solved?",
        "knows": "Do you know how your matter continues?",
        "yes": "Yes", "no": "No", "send": "Send", "thanks": "Thank you for your answer!",
        "expired": "This survey has closed. Thank you for your interest!",
    },
}
STYLE = "body{font:17px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}fieldset{margin:1rem 0}button{font:inherit;padding:.5rem 1.5rem}"
_STYLE_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode() + "'"
CSP = f"default-src 'none'; style-src {_STYLE_HASH}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
Token = Annotated[str, Parameter(max_length=100)]
NOT_A_LINK = "this survey link is not valid"
Lang = Literal["fi", "sv", "en"]


def _page(lang: str, body: str, status: int = 200) -> Response[str]:
    tx = TEXTS[lang]
    doc = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{tx["title"]}</title>'
        f"<style>{STYLE}</style></head><body><main><h1>{tx['title']}</h1>{body}</main></body></html>"
    )
    return Response(doc, status_code=status, media_type=MediaType.HTML, headers={"Content-Security-Policy": CSP})


def _yes_no(name: str, legend: str, tx: dict[str, str]) -> str:
    return (
        f"<fieldset><legend>{legend}</legend>"
        f'<label><input type="radio" name="{name}" value="yes"> {tx["yes"]}</label> '
        f'<label><input type="radio" name="{name}" value="no"> {tx["no"]}</label></fieldset>'
    )


def _language(lang: Lang | None, request: Request[Any, Any, Any]) -> Lang:
    """`?lang=` (the hub's links carry the patient's), else the browser's Accept-Language."""
    return lang if lang is not None else language_from_accept(request.headers.get("accept-language"))


def _refusal(lang: Lang, exc: ServiceError) -> Response[str]:
    """An expired link is said in the patient's language; other refusals keep their sentence."""
    said = TEXTS[lang]["expired"] if exc.extra.get("code") == "survey_expired" else exc.detail
    page = _page(lang, f"<p>{html.escape(said)}</p>", exc.status_code)
    wait = exc.extra.get("retry_after")
    if isinstance(wait, int):
        page.headers["Retry-After"] = str(wait)
    return page


@get("/survey/{token:str}", include_in_schema=False)
async def survey_page(hub: Hub, token: Token, request: Request[Any, Any, Any], lang: Lang | None = None) -> Response[str]:
    lang = _language(lang, request)
    tx = TEXTS[lang]
    try:
        await hub.limits.check("survey_address", _address(request))
        await survey.check(hub, _well_formed(token))
    except ServiceError as exc:
        return _refusal(lang, exc)
    scale = "".join(
        f'<label><input type="radio" name="nps" value="{i}" required> {i}</label> ' for i in range(11)
    )
    body = (
        f'<form method="post" action="/survey/{html.escape(token)}?lang={lang}">'
        f"<fieldset><legend>{tx['nps']}</legend>{scale}</fieldset>"
        f"{_yes_no('solved', tx['solved'], tx)}{_yes_no('knows_how_continues', tx['knows'], tx)}"
        f'<button type="submit">{tx["send"]}</button></form>'
    )
    return _page(lang, body)


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _well_formed(token: str) -> str:
    """A mangled link (non-ASCII after percent-decoding) is an invalid link, not a 500: the
    service's HMAC comparison (hmac.compare_digest on str) accepts ASCII only."""
    if not token.isascii():
        raise NotFound(NOT_A_LINK)
    return token


def _flag(value: Any) -> bool | None:
    if value in (True, "yes", "true", "1"):
        return True
    if value in (False, "no", "false", "0"):
        return False
    if value in (None, ""):
        return None
    raise Invalid("yes/no answers are 'yes' or 'no'")


class SurveyAnswerBody(msgspec.Struct):
    """The JSON answer as documented; the handler also takes the HTML form's fields and
    "yes"/"no" strings, so it reads the body itself."""

    nps: Annotated[int, msgspec.Meta(ge=0, le=10)]
    solved: bool | None = None
    knows_how_continues: bool | None = None


@post(
    "/survey/{token:str}",
    status_code=201,
    tags=["survey"],
    operation_class=json_body(SurveyAnswerBody, "or the same fields as an HTML form (application/x-www-form-urlencoded)"),
)
async def survey_answer(hub: Hub, token: Token, request: Request[Any, Any, Any], lang: Lang | None = None) -> Response[Any]:
    """Accepts the HTML form (answers with a page) or JSON `{"nps":0-10,"solved","knows_how_continues"}`.
    A link more than 14 days past the resolution answers 410 with `extra.code` `survey_expired`."""
    lang = _language(lang, request)
    is_form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    try:
        await hub.limits.check("survey_address", _address(request))
        if is_form:
            form = await request.form()
            raw = {k: form.get(k) for k in ("nps", "solved", "knows_how_continues")}
        else:
            raw = msgspec.json.decode(await request.body())
            if not isinstance(raw, dict):
                raise Invalid("send a JSON object")
        try:
            score = int(raw.get("nps"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise Invalid("nps must be a whole number 0–10") from None
        if not 0 <= score <= 10:
            raise Invalid("nps must be a whole number 0–10")
        given = survey.SurveyAnswer(score, _flag(raw.get("solved")), _flag(raw.get("knows_how_continues")))
        await survey.answer(hub, _well_formed(token), given)
    except msgspec.DecodeError:
        raise Invalid("request body is not valid JSON") from None
    except UnicodeDecodeError:  # msgspec's answer to invalid UTF-8 inside a JSON string
        raise Invalid("request body is not valid UTF-8 JSON") from None
    except ServiceError as exc:
        if is_form:
            return _refusal(lang, exc)
        raise
    if is_form:
        return _page(lang, f"<p>{TEXTS[lang]['thanks']}</p>", 201)
    return Response({"status": "thank you"}, status_code=201)
