"""create_app(): the one place that wires settings, region, database and routes together."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine
from litestar.config.cors import CORSConfig
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from app.api.auth import AuthController
from app.api.cases import AbsenceController, CaseController, InboxController, PatientController
from app.api.channels import OmasoteChannel, PhoneChannel, SmsChannel
from app.api.deps import provide_hub, provide_professional
from app.api.body_guard import refuse_nul, too_deep
from app.api.openapi_body import SECURITY_COMPONENTS
from app.api.errors import EXCEPTION_HANDLERS, OPENAPI_DESCRIPTION, RequestIdMiddleware
from app.api.presence import PresenceController
from app import logs
from app.api.shared_clients import AppointmentsChannel, SharedClientsController
from app.api import docs, web
from app.api.pages import PagesController
from app.api.pages_cases import CasePageController
from app.api.pages_dashboard import DashboardPageController
from app.api.survey import survey_answer, survey_page
from app.api.health import healthz, metrics_endpoint, readyz
from app.api.http_metrics import HttpMetricsMiddleware, MetricsAccess
from app.api.reports import ReportController
from app.api.kpis import KpiController
from app.db.engine import make_engine
from app.domain.region import Region
from app.hub import Hub
from app.jobs import Clock
from app.live.chat import chat_form_endpoint, chat_socket
from app.live.fanout import Fanout, make_plugin
from app.live.inbox_socket import live
from app.live.wire import keep_raw_send
from app.metrics import Metrics, multiprocess_dir
from app.db.intake_pg import PgIntakeStore
from app.db.intake_sqlalchemy import SqlAlchemyIntakeStore
from app.db.pools import intake_pool
from app.services.ports import IntakeStore
from app.region_file import load_region
from app.settings import Settings
from app.security.session import CsrfMiddleware

log = logging.getLogger("firstline")

WEB = Path(__file__).resolve().parent / "web"


async def make_intake_store(settings: Settings, engine: AsyncEngine) -> IntakeStore:
    """PostgreSQL gets the batching asyncpg store; SQLite (and FIRSTLINE_FAST_INTAKE=0) the
    SQLAlchemy one."""
    if engine.dialect.name == "postgresql" and settings.fast_intake:
        return PgIntakeStore(await intake_pool(settings.database_url, PgIntakeStore.in_flight + 1))
    return SqlAlchemyIntakeStore(engine)


def create_app(settings: Settings | None = None, region: Region | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    region = region or load_region(settings.region_file)
    metrics = Metrics()  # the app's own registry: HTTP middleware and hub count into it
    metrics_access = MetricsAccess(settings.metrics_allow, settings.metrics_token)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, settings.db_pool_size)
        hub = Hub(settings, region, engine, await make_intake_store(settings, engine), metrics)
        app.state.hub = hub
        app.state.metrics_access = metrics_access
        clock = Clock(hub)
        if settings.run_jobs:
            clock.start()
        try:
            yield
        finally:
            clock.stop()
            await hub.close()
            if multiprocess_dir():  # this worker's live gauges stop counting
                from prometheus_client import multiprocess

                multiprocess.mark_process_dead(os.getpid())

    async def tune_gc(_: Litestar) -> None:
        """Fewer, cheaper collections in a serving process (each worker runs this): with 1,000
        live sockets a full collection took 36–250 ms and stalled every socket's event."""
        if not settings.tune_gc:
            return
        gc.collect()
        gc.freeze()  # what start-up allocated (modules, region, routes) is never garbage
        gc.set_threshold(50_000, 50, 1000)

    async def start_fanout(app: Litestar) -> None:
        # on_startup runs after every lifespan context, so the channels plugin is up by now.
        hub: Hub = app.state.hub
        fanout = app.state.fanout = Fanout(channels)  # the live sockets listen to it
        await fanout.start()
        hub.publishers.add(fanout)

    async def stop_fanout(app: Litestar) -> None:
        fanout: Fanout | None = app.state.get("fanout")
        if fanout is not None:
            await fanout.stop()

    channels = make_plugin(settings.redis_url)

    app = Litestar(
        route_handlers=[
            healthz,
            readyz,
            metrics_endpoint,
            PhoneChannel,
            SmsChannel,
            OmasoteChannel,
            AppointmentsChannel,
            AuthController,
            InboxController,
            CaseController,
            PatientController,
            SharedClientsController,
            AbsenceController,
            PresenceController,
            ReportController,
            KpiController,
            live,
            chat_socket,
            chat_form_endpoint,
            *web.route_handlers,
            *docs.route_handlers,
            survey_page,
            survey_answer,
            PagesController,
            CasePageController,
            DashboardPageController,
            create_static_files_router(
                path="/static",
                directories=[WEB / "static"],
                cache_control=CacheControlHeader(no_cache=True),  # revalidate: our scripts change with releases
            ),
        ],
        template_config=TemplateConfig(directory=WEB / "templates", engine=JinjaTemplateEngine),
        plugins=[channels],
        middleware=[RequestIdMiddleware(), CsrfMiddleware(), HttpMetricsMiddleware(metrics)],
        on_startup=[tune_gc, start_fanout],
        on_shutdown=[stop_fanout],
        dependencies={"hub": Provide(provide_hub), "who": Provide(provide_professional)},
        lifespan=[lifespan],
        exception_handlers={**EXCEPTION_HANDLERS, RecursionError: too_deep},  # type: ignore[arg-type]
        before_request=refuse_nul,  # NUL characters: 400 before any handler (app/api/body_guard.py)
        openapi_config=OpenAPIConfig(
            title="Firstline",
            version="0.1.0",
            description=OPENAPI_DESCRIPTION,
            path="/schema",
            components=SECURITY_COMPONENTS,  # the webhook signature scheme the channel endpoints name
            render_plugins=[docs.render_plugin()],
        ),
        cors_config=CORSConfig(allow_origins=settings.allowed_origins) if settings.allowed_origins else None,
        request_max_body_size=1024 * 1024,
        debug=settings.debug,
    )
    app.asgi_handler = keep_raw_send(app.asgi_handler)  # outermost, before Litestar wraps `send`
    logs.install(settings.log_level)  # after Litestar set up its logging: no personal data in any record
    return app
