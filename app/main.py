"""create_app(): the one place that wires settings, region, database and routes together."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin

from app.api.auth import AuthController
from app.api.cases import AbsenceController, CaseController, InboxController, PatientController
from app.api.channels import OmasoteChannel, PhoneChannel, SmsChannel
from app.api.deps import provide_hub, provide_professional
from app.api.errors import EXCEPTION_HANDLERS
from app.api import web
from app.api.survey import survey_answer, survey_page
from app.api.health import healthz, metrics_endpoint, readyz
from app.db.engine import make_engine
from app.domain.region import Region
from app.hub import Hub
from app.live.chat import chat_form_endpoint, chat_socket
from app.live.fanout import Fanout, make_plugin
from app.live.inbox_socket import live
from app.live.wire import keep_raw_send
from app.services.intake_batch import IntakeBatcher
from app.region_file import load_region
from app.settings import Settings

log = logging.getLogger("firstline")


async def make_intake_pool(settings: Settings, size: int | None = None, index_plans: bool = False):  # type: ignore[no-untyped-def]
    """The intake hot path's own asyncpg pool (app/db/pg_intake.py). Connections are opened
    lazily (min_size=0) so that a database outage at start-up still lets the app answer 503.

    index_plans: for the batch statements' own connections (app/services/intake_batch.py), which
    run nothing else. PostgreSQL caches a generic plan per prepared statement; one made while
    `cases` was nearly empty (a new installation) kept a sequential scan per batch for as long
    as autovacuum had not yet analysed the table — 1,657 scans of a growing table in one bench
    run. Every access these statements make has an index, so sequential scans are switched off
    for them (planning every execution instead cost ~0.5 ms of PostgreSQL CPU a statement)."""
    import asyncpg

    from app.db.engine import PG_SESSION
    from app.db.pg_intake import asyncpg_dsn

    async def keep_session(_conn: asyncpg.Connection) -> None:
        # The default reset (UNLISTEN, RESET ALL, advisory unlock…) is a round trip per request;
        # intake's statements leave no session state behind (its advisory lock is per transaction).
        return None

    return await asyncpg.create_pool(
        asyncpg_dsn(settings.database_url),
        min_size=0,
        max_size=size or settings.db_pool_size,
        timeout=10,
        reset=keep_session,
        server_settings=PG_SESSION | ({"enable_seqscan": "off"} if index_plans else {}),
    )


def create_app(settings: Settings | None = None, region: Region | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    region = region or load_region(settings.region_file)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, settings.db_pool_size)
        hub = Hub(settings, region, engine)
        if engine.dialect.name == "postgresql":
            hub.pg_pool = await make_intake_pool(settings)
            hub.intake_batcher = IntakeBatcher(hub, await make_intake_pool(settings, IntakeBatcher.IN_FLIGHT, index_plans=True))
        app.state.hub = hub
        try:
            yield
        finally:
            if hub.intake_batcher is not None:
                await hub.intake_batcher.close()
            if hub.pg_pool is not None:
                await hub.pg_pool.close()
            await engine.dispose()

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
        hub.fanout = Fanout(channels)
        await hub.fanout.start()
        hub.add_publisher(hub.fanout.publish)

    async def stop_fanout(app: Litestar) -> None:
        hub: Hub = app.state.hub
        if hub.fanout is not None:
            await hub.fanout.stop()

    channels = make_plugin(settings.redis_url)

    app = Litestar(
        route_handlers=[
            healthz,
            readyz,
            metrics_endpoint,
            PhoneChannel,
            SmsChannel,
            OmasoteChannel,
            AuthController,
            InboxController,
            CaseController,
            PatientController,
            AbsenceController,
            live,
            chat_socket,
            chat_form_endpoint,
            *web.route_handlers,
            survey_page,
            survey_answer,
        ],
        plugins=[channels],
        on_startup=[tune_gc, start_fanout],
        on_shutdown=[stop_fanout],
        dependencies={"hub": Provide(provide_hub), "who": Provide(provide_professional)},
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        openapi_config=OpenAPIConfig(
            title="Firstline",
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        cors_config=CORSConfig(allow_origins=settings.allowed_origins) if settings.allowed_origins else None,
        request_max_body_size=1024 * 1024,
        debug=settings.debug,
    )
    app.asgi_handler = keep_raw_send(app.asgi_handler)  # outermost, before Litestar wraps `send`
    return app
