"""The workflow file: a TOML/YAML document naming the inputs and parameters of one rock-to-supply run.

Sections (``docs/workflows.md`` has the full reference; ``examples/india_carbonatite_ree/workflow.toml`` a
worked example)::

    [workflow]         name, seed (required), horizon_years (25), draws (2000: uncertainty draws of step 5)
    [tract]            name; polygon = [[lon, lat], …] (WGS 84) | raster + threshold | raster + top_percent;
                       deposits = "knowledge_base" | CSV (name, lon, lat[, deposit_type]); deposit_types = [...]
    [resource]         gt = CSV (cited or MapMark4 layout) | "knowledge_base" (+ kb_commodity, kb_material_forms);
                       grade (basis column, e.g. "TREO");
                       tonnage_pdf, grade_pdf ("normal"|"kde"); trials; ndpr_fraction + ndpr_source;
                       [resource.deposit_number] method = "deposit_density" (model) | "negative_binomial" |
                       "mark3" (estimates = CSV) | "pmf" (pmf = CSV)
    [economic_filter]  prices_usd_per_t, mill_recoveries, mill, geometry, days_per_year, discount_rate, cost_index
    [project]          file = real project | template = project file scaled to a representative deposit;
                       representative = "median" | "p25" | "p75"; recovery; capex_exponent (0.6);
                       max_annual_output (market-constrained plant size); montecarlo_draws
    [supply]           commodity, basis, stages, partner, demand_t + demand_source,
                       import_shares {ISO3 = fraction} + import_shares_source (the partner's GeoPolRisk),
                       [supply.disruption] countries, fraction, import_share + import_share_source

Every path is relative to the workflow file. :func:`load_workflow` validates the whole document before any step
runs; errors name the file and the key (``tract.polygon``), what was given and what is expected.
"""

from __future__ import annotations

import copy
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from critmin.errors import InputError
from critmin.provenance import sha256_file, sha256_json

__all__ = ["FILE_KEYS", "WorkflowSpec", "load_workflow", "merge_overrides", "parse_workflow", "with_inputs"]

DepositNumberMethod = Literal["deposit_density", "negative_binomial", "mark3", "pmf"]
Representative = Literal["median", "p25", "p75"]
FILE_KEYS: tuple[tuple[str, ...], ...] = (
    ("tract", "raster"), ("tract", "deposits"), ("resource", "gt"), ("resource", "deposit_number", "estimates"),
    ("resource", "deposit_number", "pmf"), ("project", "file"), ("project", "template"),
)
"""Keys whose values are input files (``knowledge_base`` is not a file)."""
KNOWLEDGE_BASE = "knowledge_base"


@dataclass(frozen=True)
class WorkflowSpec:
    """A validated workflow document.

    Attributes
    ----------
    doc
        The document as parsed (a plain dict; paths as written).
    source
        The file it was read from (``<workflow>`` for documents given in memory).
    base_dir
        Directory that relative paths are resolved against.
    input_files
        ``dotted.key`` → resolved path of every input file.
    input_hashes
        ``dotted.key`` → SHA-256 of the file's bytes.
    """

    doc: dict[str, Any]
    source: str
    base_dir: Path
    input_files: dict[str, Path]
    input_hashes: dict[str, str]

    @property
    def name(self) -> str:
        return str(self.doc["workflow"].get("name", ""))

    @property
    def seed(self) -> int:
        return int(self.doc["workflow"]["seed"])

    def section(self, name: str) -> dict[str, Any]:
        """A section (empty dict when absent)."""
        sec = self.doc.get(name, {})
        return dict(sec) if isinstance(sec, Mapping) else {}

    def path(self, key: str) -> Path | None:
        """The resolved path of an input-file key (``tract.raster``), or None."""
        return self.input_files.get(key)

    @property
    def sha256(self) -> str:
        """Hash of the document and the content of every input file (what a rerun must reproduce)."""
        return sha256_json({"doc": self.doc, "inputs": self.input_hashes})

    def with_overrides(self, overrides: Mapping[str, Any]) -> WorkflowSpec:
        """A new spec with ``overrides`` merged section by section (validated again)."""
        return parse_workflow(merge_overrides(self.doc, overrides), source=self.source, base_dir=self.base_dir)


