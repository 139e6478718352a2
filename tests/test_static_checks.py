"""The quality gates: ruff and mypy pass on the code base (configured in pyproject.toml).

ruff checks ``src``, ``tests`` and ``benchmarks`` with the ``[tool.ruff]`` rules; mypy checks ``src/critmin``
(``files`` in ``[tool.mypy]``), strictly on the core (errors, units, provenance, config, progress, reference)
and the service, with the bodies of every other function type-checked too.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STRICT_MODULES = {"critmin.errors", "critmin.units", "critmin.provenance", "critmin.config", "critmin.progress",
                  "critmin.reference", "critmin.limits", "critmin.service.*"}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*args], cwd=REPO, capture_output=True, text=True, check=False)


def test_ruff_passes() -> None:
    ruff = BIN / "ruff"
    assert ruff.exists(), f"ruff not found next to {sys.executable}; install the 'test' extra"
    result = _run(str(ruff), "check", "--no-cache", "src", "tests", "benchmarks")
    assert result.returncode == 0, f"ruff found problems:\n{result.stdout}{result.stderr}"


def test_mypy_config_is_strict_on_core_and_service() -> None:
    """Guards the configuration the mypy run relies on (no silently dropped strict section)."""
    mypy = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert mypy["files"] == ["src/critmin"]
    assert mypy["check_untyped_defs"] is True
    assert "ignore_missing_imports" not in mypy and "ignore_errors" not in mypy
    strict = [o for o in mypy["overrides"] if o.get("disallow_untyped_defs")]
    assert len(strict) == 1 and set(strict[0]["module"]) == STRICT_MODULES
    for flag in ("disallow_untyped_defs", "disallow_incomplete_defs", "disallow_any_generics", "warn_return_any",
                 "disallow_untyped_calls", "strict_equality"):
        assert strict[0][flag] is True, flag
    assert not any(o.get("ignore_errors") for o in mypy["overrides"])


def test_mypy_passes() -> None:
    result = _run(sys.executable, "-m", "mypy", "--config-file", "pyproject.toml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"mypy found problems:\n{output}"
    assert "Success: no issues found" in output, output
