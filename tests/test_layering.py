"""The package layering (DEVELOPERS.md, docs/DESIGN.md) is enforced by import-linter.

The contracts live in ``pyproject.toml`` under ``[tool.importlinter]``: domain packages are pure (no store,
service, CLI, SQLAlchemy, FastAPI, Typer, Matplotlib, workflows), workflows import no adapter, the core imports
no domain or adapter, the store does not
import the service or CLI, and the service and CLI do not import each other.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _run_lint_imports() -> subprocess.CompletedProcess[str]:
    # --config is deprecated in import-linter 2.x in favour of the positional form; --no-cache keeps the
    # working tree clean (no .import_linter_cache directory).
    return subprocess.run(
        [str(LINT_IMPORTS), "pyproject.toml", "--no-cache", "--no-logo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_contracts_cover_the_house_rules() -> None:
    """The contracts exist and name the layers the house rules name (guards against silently emptied lists)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contracts = {c["name"]: c for c in config["contracts"]}
    domain = contracts["Domain packages are pure: no adapters, no workflows"]
    assert "critmin.deposits" in domain["source_modules"]
    for forbidden in ("critmin.store", "critmin.service", "critmin.cli", "sqlalchemy", "fastapi", "typer"):
        assert forbidden in domain["forbidden_modules"]
    core = contracts["Core does not import domains or adapters"]
    assert {"critmin.errors", "critmin.units", "critmin.provenance", "critmin.config", "critmin.progress",
            "critmin.reference"} <= set(core["source_modules"])
    assert {"critmin.deposits", "critmin.store", "critmin.service", "critmin.cli"} <= set(core["forbidden_modules"])
    assert "critmin.workflows" in domain["forbidden_modules"]  # domains never import the workflows that compose them
    wf = contracts["Workflows compose domains and import no adapter"]
    assert wf["source_modules"] == ["critmin.workflows"]
    assert {"critmin.store", "critmin.service", "critmin.cli", "critmin.plot", "critmin.reports",
            "sqlalchemy", "fastapi", "matplotlib"} <= set(wf["forbidden_modules"])
    assert contracts["Store does not import service or CLI"]["forbidden_modules"] == ["critmin.service", "critmin.cli"]
    assert set(contracts["Service and CLI do not import each other"]["modules"]) == {"critmin.service", "critmin.cli"}


def test_import_contracts_are_kept() -> None:
    assert LINT_IMPORTS.exists(), f"lint-imports not found next to {sys.executable}; install the 'test' extra"
    result = _run_lint_imports()
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"import-linter found broken layering contracts:\n{output}"
    assert "0 broken" in output, output
