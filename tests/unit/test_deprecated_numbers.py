"""Retired numbers redirect through their `until` day (local, inclusive), then are unknown."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.deprecated_numbers import redirect_for, redirects_on
from app.domain.errors import Invalid
from app.region_file import RegionFileError, load_region, parse_region
from app.settings import DEMO_REGION
from channels import phone

REGION = load_region(DEMO_REGION)
OLD = "+358441112222"  # until 2027-02-28 in the demo region
UNTIL = date(2027, 2, 28)


def test_redirects_through_the_until_day_and_not_after():
    old = REGION.deprecated_by_number[OLD]
    assert redirects_on(old, UNTIL) and redirects_on(old, date(2026, 11, 1))
    assert not redirects_on(old, UNTIL + timedelta(days=1))
    assert redirect_for(REGION, OLD, UNTIL) is old
    assert redirect_for(REGION, OLD, date(2027, 3, 1)) is None
    assert redirect_for(REGION, "+35886150000", UNTIL) is None  # a current number is no retired one


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_the_redirect_holds_exactly_up_to_until(day):  # type: ignore[no-untyped-def]
    assert (redirect_for(REGION, OLD, day) is not None) == (day <= UNTIL)


def request(call_id: str = "c") -> phone.CallbackRequest:
    return phone.CallbackRequest(call_id=call_id, caller="+358401234567", dialed="044 111 2222", line=1)


def test_the_day_is_the_regions_local_day():
    last_minute = datetime(2027, 2, 28, 21, 59, tzinfo=timezone.utc)  # 23:59 in Helsinki
    got = phone.receive(REGION, request(), last_minute)
    assert isinstance(got, phone.Redirect) and (got.unit, got.number) == ("kajaani", OLD)
    assert got.answer.redirect_to == "+35886150000"
    midnight = datetime(2027, 2, 28, 22, 0, tzinfo=timezone.utc)  # 00:00 on 1 March in Helsinki
    with pytest.raises(Invalid, match="is not the callback number of any unit"):
        phone.receive(REGION, request(), midnight)


def test_a_retired_number_may_not_be_a_current_one_nor_listed_twice():
    text = DEMO_REGION.read_text(encoding="utf-8")
    with pytest.raises(RegionFileError, match=r"deprecated_numbers\[0\].number: \+35886151000 is a current number of unit 'sotkamo'"):
        parse_region(text.replace('number = "+358441112222"', 'number = "+35886151000"'))
    twice = text + '\n[[deprecated_numbers]]\nnumber = "+358441112222"\nunit = "sotkamo"\nuntil = "2027-01-01"\n'
    with pytest.raises(RegionFileError, match=r"deprecated_numbers\[1\].number: '\+358441112222' appears twice"):
        parse_region(twice)
