"""Run a workflow step by step: progress per step, a cache keyed by each step's inputs, resumable, provenance.

Each step's cache key is the SHA-256 of what determines its output: the critmin version, the step's section(s)
of the workflow document, the content hashes of its input files (and of the knowledge-base rows it reads), its
seed and the keys of the steps it depends on. Outputs are stored as ``<key>.json`` (JSON data) and
``<key>.npz`` (arrays, no pickles) in the cache directory, written atomically. A run that stops (error, kill)
resumes from the last finished step when started again with the same inputs; a changed input re-runs that step
and everything downstream, nothing else.

Seeds: each step's seed is derived from ``workflow.seed`` and the step's position with
:class:`numpy.random.SeedSequence`, so the same file reproduces every number bit for bit (``rerun``).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.jsonsafe import json_safe
from critmin.provenance import sha256_json
from critmin.workflows.spec import KNOWLEDGE_BASE, WorkflowSpec, with_inputs

__all__ = ["STEPS", "StepOutcome", "WorkflowResult", "result_sha256", "run_workflow", "step_seed"]

STEPS: tuple[str, ...] = ("tract", "resource", "economic_filter", "project", "supply")
STEP_TITLES = {"tract": "1 Tract", "resource": "2 Undiscovered resource", "economic_filter": "3 Economic filter",
               "project": "4 Project", "supply": "5 Supply impact"}

WorkflowProgress = Callable[[str, float, str], None]
"""``progress(step, fraction_of_step_done, message)``."""


def _now() -> str:
    """UTC time with microseconds (step durations are often below a second)."""
    return datetime.now(UTC).isoformat()


def step_seed(seed: int, step: str) -> int:
    """The seed of one step, derived from the workflow seed and the step's position."""
    return int(np.random.SeedSequence([seed, STEPS.index(step)]).generate_state(1, np.uint64)[0] >> 1)


def without_times(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: without_times(v) for k, v in obj.items() if k not in ("created_at", "started_at", "ended_at")}
    if isinstance(obj, list):
        return [without_times(v) for v in obj]
    return obj


@dataclass(frozen=True)
class StepOutcome:
    """One step's output, where it came from and when."""

    name: str
    key: str
    data: dict[str, Any]
    arrays: dict[str, np.ndarray]
    cached: bool
    started_at: str
    ended_at: str
    seed: int
    parents: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        """The step's run record (its key is its identity; parents are the keys it derived from)."""
        return {"step": self.name, "key": self.key, "seed": self.seed, "cached": self.cached,
                "started_at": self.started_at, "ended_at": self.ended_at, "parents": list(self.parents),
                "provenance": self.data.get("provenance")}


def result_sha256(steps: Mapping[str, StepOutcome]) -> str:
    """Hash of every number a run produced (data without timestamps, and the arrays' bytes)."""
    parts = {}
    for name, st in steps.items():
        arrays = {k: [str(v.dtype), list(v.shape), hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()]
                  for k, v in sorted(st.arrays.items())}
        parts[name] = {"data": without_times(st.data), "arrays": arrays}
    return sha256_json(parts)


@dataclass
class WorkflowResult:
    """The outcome of one workflow run."""

    spec: WorkflowSpec
    steps: dict[str, StepOutcome]
    started_at: str
    ended_at: str
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def result_sha256(self) -> str:
        return result_sha256(self.steps)

    def record(self, run_id: str | int | None = None) -> dict[str, Any]:
        """The run record: inputs with content hashes, parameters, seed, version, times, steps and result hash."""
        from critmin import __version__

        return {"run_id": run_id, "operation": "workflows.rock_to_supply", "name": self.spec.name,
                "version": __version__, "seed": self.spec.seed, "started_at": self.started_at,
                "ended_at": self.ended_at, "workflow_sha256": self.spec.sha256,
                "inputs": {k: {"path": str(self.spec.input_files[k]), "sha256": v}
                           for k, v in self.spec.input_hashes.items()},
                "parameters": self.spec.doc, "steps": [s.record() for s in self.steps.values()],
                "result_sha256": self.result_sha256}

    def summary(self) -> dict[str, Any]:
        """Every step's data (JSON-ready), keyed by step."""
        return {name: st.data for name, st in self.steps.items()}


