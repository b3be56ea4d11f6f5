"""Retired service numbers (region `[[deprecated_numbers]] number, unit, until`; SPEC §5 phone).

A call to a retired number is answered with the unit's current number up to and including its
`until` day, in the region's local time; from the next day on it is a number we don't know, like
any other (the platform gets the unknown-number 422). Pure: `today` is the caller's local date.
"""

from __future__ import annotations

from datetime import date

from app.domain.region import DeprecatedNumber, Region


def redirects_on(old: DeprecatedNumber, today: date) -> bool:
    """Still answered with the redirect on `today` (`until` inclusive)?"""
    return today <= old.until


def redirect_for(region: Region, dialed: str, today: date) -> DeprecatedNumber | None:
    """The retired number `dialed` (E.164) when it still redirects on `today`, else None."""
    old = region.deprecated_by_number.get(dialed)
    return old if old is not None and redirects_on(old, today) else None
