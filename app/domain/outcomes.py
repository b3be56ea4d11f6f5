"""How matters end: first-contact resolution and NPS bands (SPEC §9, §13)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

NpsBand = Literal["promoter", "passive", "detractor"]


def nps_band(score: int) -> NpsBand:
    if not 0 <= score <= 10:
        raise ValueError("an NPS answer is 0–10")
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def nps(scores: Iterable[int]) -> float | None:
    """Net promoter score, −100…100; None without answers (never 0: no data is not a score)."""
    bands = [nps_band(s) for s in scores]
    if not bands:
        return None
    return round(100 * (bands.count("promoter") - bands.count("detractor")) / len(bands), 1)


def first_contact_resolution(handovers: int, contacts: int, first_handler: str | None, resolved_by: str) -> bool:
    """FCR at the moment of resolving (SPEC §9): the matter was settled by the first professional
    who handled it, with no handover and only one inbound contact. A case nobody claimed before
    (first_handler None) counts as handled first by whoever resolves it.

    The report's "no new contact by the same patient within 7 days" cannot be known yet; the
    reports withdraw FCR retroactively when such a contact arrives.
    """
    return handovers == 0 and contacts == 1 and first_handler in (None, resolved_by)