class _Cache:
    def __init__(self, root: Path | None) -> None:
        self.root = root
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)

    def get(self, key: str) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        if self.root is None:
            return None
        j, z = self.root / f"{key}.json", self.root / f"{key}.npz"
        if not (j.exists() and z.exists()):
            return None
        try:
            data = json.loads(j.read_text(encoding="utf-8"))
            with np.load(z, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except (OSError, ValueError):
            return None  # a damaged entry is recomputed
        return data, arrays

    def put(self, key: str, data: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        if self.root is None:
            return
        tag = f"{os.getpid()}.{threading.get_ident()}"
        tz = self.root / f".{key}.{tag}.npz"
        np.savez(tz, **arrays)  # type: ignore[arg-type]
        os.replace(tz, self.root / f"{key}.npz")
        tj = self.root / f".{key}.{tag}.json"
        tj.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tj, self.root / f"{key}.json")


def _frame_hash(df: pd.DataFrame | None, cols: list[str]) -> str:
    if df is None or df.empty:
        return ""
    keep = [c for c in cols if c in df.columns]
    return sha256_json(df[keep].astype(str).to_dict("list"))


def _doc_by_content(spec: WorkflowSpec) -> dict[str, Any]:
    """The document with every input path replaced by its file's SHA-256 (keys do not depend on where files are)."""
    return with_inputs(spec.doc, {key: f"sha256:{sha}" for key, sha in spec.input_hashes.items()})


def run_workflow(spec: WorkflowSpec, *, sites: pd.DataFrame | None = None, inventory: pd.DataFrame | None = None,
                 cache_dir: str | Path | None = None, progress: WorkflowProgress | None = None,
                 keep_objects: bool = False) -> WorkflowResult:
    """Run the five steps of ``spec`` (see :mod:`critmin.workflows.rock_to_supply` for what each computes).

    Parameters
    ----------
    spec
        The validated workflow.
    sites
        Known deposits for ``tract.deposits = "knowledge_base"``: columns ``name, lon, lat, deposit_type``
        (``site_id`` kept when present). The CLI and service pass the knowledge base's visible sites.
    inventory
        Knowledge-base inventory lines for ``resource.gt = "knowledge_base"``.
    cache_dir
        Step cache (None: no cache).
    progress
        ``progress(step, fraction, message)``.
    keep_objects
        Keep the rich domain objects of freshly computed steps in ``result.objects`` (for reports).
    """
    from critmin.workflows import rock_to_supply as steps_impl

    say = progress or (lambda step, f, m: None)
    cache = _Cache(Path(cache_dir) if cache_dir is not None else None)
    t = spec.section("tract")
    r = spec.section("resource")
    dep_sites = sites
    if t.get("deposits", KNOWLEDGE_BASE) != KNOWLEDGE_BASE:
        dep_sites = None  # read from the file by the step
    kb_hash = {"sites": _frame_hash(dep_sites, ["site_id", "name", "lon", "lat", "deposit_type"]),
               "inventory": _frame_hash(inventory, list(inventory.columns) if inventory is not None else [])
               if r.get("gt") == KNOWLEDGE_BASE else ""}
    inputs = spec.input_hashes
    doc = _doc_by_content(spec)
    sections = {"tract": ["tract"], "resource": ["resource"], "economic_filter": ["economic_filter", "project"],
                "project": ["project"], "supply": ["supply", "workflow"]}
    depends = {"tract": [], "resource": ["tract"], "economic_filter": ["resource"],
               "project": ["economic_filter"], "supply": ["project", "economic_filter"]}
    from critmin import __version__

    started = _now()
    outcomes: dict[str, StepOutcome] = {}
    objects: dict[str, Any] = {}
    for name in STEPS:
        seed = step_seed(spec.seed, name)
        parents = tuple(outcomes[p].key for p in depends[name])
        key = sha256_json({"step": name, "version": __version__, "seed": seed, "parents": parents,
                           "sections": {s: doc.get(s) for s in sections[name]},
                           "inputs": {k: v for k, v in inputs.items() if k.split(".")[0] in sections[name]},
                           "kb": kb_hash["sites"] if name == "tract" else kb_hash["inventory"] if name == "resource"
                           else ""})
        t0 = _now()
        hit = cache.get(key)
        if hit is not None:
            data, arrays = hit
            say(name, 1.0, f"{STEP_TITLES[name]}: from the cache")
            outcomes[name] = StepOutcome(name, key, data, arrays, True, t0, _now(), seed, parents)
            continue
        say(name, 0.0, f"{STEP_TITLES[name]}: running")
        try:
            def step_progress(frac: float, message: str, step: str = name) -> None:
                say(step, frac, message)

            data, arrays, obj = steps_impl.run_step(name, spec, outcomes, seed=seed, sites=dep_sites,
                                                    inventory=inventory, progress=step_progress)
        except InputError as exc:
            raise InputError(f"step {STEPS.index(name) + 1} ({name}): {exc.detail}", file=exc.file or spec.source,
                             row=exc.row, column=exc.column) from None
        data = json_safe(data)
        cache.put(key, data, arrays)
        if keep_objects and obj is not None:
            objects[name] = obj
        outcomes[name] = StepOutcome(name, key, data, arrays, False, t0, _now(), seed, parents)
        say(name, 1.0, f"{STEP_TITLES[name]}: done")
    return WorkflowResult(spec=spec, steps=outcomes, started_at=started, ended_at=_now(),
                          objects=objects)
