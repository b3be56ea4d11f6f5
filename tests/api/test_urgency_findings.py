"""Issue 12: the rules' findings read in the patient's language, kept with the case, and shown to
the nurse in the nurse's language — on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from app.clock import utcnow
from channels.chat import StartForm, to_contact
from app.services.cases import add_patient_message
from app.services.intake import intake
from tests.helpers import callback, login

ERIK = "0449876543"  # p-0003, directory language Swedish
AHMED = "0407654321"  # p-0005, directory language English
SWEDISH_CHAT = "ingen bröstsmärta, men jag har svårt att andas"


def spy_on_reading(monkeypatch: pytest.MonkeyPatch, module: str) -> list[str | None]:
    """The languages the rules were asked to read in, from `module`'s call of assess()."""
    import importlib

    target = importlib.import_module(module)
    real = target.assess  # type: ignore[attr-defined]
    seen: list[str | None] = []

    def spy(text, answers=None, lang=None):  # type: ignore[no-untyped-def]
        seen.append(lang)
        return real(text, answers, lang)

    monkeypatch.setattr(target, "assess", spy)
    return seen


def brief(detail: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [(f["flag"], f["status"], f["matched"]) for f in detail["urgency_findings"]]


async def test_a_swedish_chat_is_read_in_swedish_and_shown_in_the_nurses_language(served, monkeypatch):  # type: ignore[no-untyped-def]
    http, hub = served
    seen = spy_on_reading(monkeypatch, "app.domain.intake")
    result, _ = await intake(hub, to_contact(StartForm(reason=SWEDISH_CHAT), unit="kajaani", lang="sv", received_at=utcnow()))
    assert seen == ["sv"]
    assert result.urgency == "emergency" and result.red_flags == ["breathing"]  # the denied chest pain is no red flag

    nurse = await login(http, "aino")
    url = f"/api/cases/{result.case_id}"
    fi = (await http.get(url, headers=nurse)).json()
    assert brief(fi) == [("breathing", "counted", ["svårt att andas"]), ("chest_pain", "negated", ["ingen bröstsmärta"])]
    assert fi["red_flags"] == ["breathing"] and fi["urgency"] == "emergency" and fi["urgency_source"] == "rules"
    counted, negated = fi["urgency_findings"]
    assert (counted["label"], counted["level"], counted["rule"]) == ("hengitysvaikeus", "emergency", "DIFFICULT + BREATH")
    assert counted["reason"] and negated["label"] == "rintakipu"
    assert fi["urgency_explanation"].startswith("Punainen lippu: hengitysvaikeus")

    en = (await http.get(url + "?lang=en", headers=nurse)).json()
    assert brief(en) == brief(fi)
    assert [f["label"] for f in en["urgency_findings"]] == ["difficulty breathing", "chest pain"]
    assert en["urgency_findings"][0]["reason"] != counted["reason"]
    assert en["urgency_explanation"] == 'Red flag: difficulty breathing ("svårt att andas"). chest pain — mentioned as negated, check'
    sv = (await http.get(url, headers={**nurse, "Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})).json()
    assert sv["urgency_findings"][0]["label"] == "andningssvårigheter"
    chosen = (await http.get(url + "?lang=en", headers={**nurse, "Accept-Language": "sv"})).json()
    assert chosen["urgency_findings"][0]["label"] == "difficulty breathing", "?lang= wins over the header"
    bad = await http.get(url + "?lang=de", headers=nurse)
    assert bad.status_code == 422 and "lang" in bad.text


async def test_a_callback_is_read_in_the_patients_directory_language(served, monkeypatch):  # type: ignore[no-untyped-def]
    http, _ = served
    seen = spy_on_reading(monkeypatch, "app.domain.intake")
    r = await callback(http, "sv-1", caller=ERIK, voicemail_text="ont i bröstet")
    assert r.status_code == 202, r.text
    assert seen == ["sv"]
    # English in the directory: "no" is a denial there (read in Finnish it would be a red flag)
    r = await callback(http, "en-1", caller=AHMED, voicemail_text="no chest pain")
    assert r.status_code == 202 and seen[-1] == "en"
    assert r.json()["urgency"] == "unassessed" and r.json()["red_flags"] == []
    detail = (await http.get(f"/api/cases/{r.json()['case_id']}", headers=await login(http, "eero"))).json()
    assert brief(detail) == [("chest_pain", "negated", ["no chest pain"])]
    assert detail["urgency_explanation"] == "rintakipu — mainittu kieltomuodossa, tarkista"
    # an unknown caller has no directory language: the rules guess
    await callback(http, "anon-1", caller="0401111111", voicemail_text="bröstsmärta")
    assert seen[-1] is None


async def test_a_later_line_is_read_in_the_patients_language_and_merges_its_findings(served, patient_token, monkeypatch):  # type: ignore[no-untyped-def]
    http, hub = served
    h = {"Authorization": f"Bearer {patient_token('p-0003')}"}  # Erik: Swedish in the directory
    r = await http.post("/channels/omasote/messages", json={"subject": "Hosta", "text": "Jag har ingen bröstsmärta men har hosta"}, headers=h)
    assert r.status_code == 201, r.text
    thread = r.json()["thread_id"]
    nurse = await login(http, "eero")
    first = (await http.get(f"/api/cases/{thread}", headers=nurse)).json()
    assert first["urgency"] == "unassessed" and brief(first) == [("chest_pain", "negated", ["ingen bröstsmärta"])]

    seen = spy_on_reading(monkeypatch, "app.services.cases")
    r = await http.post(f"/channels/omasote/threads/{thread}/messages", json={"text": "nu har jag ont i bröstet och svårt att andas"}, headers=h)
    assert r.status_code == 201, r.text
    assert seen == ["sv"]
    detail = (await http.get(f"/api/cases/{thread}?lang=en", headers=nurse)).json()
    assert detail["urgency"] == "emergency" and detail["red_flags"] == ["breathing", "chest_pain"]
    assert brief(detail) == [
        ("breathing", "counted", ["svårt att andas"]),
        ("chest_pain", "counted", ["ont i bröstet"]),
        ("chest_pain", "negated", ["ingen bröstsmärta"]),
    ]
    escalated = detail["events"][-1]
    assert escalated["type"] == "case.urgency" and escalated["urgency"]["reason"].startswith("Röda flaggor")  # read in Swedish

    # a later line that escalates nothing more still joins its words to the same finding
    r = await http.post(f"/channels/omasote/threads/{thread}/messages", json={"text": "bröstsmärtan blir värre"}, headers=h)
    assert r.status_code == 201
    detail = (await http.get(f"/api/cases/{thread}", headers=nurse)).json()
    assert ("chest_pain", "counted", ["ont i bröstet", "bröstsmärtan"]) in brief(detail)
    assert detail["events"][-1]["type"] == "message.created", "no second escalation"

    # a chat's later line is read in the chat's own language
    result, _ = await intake(hub, to_contact(StartForm(reason="Hej"), unit="kajaani", lang="en", received_at=utcnow()))
    await add_patient_message(hub, result.case_id, "no chest pain", lang="en")
    assert seen[-1] == "en"
    chat = (await http.get(f"/api/cases/{result.case_id}", headers=nurse)).json()
    assert chat["urgency"] != "emergency" and brief(chat) == [("chest_pain", "negated", ["no chest pain"])]


async def test_a_contact_merged_into_the_open_matter_adds_its_findings(served):  # type: ignore[no-untyped-def]
    http, _ = served
    first = (await callback(http, "merge-1", caller=ERIK, voicemail_text="Jag hostar, ingen bröstsmärta")).json()
    second = (await callback(http, "merge-2", caller=ERIK, voicemail_text="nu har jag feber 40 grader, ingen bröstsmärta alls")).json()
    assert second["merged"] and second["case_id"] == first["case_id"]
    detail = (await http.get(f"/api/cases/{first['case_id']}", headers=await login(http, "eero"))).json()
    assert brief(detail) == [("high_fever", "counted", ["feber 40"]), ("chest_pain", "negated", ["ingen bröstsmärta"])]
    assert detail["red_flags"] == ["high_fever"] and detail["contacts_count"] == 2
    assert detail["urgency"] == first["urgency"], "a merged contact does not change the urgency"
