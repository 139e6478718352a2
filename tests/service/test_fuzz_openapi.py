"""Property-based fuzzing of our own OpenAPI with schemathesis: no request may produce a server error (5xx).

Every operation of the route table gets generated requests (schema-valid and invalid parameters and bodies)
against the application on a seeded embedded store, with an analyst's write token (so writes are exercised,
not only refused). Bounded: ``EXAMPLES`` per operation, derandomised (the same requests every run).
"""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from critmin.service.app import create_app
from critmin.store.accounts import create_token, create_user
from critmin.store.sites import import_sites
from tests.store.factories import world

EXAMPLES = 20


def test_no_operation_gives_a_server_error(sqlite_db) -> None:
    with sqlite_db.transaction() as s:
        import_sites(s, world(), organisation="gsi")
        create_user(s, "fuzz", "gsi", role="analyst")
        secret, _ = create_token(s, "fuzz", "fuzz")
    headers = {"Authorization": f"Bearer {secret}"}
    app = create_app(sqlite_db)
    failures: list[str] = []
    operations = 0
    with TestClient(app):  # runs the lifespan: store opened, job pools started
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        for result in schema.get_all_operations():
            op = result.ok()
            operations += 1

            @given(case=op.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                      derandomize=True, database=None)
            def run(case) -> None:  # type: ignore[no-untyped-def]
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            try:
                run()
            except Exception as exc:
                failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:1500]}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
