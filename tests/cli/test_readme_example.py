"""The README's worked example prints what the README says it prints (fresh embedded store + demo data)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from critmin.config import get_settings

REPO = Path(__file__).resolve().parents[2]


def test_readme_example_output_is_true(migrated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRITMIN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping of the summary lines
    get_settings.cache_clear()
    migrated("demo", "load")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- example-output -->\n```\n(.*?)```\n<!-- /example-output -->", readme, re.S)
    assert block, "README lacks the example-output block"
    assert "critmin run examples/india_carbonatite_ree/workflow.toml" in readme
    out = migrated("run", REPO / "examples" / "india_carbonatite_ree" / "workflow.toml").stdout
    printed = [line for line in out.splitlines() if re.match(r"^[1-5] ", line)]
    assert printed == block.group(1).strip().splitlines()