def merge_overrides(doc: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` with ``overrides`` merged key by key into each section (a drawn polygon replaces a
    raster tract and vice versa)."""
    out = copy.deepcopy(dict(doc))
    for sec, values in overrides.items():
        if isinstance(values, Mapping) and isinstance(out.get(sec), dict):
            _merge(out[sec], values)
        else:
            out[sec] = copy.deepcopy(values)
    return out


def _merge(dst: dict[str, Any], src: Mapping[str, Any]) -> None:
    for k, v in src.items():
        if isinstance(v, Mapping) and isinstance(dst.get(k), dict):
            _merge(dst[k], v)
        else:
            dst[k] = copy.deepcopy(v)
    # a drawn polygon replaces a raster tract and vice versa
    if "polygon" in src:
        for k in ("raster", "threshold", "top_percent"):
            dst.pop(k, None)
    if "raster" in src:
        dst.pop("polygon", None)


def load_workflow(path: str | Path) -> WorkflowSpec:
    """Read and validate a workflow file (``.toml``, ``.yaml``/``.yml`` or ``.json``).

    Raises
    ------
    InputError
        If the file cannot be read or parsed, or any key is missing or invalid (the message names it).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the workflow file ({exc}); expected a UTF-8 TOML or YAML file",
                         file=p) from None
    suffix = p.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            data = tomllib.loads(text)
    except Exception as exc:  # tomllib/yaml/json syntax errors
        raise InputError(f"not a valid {suffix.lstrip('.').upper() or 'TOML'} document ({exc}); fix the syntax",
                         file=p) from None
    if not isinstance(data, Mapping):
        raise InputError("expected sections ([workflow], [tract], …) at the top level", file=p)
    return parse_workflow(dict(data), source=str(p), base_dir=p.resolve().parent)


class _Check:
    def __init__(self, doc: dict[str, Any], source: str) -> None:
        self.doc = doc
        self.source = source

    def fail(self, key: str, msg: str) -> InputError:
        return InputError(f"{key}: {msg}", file=self.source, column=key)

    def section(self, name: str, required: bool = True) -> dict[str, Any]:
        sec = self.doc.get(name)
        if sec is None:
            if required:
                raise self.fail(name, f"missing section [{name}]; see docs/workflows.md")
            return {}
        if not isinstance(sec, Mapping):
            raise self.fail(name, f"expected a table of keys, got {type(sec).__name__}")
        return dict(sec)

    def number(self, sec: Mapping[str, Any], key: str, where: str, *, lo: float | None = None,
               hi: float | None = None, integer: bool = False, default: Any = None) -> Any:
        if key not in sec:
            if default is None:
                raise self.fail(f"{where}.{key}", "missing")
            return default
        v = sec[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.fail(f"{where}.{key}", f"{v!r} is not a finite number")
        if integer and float(v) != int(v):
            raise self.fail(f"{where}.{key}", f"{v!r} is not a whole number")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise self.fail(f"{where}.{key}", f"{v!r} is outside [{lo if lo is not None else '-inf'}, "
                                              f"{hi if hi is not None else 'inf'}]")
        return int(v) if integer else float(v)

    def choice(self, sec: Mapping[str, Any], key: str, where: str, options: tuple[str, ...], default: str) -> str:
        v = sec.get(key, default)
        if v not in options:
            raise self.fail(f"{where}.{key}", f"{v!r} is not one of {', '.join(options)}")
        return str(v)

    def text(self, sec: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        v = sec.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                raise self.fail(f"{where}.{key}", "missing; expected text")
            return ""
        if not isinstance(v, str):
            raise self.fail(f"{where}.{key}", f"expected text, got {v!r}")
        return v


def with_inputs(doc: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``doc`` with each input-file key (``resource.gt``) set to ``values[key]``."""
    out = copy.deepcopy(dict(doc))
    for key, value in values.items():
        cur = out
        parts = key.split(".")
        for p in parts[:-1]:
            cur = cur[p]
        cur[parts[-1]] = value
    return out


def _get(doc: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    cur: Any = doc
    for k in key:
        if not isinstance(cur, Mapping) or k not in cur:
            return None
        cur = cur[k]
    return cur


def parse_workflow(doc: Mapping[str, Any], *, source: str = "<workflow>", base_dir: str | Path = ".") -> WorkflowSpec:
    """Validate a workflow document already parsed into a mapping (see the module docstring)."""
    d = json.loads(json.dumps(doc, default=str))  # plain JSON types (TOML dates become ISO text)
    c = _Check(d, source)
    base = Path(base_dir)
    wf = c.section("workflow")
    c.number(wf, "seed", "workflow", lo=0, hi=2**63 - 1, integer=True)
    c.number(wf, "horizon_years", "workflow", lo=5, hi=100, integer=True, default=25)
    c.number(wf, "draws", "workflow", lo=10, hi=200_000, integer=True, default=2000)
    _check_tract(c, c.section("tract"))
    _check_resource(c, c.section("resource"))
    c.section("economic_filter", required=False)
    _check_project(c, c.section("project"))
    _check_supply(c, c.section("supply"))
    files: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    for key in FILE_KEYS:
        v = _get(d, key)
        dotted = ".".join(key)
        if v is None or v == KNOWLEDGE_BASE:
            continue
        if not isinstance(v, str):
            raise c.fail(dotted, f"expected a file path, got {v!r}")
        p = Path(v)
        p = p if p.is_absolute() else base / p
        if not p.is_file():
            raise c.fail(dotted, f"file {v!r} not found (resolved to {p}); paths are relative to the workflow file")
        files[dotted] = p
        hashes[dotted] = sha256_file(p)
    return WorkflowSpec(doc=d, source=source, base_dir=base, input_files=files, input_hashes=hashes)


def _check_tract(c: _Check, t: dict[str, Any]) -> None:
    has_poly, has_raster = "polygon" in t, "raster" in t
    if has_poly == has_raster:
        raise c.fail("tract", "give either polygon = [[lon, lat], …] or raster = FILE (with threshold or top_percent)")
    if has_poly:
        poly = t["polygon"]
        if not isinstance(poly, list) or len(poly) < 3:
            raise c.fail("tract.polygon", "expected at least 3 [lon, lat] vertices")
        for i, v in enumerate(poly):
            ok = isinstance(v, list) and len(v) == 2 and all(
                isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in v)
            if not ok or not (-180 <= v[0] <= 180 and -90 <= v[1] <= 90):
                raise c.fail("tract.polygon", f"vertex {i + 1} is {v!r}; expected [lon, lat] in degrees (WGS 84)")
    else:
        if ("threshold" in t) == ("top_percent" in t):
            raise c.fail("tract", "a raster tract needs exactly one of threshold (cells ≥ value) or top_percent")
        if "top_percent" in t:
            c.number(t, "top_percent", "tract", lo=1e-6, hi=100)
        else:
            c.number(t, "threshold", "tract")
    c.text(t, "source_label", "tract", required=False)
    deps = t.get("deposits", KNOWLEDGE_BASE)
    if not isinstance(deps, str):
        raise c.fail("tract.deposits", f"expected 'knowledge_base' or a CSV path, got {deps!r}")
    types = t.get("deposit_types", [])
    if not isinstance(types, list) or not all(isinstance(x, str) for x in types):
        raise c.fail("tract.deposit_types", "expected a list of deposit-type names")


def _check_resource(c: _Check, r: dict[str, Any]) -> None:
    if not isinstance(r.get("gt"), str):
        raise c.fail("resource.gt", "missing; expected a grade–tonnage CSV or 'knowledge_base'")
    c.text(r, "grade", "resource")
    c.text(r, "kb_commodity", "resource", required=False)
    forms = r.get("kb_material_forms", [])
    if not isinstance(forms, list) or not all(isinstance(x, str) for x in forms):
        raise c.fail("resource.kb_material_forms", "expected a list such as ['TREO', 'REO']")
    c.choice(r, "tonnage_pdf", "resource", ("normal", "kde"), "normal")
    c.choice(r, "grade_pdf", "resource", ("normal", "kde"), "normal")
    c.number(r, "trials", "resource", lo=100, hi=1_000_000, integer=True, default=10_000)
    if "ndpr_fraction" in r:
        c.number(r, "ndpr_fraction", "resource", lo=0, hi=1)
        c.text(r, "ndpr_source", "resource")
    dn = r.get("deposit_number")
    if not isinstance(dn, Mapping):
        raise c.fail("resource.deposit_number", "missing table; expected method = deposit_density | "
                                                "negative_binomial | mark3 | pmf")
    method = c.choice(dn, "method", "resource.deposit_number", get_args(DepositNumberMethod), "")
    if method in ("negative_binomial", "mark3") and not isinstance(dn.get("estimates"), str):
        raise c.fail("resource.deposit_number.estimates", f"method {method} needs estimates = CSV of N90/N50/N10")
    if method == "pmf" and not isinstance(dn.get("pmf"), str):
        raise c.fail("resource.deposit_number.pmf", "method pmf needs pmf = CSV (n, probability)")


def _check_project(c: _Check, p: dict[str, Any]) -> None:
    if ("file" in p) == ("template" in p):
        raise c.fail("project", "give either file = a real project's file or template = a project file scaled to "
                                "a representative simulated deposit")
    c.choice(p, "representative", "project", get_args(Representative), "median")
    c.number(p, "capex_exponent", "project", lo=0.1, hi=1.5, default=0.6)
    c.number(p, "montecarlo_draws", "project", lo=10, hi=1_000_000, integer=True, default=2000)
    if "template" in p:
        c.number(p, "recovery", "project", lo=0.01, hi=1)
        if "max_annual_output" in p:
            c.number(p, "max_annual_output", "project", lo=1e-9)


def _check_supply(c: _Check, s: dict[str, Any]) -> None:
    c.text(s, "commodity", "supply")
    c.text(s, "basis", "supply")
    stages = s.get("stages")
    if not isinstance(stages, list) or not stages or not all(isinstance(x, str) for x in stages):
        raise c.fail("supply.stages", "expected a non-empty list such as ['mine', 'separation']")
    partner = c.text(s, "partner", "supply")
    if len(partner) != 3 or not partner.isalpha():
        raise c.fail("supply.partner", f"{partner!r} is not an ISO3 country code")
    c.number(s, "demand_t", "supply", lo=1e-9)
    c.text(s, "demand_source", "supply")
    shares = s.get("import_shares")
    if shares is not None:
        if not isinstance(shares, Mapping) or not shares:
            raise c.fail("supply.import_shares", "expected a table of ISO3 = fraction of the partner's imports")
        for k in shares:
            c.number(shares, k, "supply.import_shares", lo=0, hi=1)
        if sum(float(v) for v in shares.values()) > 1 + 1e-9:
            raise c.fail("supply.import_shares", "the shares sum to more than 1")
        c.text(s, "import_shares_source", "supply")
    dis = s.get("disruption")
    if dis is not None:
        if not isinstance(dis, Mapping):
            raise c.fail("supply.disruption", "expected a table")
        ctry = dis.get("countries")
        if not isinstance(ctry, list) or not ctry:
            raise c.fail("supply.disruption.countries", "expected a list of ISO3 codes, e.g. ['CHN']")
        c.number(dis, "fraction", "supply.disruption", lo=0, hi=1)
        if shares is None or "import_share" in dis:  # else the restricted countries' import shares are summed
            c.number(dis, "import_share", "supply.disruption", lo=0, hi=1)
            c.text(dis, "import_share_source", "supply.disruption")
