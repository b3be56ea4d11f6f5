"""The case view page: a server-rendered shell that `case.js` fills from `GET /api/cases/{id}`.

Thin like the other pages: who may see the case is `app.services.cases.visible_summary` (an
invisible or unknown case is the API's own 404, never a 500), and what the page's pickers offer —
where a case may be handed over, which outcome codes the region has — comes from the region, so
nobody types a queue id. Everything travels in `data-*` attributes under the strict CSP.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import Parameter

from app.api.pages import LangParam, page_language, page_session, professional_page, to_login
from app.domain.region import Region
from app.domain.urgency_lexicon import FLAG_LABELS
from app.hub import Hub
from app.services import cases as svc
from app.web.i18n import TEXTS, Lang


class Target(msgspec.Struct):
    """One handover destination: the queue id the API takes and what the picker shows."""

    to: str
    label: str
    group: str  # "personal" | "team" | "unit": the picker's optgroup


class Pathway(msgspec.Struct):
    id: str
    label: str


class Outcome(msgspec.Struct):
    code: str
    label: str
    failure_demand: bool


def handover_targets(region: Region, unit: str, t: dict[str, str]) -> list[Target]:
    """The unit's professionals, its teams, and its coordinator and assistants queues."""
    targets = [
        Target(f"personal:{p.id}", f"{p.name} ({t['role.' + p.role]})", "personal")
        for p in region.professionals
        if p.unit == unit and p.role in ("nurse", "doctor", "coordinator")
    ]
    targets += [Target(f"team:{team.id}", team.name, "team") for team in region.teams if team.unit == unit]
    targets += [Target(f"{kind}:{unit}", t[f"tab.{kind}"], "unit") for kind in ("coordinator", "assistants")]
    return targets


def outcomes(region: Region, lang: Lang) -> list[Outcome]:
    return [Outcome(o.code, getattr(o.label, lang), o.kind == "failure_demand") for o in region.outcome_codes]


def pathways(region: Region, lang: Lang) -> list[Pathway]:
    """The region's care pathways a resolved case may be put on (resolve's `care_pathway`)."""
    return [Pathway(c.id, getattr(c.title, lang)) for c in region.care_pathways]


class CasePageController(Controller):
    include_in_schema = False

    @get("/cases/{case_id:str}")
    async def case_page(
        self, request: Request[Any, Any, Any], state: State, case_id: Annotated[str, Parameter(max_length=64)], lang: LangParam = None
    ) -> Response[Any]:
        hub: Hub = state.hub
        who = await page_session(hub, request)
        if who is None:
            return to_login(f"/cases/{case_id}")
        summary = await svc.visible_summary(hub, who, case_id)  # NotFound → the API's 404
        chosen, cookies = page_language(request, lang)
        t = TEXTS[chosen]
        names = {p.id: p.name for p in hub.region.professionals}
        return professional_page(
            request,
            "case.html",
            who,
            chosen,
            f"/cases/{case_id}",
            {
                "case_id": summary.id,
                "texts_json": msgspec.json.encode(t).decode(),
                "targets_json": msgspec.json.encode(handover_targets(hub.region, summary.unit, t)).decode(),
                "outcomes_json": msgspec.json.encode(outcomes(hub.region, chosen)).decode(),
                "pathways_json": msgspec.json.encode(pathways(hub.region, chosen)).decode(),
                "names_json": msgspec.json.encode(names).decode(),
                "flags_json": msgspec.json.encode({flag: labels[chosen] for flag, labels in FLAG_LABELS.items()}).decode(),
            },
            cookies,
        )
