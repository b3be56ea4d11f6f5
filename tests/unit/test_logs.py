"""The log filter masks phone numbers and personal identity codes in every record (app/logs.py)."""

from __future__ import annotations

import logging

import pytest

from app.logs import install, redact


@pytest.mark.parametrize(
    "text",
    [
        "+358401234567", "+358 40 123 4567", "+358-40-1234567", "358401234567", "00358401234567",
        "0401234567", "040 123 4567", "040-123 4567", "(09) 1234 567", "08 6150 000", "+46701234567",
    ],
)  # fmt: skip
def test_phone_numbers_are_masked(text: str) -> None:
    assert redact(f"caller {text}, again") == "caller [phone], again"


@pytest.mark.parametrize("code", ["131052-308T", "131052+308T", "010101A123N", "311299Y999A", "150607F123H", "010594U123X"])
def test_identity_codes_are_masked(code: str) -> None:
    assert redact(f"hetu {code}.") == "hetu [hetu]."


@pytest.mark.parametrize(
    "text",
    [
        "request a1b2c3d4e5f6-00000001", "2026-12-03T08:50:27.320750+02:00", "case 01a23ae189977a59bea183d451fbfd53",
        "took 0.012345 s", "seq 1234567", "127.0.0.1:5432", "batch of 64 in 0 ms", "HTTP/1.1 200", "pid 29283",
    ],
)  # fmt: skip
def test_ids_times_and_counts_stay(text: str) -> None:
    assert redact(text) == text


def test_every_record_is_masked_args_exception_and_all(caplog: pytest.LogCaptureFixture) -> None:
    install()
    log = logging.getLogger("some.library.child")  # not one of ours: masked all the same
    with caplog.at_level(logging.DEBUG, logger="some.library.child"):
        log.debug("calling %s for %s", "+358401234567", {"hetu": "131052-308T"})
        try:
            raise ValueError("duplicate key (caller)=(040 123 4567)")
        except ValueError:
            log.exception("insert failed")
    [first, second] = caplog.records
    assert first.getMessage() == "calling [phone] for {'hetu': '[hetu]'}"
    assert "[phone]" in caplog.text and "4567" not in caplog.text and "308T" not in caplog.text
    assert second.exc_text and "[phone]" in second.exc_text
