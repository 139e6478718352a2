#!/usr/bin/env bash
# Set up everything and serve critmin on http://127.0.0.1:8000 with the embedded database:
# virtualenv + install, web UI build, database migration, demo data, then the server.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e .
(cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
.venv/bin/critmin db upgrade
.venv/bin/critmin demo load
exec .venv/bin/critmin serve --host "${CRITMIN_HOST:-127.0.0.1}" --port "${CRITMIN_PORT:-8000}"
