"""A finished run on disk: its record, every step's data and arrays, and a copy of its inputs (for ``rerun``).

Layout of a run directory::

    record.json            run record (run id, inputs with SHA-256, parameters, seed, version, times, steps,
                           result hash)
    result.json            every step's data (what the report, the UI and ``--json`` show), with the run id
    arrays/<step>.npz      every step's arrays (numpy, no pickles)
    workflow.json          the workflow document as run (paths as written)
    inputs/<key>/<name>    a copy of each input file, so that a rerun does not depend on the originals

:func:`rerun_spec` rebuilds the workflow from ``workflow.json`` and the copied inputs after checking their
SHA-256 against the record.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from critmin.errors import InputError, NotFoundError
from critmin.jsonsafe import json_safe
from critmin.workflows.runner import WorkflowResult
from critmin.workflows.spec import WorkflowSpec, parse_workflow, with_inputs

__all__ = ["StoredRun", "load_run", "rerun_spec", "save_run"]


class StoredRun:
    """A run read back from its directory."""

    def __init__(self, root: Path, record: dict[str, Any], result: dict[str, Any],
                 arrays: dict[str, dict[str, np.ndarray]]) -> None:
        self.root, self.record, self.result, self.arrays = root, record, result, arrays

    @property
    def steps(self) -> dict[str, Any]:
        """Step name → data."""
        return dict(self.result["steps"])


def save_run(result: WorkflowResult, run_dir: str | Path, run_id: str | int) -> Path:
    """Write a run directory (atomically: a partial directory never appears under the final name)."""
    final = Path(run_dir)
    tmp = final.with_name(f".{final.name}.partial-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "arrays").mkdir(parents=True)
    record = json_safe(result.record(run_id))
    inputs_dir = tmp / "inputs"
    copies = {}
    for key, path in result.spec.input_files.items():
        target = inputs_dir / key / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copies[key] = f"inputs/{key}/{path.name}"
    record["input_copies"] = copies
    (tmp / "record.json").write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    doc = {"run_id": run_id, "name": result.spec.name, "result_sha256": result.result_sha256,
           "steps": json_safe(result.summary())}
    (tmp / "result.json").write_text(json.dumps(doc, sort_keys=True), encoding="utf-8")
    (tmp / "workflow.json").write_text(json.dumps(result.spec.doc, indent=1), encoding="utf-8")
    for name, st in result.steps.items():
        np.savez(tmp / "arrays" / f"{name}.npz", **st.arrays)  # type: ignore[arg-type]
    shutil.rmtree(final, ignore_errors=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    return final


def load_run(run_dir: str | Path) -> StoredRun:
    """Read a run directory written by :func:`save_run`."""
    root = Path(run_dir)
    if not (root / "record.json").is_file():
        raise NotFoundError(f"{root} is not a workflow run directory (no record.json)")
    record = json.loads((root / "record.json").read_text(encoding="utf-8"))
    result = json.loads((root / "result.json").read_text(encoding="utf-8"))
    arrays: dict[str, dict[str, np.ndarray]] = {}
    for f in sorted((root / "arrays").glob("*.npz")):
        with np.load(f, allow_pickle=False) as npz:
            arrays[f.stem] = {k: npz[k] for k in npz.files}
    return StoredRun(root, record, result, arrays)


def rerun_spec(run: StoredRun) -> WorkflowSpec:
    """The workflow of a stored run, reading the copied inputs (their SHA-256 must match the record)."""
    doc = json.loads((run.root / "workflow.json").read_text(encoding="utf-8"))
    copies = run.record.get("input_copies", {})
    recorded = run.record.get("inputs", {})
    missing = [key for key in recorded if key not in copies]
    if missing:
        raise InputError(f"run {run.record.get('run_id')}: input {missing[0]} was not archived", column=missing[0])
    paths = {key: str((run.root / copies[key]).resolve()) for key in recorded}
    spec = parse_workflow(with_inputs(doc, paths), source=str(run.root / "workflow.json"), base_dir=run.root)
    for key, info in recorded.items():
        if spec.input_hashes[key] != info["sha256"]:
            raise InputError(f"run {run.record.get('run_id')}: the archived {key} does not match its recorded "
                             "SHA-256 (the run directory was modified)", file=paths[key], column=key)
    return spec
