"""Property-based fuzzing of every HTTP operation against our own OpenAPI schema: never a 500.

A real server (a thread on a real socket, SQLite) with the demo patients and a supervisor's
token; schemathesis generates bodies, parameters and headers from /schema/openapi.json. Login and
logout are left out: the fuzzer would revoke its own token and trip the login throttle.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from app.main import create_app  # noqa: E402
from tests.live.conftest import ThreadServer, free_port  # noqa: E402


@pytest.fixture
def running(region, sqlite_template, tmp_path, patient_keys):  # type: ignore[no-untyped-def]
    """Once, on SQLite (the API tests cover PostgreSQL): a real server with the demo patients."""
    import asyncio
    import shutil

    import httpx

    from app.db.engine import make_engine
    from app.services.patients import import_patients
    from app.settings import Settings
    from tests.conftest import DEMO_PATIENTS, PATIENT_AUDIENCE, PATIENT_ISSUER

    shutil.copy(sqlite_template, tmp_path / "fuzz.db")
    url = f"sqlite+aiosqlite:///{tmp_path / 'fuzz.db'}"

    async def seed() -> None:
        engine = make_engine(url)
        await import_patients(engine, region, DEMO_PATIENTS.read_text(encoding="utf-8"))
        await engine.dispose()

    asyncio.run(seed())
    settings = Settings(
        database_url=url, secret_key="fuzz-secret-key-that-is-long-enough-32b", patient_jwt_public_key=patient_keys[1],
        patient_jwt_issuer=PATIENT_ISSUER, patient_jwt_audience=PATIENT_AUDIENCE,  # the portal is off without them (503)
    )
    with ThreadServer(create_app(settings, region), free_port()) as server:
        r = httpx.post(f"{server.http}/api/auth/login", json={"username": "paula", "password": "paula-demo"})
        yield server, r.json()["token"]


def test_no_operation_answers_500(running):  # type: ignore[no-untyped-def]
    server, token = running
    schema = schemathesis.openapi.from_url(f"{server.http}/schema/openapi.json")
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in ("/api/auth/logout", "/api/auth/login"):
            continue

        strategy = operation.as_strategy()

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=strategy)
        def check(case) -> None:  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            response = case.call(base_url=server.http, headers={"Authorization": f"Bearer {token}"}, timeout=10)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:200]}")

        check()
    assert calls > 300, f"only {calls} requests were generated"
    assert not failures, "\n".join(failures[:10])
