"""A case's urgency findings (app.domain.findings): the reading language, a contact's findings,
the merge of a later line's, the red flags among them, and the retention purge of their words."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.domain import findings as found
from app.domain.intake import InboundContact, triage
from app.domain.retention import purged_findings
from app.domain.urgency import Finding, assess

CHEST_NEG = Finding("chest_pain", "emergency", "negated", ("ingen bröstsmärta",), "")
CHEST = Finding("chest_pain", "emergency", "counted", ("ont i bröstet",), "CHEST|HEART + PAIN|PRESSURE")
BREATH = Finding("breathing", "emergency", "counted", ("svårt att andas",), "DIFFICULT + BREATH")
FEVER = Finding("high_fever", "urgent", "counted", ("kuumetta 40",), "FEVER + HIGH")
COUGH = Finding("cough_week", "soon", "counted", ("yskää viikon",), "COUGH + LONG")  # a 1–3-day criterion


@pytest.mark.parametrize(
    ("stated", "directory", "expected"),
    [
        ("sv", "fi", "sv"),  # the chat's own language first
        (None, "sv", "sv"),  # else the patient's directory language
        (None, "SV-fi", "sv"),
        (None, "so", None),  # a language the rules do not read: guess
        ("de", "en", "en"),
        (None, None, None),
    ],
)
def test_reading_language(stated: str | None, directory: str | None, expected: str | None) -> None:
    assert found.reading_language(stated, directory) == expected


def test_same_flag_and_status_merge_into_one_finding_with_the_union_of_words() -> None:
    later = Finding("chest_pain", "emergency", "counted", ("bröstsmärta", "ont i bröstet"), "CHEST + PAIN")
    merged = found.merge([CHEST], [later])
    assert merged == (Finding("chest_pain", "emergency", "counted", ("ont i bröstet", "bröstsmärta"), CHEST.rule),)


def test_the_same_flag_with_another_status_is_kept_beside_it() -> None:
    """'No chest pain' at first, chest pain later: the nurse sees both, the counted one first."""
    merged = found.merge([CHEST_NEG], [CHEST, BREATH])
    assert [(f.flag, f.status) for f in merged] == [("breathing", "counted"), ("chest_pain", "counted"), ("chest_pain", "negated")]
    assert found.merge(merged, [CHEST_NEG]) == merged, "a repeated denial adds nothing"


def test_merge_orders_counted_by_level_then_denied_then_past() -> None:
    past = Finding("stroke", "emergency", "history", ("aivoinfarkti viime vuonna",), "")
    merged = found.merge([COUGH, past], [FEVER, CHEST_NEG, BREATH])
    assert [f.flag for f in merged] == ["breathing", "high_fever", "cough_week", "chest_pain", "stroke"]


def test_a_long_conversation_keeps_a_few_words_per_finding() -> None:
    many = [Finding("breathing", "emergency", "counted", (f"sana {i}",), "DYSPNEA") for i in range(20)]
    (one,) = found.merge([], many)
    assert one.matched == tuple(f"sana {i}" for i in range(found.MAX_WORDS))


def test_red_flags_are_counted_emergency_and_urgent_findings_only() -> None:
    assert found.red_flags([COUGH, FEVER, CHEST_NEG, BREATH]) == ("breathing", "high_fever")
    assert found.red_flags([COUGH]) == ()


def test_a_channel_flag_the_text_did_not_count_is_a_form_finding() -> None:
    a = assess("ingen bröstsmärta, men jag har svårt att andas", None, "sv")
    got = found.from_contact(a, ("chest_pain", "unknown_flag"))
    assert [(f.flag, f.status, f.rule) for f in got] == [("breathing", "counted", "DIFFICULT + BREATH"), ("chest_pain", "counted", "form")]
    assert found.from_contact(None, ()) == ()


def test_stored_findings_round_trip_and_bad_rows_read_as_none() -> None:
    rows = (BREATH, CHEST_NEG)
    assert found.decode(found.encode(rows)) == rows
    assert '"matched":["svårt att andas"]' in found.encode(rows)
    for bad in ("", None, "[]", "{", '[{"flag": 1}]'):
        assert found.decode(bad) == ()


def test_the_purge_removes_the_patients_words_and_keeps_the_codes() -> None:
    purged = found.decode(purged_findings(found.encode([BREATH, CHEST_NEG])))
    assert purged == (Finding("breathing", "emergency", "counted", (), "DIFFICULT + BREATH"), Finding("chest_pain", "emergency", "negated", (), ""))
    assert purged_findings("[]") == "[]"


def _contact(text: str, lang: str | None = None, flags: tuple[str, ...] = ()) -> InboundContact:
    return InboundContact(
        channel="phone", external_id="x", unit="kajaani", text=text, lang=lang, emergency_flags=flags,
        received_at=datetime(2026, 12, 3, 8, tzinfo=timezone.utc),
    )


def test_triage_reads_the_channels_language_else_the_directory_language(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.domain.intake as intake

    seen: list[str | None] = []
    real = intake.assess

    def spy(text, answers=None, lang=None):  # type: ignore[no-untyped-def]
        seen.append(lang)
        return real(text, answers, lang)

    monkeypatch.setattr(intake, "assess", spy)
    triage(_contact("ont i bröstet", "sv"), "fi")
    triage(_contact("ont i bröstet"), "sv")
    triage(_contact("ont i bröstet"), None)
    assert seen == ["sv", "sv", None]


def test_triage_keeps_every_finding_and_only_red_flags_as_flags() -> None:
    tri = triage(_contact("no chest pain, hard to breathe"), "en")
    assert tri.urgency == "emergency" and tri.flags == ["breathing"]
    assert [(f.flag, f.status) for f in tri.findings] == [("breathing", "counted"), ("chest_pain", "negated")]
    # read in English, "no" denies; a Finnish reading would have counted the chest pain
    assert triage(_contact("no chest pain"), "en").urgency == "unassessed"
    assert triage(_contact("no chest pain"), "fi").urgency == "emergency"
