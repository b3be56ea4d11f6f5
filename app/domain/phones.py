"""Phone numbers: one canonical form (E.164) for storage and routing, a masked form for logs.

Pure functions over the `phonenumbers` library (Google's libphonenumber metadata). A number
identifies exactly one patient, so the stored form must not depend on how someone typed it:
"040 123 4567", "040-1234567", "+358 40 123 4567" and "00358401234567" all become
"+358401234567".

Decisions:

- Only digits, spaces, "+", "-", ".", "/" and parentheses are accepted. Letters are rejected
  (libphonenumber would read "0800-FLOWERS" as keypad digits, and an extension such as
  "ext. 12" cannot be called back), and so are non-ASCII digits.
- Input longer than 32 characters is rejected before parsing.
- A number is accepted only if libphonenumber says it is valid for its country (length and
  prefix ranges), not merely "possible".
- A bare "358…" without "+" or "00" is ambiguous. It is read as an international number only
  when "+358…" is a valid number and the digits read as a national number are not. (Finns write
  national numbers with the trunk "0", so "358401234567" can only mean +358 40 123 4567.)
- Foreign numbers are kept when they carry "+" (or an international prefix such as "00") and
  are valid in their own country.
"""

from __future__ import annotations

from functools import lru_cache

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber

__all__ = ["MAX_RAW_LENGTH", "PhoneError", "mask", "normalise"]

MAX_RAW_LENGTH = 32

_ALLOWED = re.compile(r"^\+?[0-9 \t\u00a0\u202f().\-/]+$")
_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")


class PhoneError(ValueError):
    """The text is not a phone number this system can store or call back."""


def normalise(raw: str, default_region: str = "FI") -> str:
    """Return `raw` as an E.164 string ("+358401234567") or raise PhoneError naming the problem.

    Numbers without an international prefix are read in `default_region` (ISO 3166 alpha-2).
    The result is a fixed point: `normalise(normalise(x)) == normalise(x)`.

    Every contact passes here twice (caller and dialled number) and parsing with `phonenumbers`
    costs ≈ 0.1–0.2 ms, so valid answers are remembered (the same numbers call again and again).
    """
    if not isinstance(raw, str):
        raise PhoneError(f"a phone number must be text, not {type(raw).__name__}")
    return _normalise(raw, default_region)


@lru_cache(maxsize=50_000)
def _normalise(raw: str, default_region: str) -> str:
    fast = _already_e164(raw, default_region)
    if fast is not None:
        return fast
    text = raw.strip()
    if not text:
        raise PhoneError("the phone number is empty")
    if len(text) > MAX_RAW_LENGTH:
        raise PhoneError(f"the phone number is too long ({len(text)} characters, at most {MAX_RAW_LENGTH})")
    if not _ALLOWED.match(text) or not any(c.isdigit() for c in text):
        raise PhoneError(
            f"{text!r} is not a valid phone number (only digits, spaces, '+', '-', '.', '/' and "
            "parentheses are allowed)"
        )
    number = _parse(text, default_region)
    if number is None or not phonenumbers.is_valid_number(number):
        raise PhoneError(f"{text!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=16)
def _home_e164(region: str) -> tuple[int, re.Pattern[str]] | None:
    cc = phonenumbers.country_code_for_region(region.upper()) if region else 0
    return (cc, re.compile(rf"^\+{cc}([1-9][0-9]{{3,14}})$")) if cc else None


def _already_e164(raw: str, region: str) -> str | None:
    """The common case — a telephony platform hands over "+358…" exactly — without a full
    parse (half of the per-contact cost under load, when callers are new). Only a valid number
    in its final form returns here; anything else takes the full path and its error message."""
    home = _home_e164(region)
    if home is None:
        return None
    m = home[1].match(raw)
    if m is None:
        return None
    if not phonenumbers.is_valid_number(PhoneNumber(country_code=home[0], national_number=int(m.group(1)))):
        return None
    return raw


def _parse(text: str, region: str) -> PhoneNumber | None:
    digits = re.sub(r"[^0-9]", "", text)
    region_cc = phonenumbers.country_code_for_region(region.upper()) if region else 0
    if not text.startswith("+") and region_cc and digits.startswith(str(region_cc)):
        # A bare "358…": decide explicitly instead of relying on the library's heuristic.
        as_national = PhoneNumber(country_code=region_cc, national_number=int(digits))
        as_international = _try_parse("+" + digits, None)
        if (
            as_international is not None
            and as_international.country_code == region_cc
            and phonenumbers.is_valid_number(as_international)
            and not phonenumbers.is_valid_number(as_national)
        ):
            return as_international
        if phonenumbers.is_valid_number(as_national):
            return as_national
        return None
    return _try_parse(text, region.upper() if region else None)


def _try_parse(text: str, region: str | None) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _country_code(digits: str) -> str | None:
    # Country calling codes are prefix-free, so at most one of the 1–3 digit prefixes is one.
    for n in (1, 2, 3):
        if int(digits[:n] or "0") in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return digits[:n]
    return None


def mask(e164: str) -> str:
    """A form of an E.164 number that is safe to log: "+358401234567" → "+35840*****67".

    Keeps the country code, the first two and the last two digits of the subscriber part and
    masks the rest. Short subscriber parts keep less (one and one below 8 digits, none below
    4), so at most 4 subscriber digits and never more than half of them are shown. Anything
    that is not an E.164 string is masked completely ("***"), because it may be raw input.
    """
    if not isinstance(e164, str) or not _E164.match(e164):
        return "***"
    digits = e164[1:]
    cc = _country_code(digits)
    if cc is None:
        return "+" + "*" * len(digits)
    sub = digits[len(cc):]
    keep = 2 if len(sub) >= 8 else 1 if len(sub) >= 4 else 0
    if keep == 0:
        return f"+{cc}" + "*" * len(sub)
    return f"+{cc}{sub[:keep]}" + "*" * (len(sub) - 2 * keep) + sub[-keep:]
