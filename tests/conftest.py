"""Database fixtures: every service/API test runs on SQLite and on PostgreSQL.

PostgreSQL is found at FIRSTLINE_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test).
Where it is not reachable the PostgreSQL half is skipped with a message that says so — unless
FIRSTLINE_REQUIRE_SERVICES=1 (CI), where a missing server fails the run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import hypothesis
import msgspec
import pytest
from argon2 import PasswordHasher
from litestar.testing import AsyncTestClient

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import make_engine
from app.db.migrate import upgrade
from app.domain.region import Region
from app.region_file import load_region
from app.settings import DEMO_REGION, Settings

# No timing in tests: hypothesis' per-example deadline fails on a busy 2-core CI machine.
hypothesis.settings.register_profile("firstline", deadline=None)
hypothesis.settings.load_profile("firstline")

PG_ADMIN = os.environ.get("FIRSTLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE = os.environ.get("FIRSTLINE_REQUIRE_SERVICES") == "1"
WEBHOOK_SECRET = "test-webhook-secret"
METRICS_TOKEN = "test-metrics-token"  # = tests.helpers.SCRAPER
DEMO_PATIENTS = DEMO_REGION.parent / "patients.csv"


async def _pg_exec(url: str, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=3)
    try:
        for s in statements:
            await conn.execute(s)
    finally:
        await conn.close()


def _pg_reachable() -> str | None:
    try:
        asyncio.run(_pg_exec(PG_ADMIN, "SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    problem = _pg_reachable()
    if problem:
        message = f"PostgreSQL not reachable at {PG_ADMIN} ({problem}); PostgreSQL tests skipped"
        if REQUIRE:
            pytest.fail(message + " — but FIRSTLINE_REQUIRE_SERVICES=1 requires it", pytrace=False)
        pytest.skip(message)
    name = f"firstline_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_exec(PG_ADMIN, f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_ADMIN.rpartition("/")
    url = f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    upgrade(url)
    yield url
    asyncio.run(_pg_exec(PG_ADMIN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


TABLES = (
    "patients",
    "patient_phones",
    "cases",
    "contacts",
    "events",
    "messages",
    "notes",
    "callback_attempts",
    "absences",
    "access_log",
    "care_pathway_attachments",
    "revoked_tokens",
    "outbox",
    "survey_responses",
    "presence",
    "follow_ups",
    "job_marks",
    "no_shows",
    "concerns",
    "take_overs",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "firstline.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    asyncio.run(_pg_exec(plain, f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    return url


_cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session")
def region() -> Region:
    """The demo region with cheap password hashes (argon2id still, just fast for tests)."""
    demo = load_region(DEMO_REGION)
    raw = msgspec.to_builtins(demo)
    for p in raw["professionals"]:
        p["password_hash"] = _cheap.hash(f"{p['username']}-demo")
    return msgspec.convert(raw, Region)


@pytest.fixture(scope="session")
def patient_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, str]:
    """An identity provider's RSA key pair: (private key, path of the public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("idp") / "public.pem"
    path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return key, str(path)


PATIENT_ISSUER = "https://idp.example.test"
PATIENT_AUDIENCE = "firstline"


@pytest.fixture
def patient_token(patient_keys):  # type: ignore[no-untyped-def]
    """Makes a signed patient JWT: patient_token("p-0001", exp_in=600, aud=..., key=...)."""
    import time

    import jwt

    def make(sub: str, exp_in: int = 600, **claims: object) -> str:
        key = claims.pop("key", patient_keys[0])
        body = {"sub": sub, "iss": PATIENT_ISSUER, "aud": PATIENT_AUDIENCE, "exp": int(time.time()) + exp_in, **claims}
        body = {k: v for k, v in body.items() if v is not None}  # iss=None: a token without an issuer
        return jwt.encode(body, key, algorithm="RS256")

    return make


@pytest.fixture
def settings(database_url: str, patient_keys) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        patient_jwt_public_key=patient_keys[1],
        patient_jwt_issuer=PATIENT_ISSUER,
        patient_jwt_audience=PATIENT_AUDIENCE,
        database_url=database_url,
        region_file=str(DEMO_REGION),
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        webhook_secret=WEBHOOK_SECRET,
        run_jobs=False,
        db_pool_size=5,
        metrics_token=METRICS_TOKEN,  # the test client's address is "testclient", never an allowed one
        debug=os.environ.get("FIRSTLINE_TEST_DEBUG") == "1",
    )


@pytest.fixture
async def db(database_url: str, region: Region) -> AsyncIterator[AsyncEngine]:
    """An engine in the test's own event loop, with the demo patients imported.

    The app under test runs in the test client's loop; tests read and seed the database
    through this engine, never through the app's.
    """
    from app.services.patients import import_patients

    engine = make_engine(database_url, pool_size=5)
    await import_patients(engine, region, DEMO_PATIENTS.read_text(encoding="utf-8"))
    yield engine
    await engine.dispose()


@pytest.fixture
async def client(settings: Settings, region: Region, db: AsyncEngine) -> AsyncIterator[AsyncTestClient]:
    from app.main import create_app

    app = create_app(settings, region)
    async with AsyncTestClient(app=app) as c:
        yield c


@pytest.fixture
async def hub(settings: Settings, region: Region, db: AsyncEngine):  # type: ignore[no-untyped-def]
    """The hub of an app built by create_app and started in this test's event loop, for tests
    that call services directly (on SQLite and PostgreSQL, like the API tests)."""
    from app.main import create_app
    from tests.helpers import running

    app = create_app(settings, region)
    async with running(app):
        yield app.state.hub


@pytest.fixture
async def served(settings: Settings, region: Region, db: AsyncEngine):  # type: ignore[no-untyped-def]
    """(HTTP client, hub) of one app started in this test's event loop: for tests that work
    cases through the API and then call a service or a job of the same hub directly (the
    `client` fixture runs its app in another loop, where the hub's connections live)."""
    import httpx

    from app.main import create_app
    from tests.helpers import running

    app = create_app(settings, region)
    async with running(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # an ASGI app; the stubs disagree on the scope types
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
            yield c, app.state.hub
