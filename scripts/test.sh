#!/usr/bin/env bash
# Set up everything and run the whole test suite. Extra arguments go to pytest.
# Tests that need PostgreSQL/PostGIS (CRITMIN_TEST_POSTGRES_URL), Debian's chromium or the shared data
# directory skip when those are missing; CRITMIN_REQUIRE_SERVICES=1 turns every such skip into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e ".[test]"
(cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
exec .venv/bin/python -m pytest "$@"
