"""How matters end: NPS bands (SPEC §9, §13)."""

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
