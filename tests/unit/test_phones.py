from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.phones import PhoneError, mask, normalise


@pytest.mark.parametrize(
    "raw",
    [
        "040 123 4567",
        "040-1234567",
        "0401234567",
        "+358 40 123 4567",
        "+358401234567",
        "00358401234567",
        "358401234567",
        "358 40 123 4567",
        "+358 (0)40 123 4567",
        "  040 123 4567  ",
        "040/1234567",
        "040.123.4567",
        "040\u00a0123\u00a04567",
    ],
)
def test_finnish_mobile_formats(raw: str) -> None:
    assert normalise(raw) == "+358401234567"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("(08) 615 0000", "+35886150000"),
        ("08 6150000", "+35886150000"),
        ("09 123 4567", "+35891234567"),
        ("050 765 4321", "+358507654321"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 202 555 0143", "+12025550143"),
    ],
)
def test_landlines_and_foreign(raw: str, e164: str) -> None:
    assert normalise(raw) == e164


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("12", "'12' is not a valid phone number"),
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not a valid phone number"),
        ("040 123 4567 ext 2", "not a valid phone number"),
        ("0800-FLOWERS", "not a valid phone number"),
        ("1" * 33, "too long"),
        ("+35840123", "not a valid phone number"),
        ("+", "not a valid phone number"),
        ("++358401234567", "not a valid phone number"),
        ("040 123 4567+", "not a valid phone number"),
        ("０４０１２３４５６７", "not a valid phone number"),  # full-width digits
        ("112", "not a valid phone number"),
        ("+999 123 456 789", "not a valid phone number"),
    ],
)
def test_rejects(raw: str, fragment: str) -> None:
    with pytest.raises(PhoneError, match=re.escape(fragment)):
        normalise(raw)


def test_phone_error_is_value_error() -> None:
    assert issubclass(PhoneError, ValueError)
    with pytest.raises(PhoneError):
        normalise(None)  # type: ignore[arg-type]


def test_too_long_message_does_not_echo_input() -> None:
    with pytest.raises(PhoneError) as exc:
        normalise("0401234567" * 4)
    assert "0401234567" not in str(exc.value)


def test_bare_country_code_only_when_unambiguous() -> None:
    # "+358 1234567" is not a valid number, so "3581234567" is not read as international.
    with pytest.raises(PhoneError):
        normalise("3581234567")
    assert normalise("3589123456") == "+3589123456"  # Helsinki landline 09 123 456


def test_default_region() -> None:
    assert normalise("070 123 45 67", default_region="SE") == "+46701234567"
    assert normalise("+358401234567", default_region="SE") == "+358401234567"
    with pytest.raises(PhoneError):
        normalise("0401234567", default_region="XX")


def test_mask() -> None:
    assert mask("+358401234567") == "+35840*****67"
    assert mask("+35886150000") == "+35886****00"
    assert mask("+12025550143") == "+120******43"
    assert mask("+3589123456") == "+3589*****6"  # 7-digit subscriber part: 1 + 1 shown


def test_mask_of_non_e164_hides_everything() -> None:
    assert mask("040 123 4567") == "***"
    assert mask("") == "***"
    assert mask("Matti Meikäläinen") == "***"
    assert mask("+999123456") == "+*********"  # unknown country code


# --- properties -----------------------------------------------------------------------------

_MOBILE_PREFIXES = ["40", "41", "42", "44", "45", "46", "50"]


@st.composite
def finnish_mobiles(draw: st.DrawFn) -> str:
    """National significant number of a Finnish mobile: 4x/50 + 7 digits."""
    prefix = draw(st.sampled_from(_MOBILE_PREFIXES))
    rest = draw(st.text(alphabet="0123456789", min_size=7, max_size=7))
    return prefix + rest


def _formats(nsn: str) -> list[str]:
    a, b, c = nsn[:2], nsn[2:5], nsn[5:]
    return [
        f"0{a} {b} {c}",
        f"0{a}-{b}{c}",
        f"0{nsn}",
        f"+358 {a} {b} {c}",
        f"+358{nsn}",
        f"00358{nsn}",
        f"358{nsn}",
        f"(0{a}) {b} {c}",
        f"+358 (0){a} {b} {c}",
    ]


@settings(max_examples=150, deadline=None)
@given(finnish_mobiles())
def test_every_format_of_a_mobile_gives_the_same_e164(nsn: str) -> None:
    for raw in _formats(nsn):
        assert normalise(raw) == "+358" + nsn, raw


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        finnish_mobiles().map(lambda n: "0" + n),
        st.text(alphabet="0123456789 +-()", min_size=1, max_size=20),
    )
)
def test_normalise_is_idempotent(raw: str) -> None:
    try:
        once = normalise(raw)
    except PhoneError:
        return
    assert re.fullmatch(r"\+[1-9]\d{6,14}", once)
    assert normalise(once) == once


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        finnish_mobiles().map(lambda n: "+358" + n),
        st.from_regex(r"\+[1-9][0-9]{1,14}", fullmatch=True),
    )
)
def test_mask_reveals_at_most_four_subscriber_digits(e164: str) -> None:
    masked = mask(e164)
    assert len(masked) == len(e164)
    assert masked.startswith("+")
    # Find the country code the mask kept: the unmasked digits before the first '*'.
    digits = e164[1:]
    shown = [i for i, ch in enumerate(masked[1:]) if ch != "*"]
    assert all(masked[1 + i] == digits[i] for i in shown)  # nothing invented
    cc = next(
        (digits[:n] for n in (1, 2, 3) if int(digits[:n]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE),
        "",
    )
    subscriber_shown = [i for i in shown if i >= len(cc)]
    assert len(subscriber_shown) <= 4
    assert len(subscriber_shown) <= (len(digits) - len(cc)) // 2


@settings(max_examples=100, deadline=None)
@given(finnish_mobiles())
def test_mask_of_finnish_mobile(nsn: str) -> None:
    masked = mask("+358" + nsn)
    assert masked == "+358" + nsn[:2] + "*" * (len(nsn) - 4) + nsn[-2:]
    assert sum(ch.isdigit() for ch in masked[4:]) == 4


@given(st.one_of(st.from_regex(r"\A\+358[0-9]{1,16}\Z"), st.from_regex(r"\A\+358(4[0-9]|50)[0-9]{7}\Z")))
@settings(max_examples=2000)
def test_the_e164_shortcut_agrees_with_the_full_parse(raw: str) -> None:
    """`_already_e164` may only answer where the full path gives the same answer."""
    from app.domain.phones import _already_e164

    fast = _already_e164(raw, "FI")
    try:
        full = phones_full(raw)
    except PhoneError:
        assert fast is None
        return
    assert fast in (None, full)


def phones_full(raw: str) -> str:
    """The full path with the shortcut switched off."""
    from unittest import mock

    from app.domain import phones

    with mock.patch.object(phones, "_already_e164", return_value=None):
        return phones._normalise.__wrapped__(raw, "FI")


def test_the_shortcut_takes_valid_finnish_numbers() -> None:
    from app.domain.phones import _already_e164

    assert _already_e164("+358401234567", "FI") == "+358401234567"
    assert _already_e164("+35886150000", "FI") == "+35886150000"  # a landline
    assert _already_e164("+3580401234567", "FI") is None  # trunk zero: the full path decides
    assert _already_e164("+358 40 123 4567", "FI") is None  # not final form
    assert _already_e164("+46701234567", "FI") is None  # foreign: the full path
