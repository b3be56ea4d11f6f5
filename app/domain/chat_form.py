"""The chat's pre-information form: a free-text reason plus red-flag yes/no questions.

Pure. ``GET /channels/chat/form?unit=&lang=`` serves :func:`form`; the chat's ``start`` message
carries the answers, which :func:`assess_form` turns into an :class:`~app.domain.urgency.Assessment`.
A *yes* to any red-flag question is an emergency by itself (the question ids are the urgency
engine's flag ids); the reason text is read by :func:`app.domain.urgency.assess` as well, and
the two are combined (the most urgent level wins, flags are merged).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import msgspec

from app.domain.urgency import Assessment, assess

FORM_LANGS: tuple[str, ...] = ("fi", "sv", "en")
REASON_ID = "reason"


class FormQuestion(msgspec.Struct, frozen=True):
    id: str
    text: str
    kind: Literal["text", "yes_no"]
    red_flag: str | None = None


class ChatForm(msgspec.Struct, frozen=True):
    lang: str
    title: str
    questions: list[FormQuestion]


EMERGENCY_INSTRUCTIONS: dict[str, str] = {
    "fi": "Soita heti hätänumeroon 112. Älä jää odottamaan vastausta chatissa.",
    "sv": "Ring genast nödnumret 112. Vänta inte på svar i chatten.",
    "en": "Call the emergency number 112 now. Do not wait for an answer in the chat.",
}

_TITLES: dict[str, str] = {
    "fi": "Esitiedot ennen chattia",
    "sv": "Förhandsuppgifter före chatten",
    "en": "Before the chat",
}

# (id, kind, red flag, {lang: text}); a red-flag question's id is the flag it raises.
_QUESTIONS: tuple[tuple[str, Literal["text", "yes_no"], str | None, dict[str, str]], ...] = (
    (REASON_ID, "text", None, {
        "fi": "Mitä asiasi koskee? Kerro oireista omin sanoin.",
        "sv": "Vad gäller ditt ärende? Beskriv symtomen med egna ord.",
        "en": "What is your matter about? Describe the symptoms in your own words.",
    }),
    ("chest_pain", "yes_no", "chest_pain", {
        "fi": "Onko nyt rintakipua tai puristavaa tunnetta rinnassa?",
        "sv": "Finns det nu bröstsmärta eller en tryckande känsla i bröstet?",
        "en": "Is there chest pain or a pressing feeling in the chest right now?",
    }),
    ("breathing", "yes_no", "breathing", {
        "fi": "Onko vaikea hengittää tai saada henkeä?",
        "sv": "Är det svårt att andas eller att få luft?",
        "en": "Is it hard to breathe or to get air?",
    }),
    ("stroke", "yes_no", "stroke", {
        "fi": "Onko äkillisesti alkanut suupielen roikkuminen, käden tai jalan heikkous tai puhevaikeus?",
        "sv": "Har det plötsligt börjat en hängande mungipa, svaghet i arm eller ben eller svårt att tala?",
        "en": "Has a drooping face, weakness of an arm or leg, or difficulty speaking started suddenly?",
    }),
    ("general_condition", "yes_no", "general_condition", {
        "fi": "Onko joku menettänyt tajuntansa, tai onko hän sekava tai hyvin huonokuntoinen?",
        "sv": "Har någon förlorat medvetandet, eller är personen förvirrad eller i mycket dåligt skick?",
        "en": "Has someone lost consciousness, or are they confused or in a very poor condition?",
    }),
    ("bleeding", "yes_no", "bleeding", {
        "fi": "Onko runsasta verenvuotoa, joka ei lakkaa?",
        "sv": "Finns det en kraftig blödning som inte slutar?",
        "en": "Is there heavy bleeding that does not stop?",
    }),
    ("anaphylaxis", "yes_no", "anaphylaxis", {
        "fi": "Onko vaikea allerginen reaktio, esimerkiksi kurkun, kielen tai huulten turvotusta?",
        "sv": "Finns det en svår allergisk reaktion, till exempel svullnad i halsen, tungan eller läpparna?",
        "en": "Is there a severe allergic reaction, such as swelling of the throat, tongue or lips?",
    }),
)


def _check_lang(lang: str) -> str:
    code = (lang or "").strip().lower()
    if code not in FORM_LANGS:
        raise ValueError("lang must be one of fi, sv, en")
    return code


def form(lang: str) -> ChatForm:
    """The pre-information form in ``fi``, ``sv`` or ``en`` (anything else: ValueError)."""
    code = _check_lang(lang)
    return ChatForm(
        lang=code,
        title=_TITLES[code],
        questions=[FormQuestion(qid, texts[code], kind, flag) for qid, kind, flag, texts in _QUESTIONS],
    )


RED_FLAG_QUESTIONS: dict[str, str] = {qid: flag for qid, _, flag, _ in _QUESTIONS if flag}


def assess_form(answers: Mapping[str, bool | str] | None, reason_text: str | None, lang: str) -> Assessment:
    """Combine the form's answers and the reason text into one assessment.

    A *yes* (``True``, ``"yes"``, ``"kyllä"``, ``"ja"`` …) to a red-flag question raises that
    flag as an emergency by itself; a free-text answer to a yes/no question is read as text
    (recall first); unknown keys are ignored. ``reason_text`` falls back to ``answers["reason"]``.
    """
    code = _check_lang(lang)
    answers = answers or {}
    reason = reason_text
    if not (reason and reason.strip()):
        given = answers.get(REASON_ID)
        reason = given if isinstance(given, str) else None
    mapped: dict[str, bool | str] = {}
    for qid, flag in RED_FLAG_QUESTIONS.items():
        if qid in answers:
            mapped[flag] = answers[qid]
    return assess(reason, mapped, code)


__all__ = [
    "EMERGENCY_INSTRUCTIONS",
    "FORM_LANGS",
    "RED_FLAG_QUESTIONS",
    "ChatForm",
    "FormQuestion",
    "assess_form",
    "form",
]
