"""Care pathways a professional gives a patient (the Kainuu model: the region describes its
care and service pathways; a professional attaches the one that fits, and the patient then sees
it in the portal, Omasote). Which pathways exist is the region file's `care_pathways`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.domain.errors import Invalid
from app.domain.region import CarePathway, Region

ATTACHED = "care_pathway.attached"  # the event type, in the event log (the audit trail)


class Attachment(msgspec.Struct, frozen=True):
    """A stored attachment, as read back."""

    pathway: str
    attached_at: datetime
    attached_by: str
    case_id: str | None = None


class AttachedPathway(msgspec.Struct, frozen=True):
    """A pathway as the patient portal and the patient view show it: the title in one language."""

    id: str
    title: str
    url: str
    attached_at: datetime


def pathway(region: Region, pathway_id: str) -> CarePathway:
    """The region's pathway, or 422 `unknown_pathway` naming the ones there are."""
    found = region.pathway_by_id.get(pathway_id)
    if found is None:
        known = ", ".join(region.pathway_by_id) or "none"
        raise Invalid(f"unknown care pathway {pathway_id!r}; known: {known}", code="unknown_pathway", care_pathway=pathway_id)
    return found


def title(p: CarePathway, language: str | None) -> str:
    """The title in the reader's language; Finnish for a language the region has no title in."""
    return str(getattr(p.title, language)) if language in ("fi", "sv", "en") else p.title.fi


def shown(region: Region, attached: list[Attachment], language: str | None) -> list[AttachedPathway]:
    """Attachments newest first, titled in `language`. A pathway the region file no longer lists
    is left out: there is no page left to send the patient to."""
    out = []
    for a in sorted(attached, key=lambda a: (a.attached_at, a.pathway), reverse=True):
        p = region.pathway_by_id.get(a.pathway)
        if p is not None:
            out.append(AttachedPathway(p.id, title(p, language), p.url, a.attached_at))
    return out


def attached_event(patient_id: str, pathway_id: str, who: str, unit: str, case_id: str | None, at: datetime) -> dict[str, Any]:
    """The `care_pathway.attached` event body. Its queue is no inbox's (`care_pathways:<unit>`),
    so no live socket streams it: it is there for the audit trail, not for the inbox."""
    body: dict[str, Any] = {
        "type": ATTACHED,
        "queue": f"care_pathways:{unit}",
        "unit": unit,
        "at": at,
        "actor": who,
        "patient_id": patient_id,
        "pathway": pathway_id,
    }
    if case_id is not None:
        body["resolved_case"] = case_id
    return body
