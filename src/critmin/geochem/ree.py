"""REE grade and pattern metrics, vectorised over samples.

Conventions are explicit, named parameters, and recorded in ``result.attrs["critmin"]``:

* **TREO** — sum of the oxides of La–Lu and Y of a named oxide set (default ``industry``: CeO2, Pr6O11,
  Tb4O7, other R2O3); Sc2O3 is reported apart (``sc2o3_ppm``).
* **Light/heavy splits** (oxides, ppm and % of TREO) under every convention of
  ``critmin/reference/ree_groups.csv``: ``industry`` (La–Nd | Sm–Lu+Y), ``usgs`` (La–Gd | Tb–Lu+Y; Cordier
  2018), ``ce_y_group`` (La–Eu | Gd–Lu+Y) and ``seredin_dai`` (La–Sm | Eu,Gd,Tb,Dy,Y | Ho–Lu).
  ``lreo_ppm``/``hreo_ppm`` follow ``split`` (default industry).
* **NdPr %** = 100·(Nd2O3 + Pr-oxide)/TREO; **MREO** = Nd2O3 + Pr6O11 + Tb4O7 + Dy2O3 (magnet oxides);
  **CREO** = oxides of Nd, Eu, Tb, Dy, Y (US DOE 2011 critical REE).
* **Seredin & Dai (2012)**, on element concentrations: outlook coefficient C_outl =
  Σ(Nd, Eu, Tb, Dy, Er, Y)/Σ(Ce, Ho, Tm, Yb, Lu); REY_def,rel = 100·Σcritical/ΣREY; enrichment type on
  UCC (Taylor & McLennan 1985) normalisation: M if La_N/Sm_N < 1 and Gd_N/Lu_N > 1, else L if
  La_N/Lu_N > 1, else H.
* **Anomalies** on the chosen normaliser: Eu/Eu* ``geometric`` Eu_N/√(Sm_N·Gd_N) (default; Taylor &
  McLennan 1985), ``arithmetic`` Eu_N/((Sm_N+Gd_N)/2), ``sm_tb`` Eu_N/(Sm_N^(2/3)·Tb_N^(1/3)); Ce/Ce*
  ``geometric`` Ce_N/√(La_N·Pr_N) (default), ``lawrence`` Ce_N/(Pr_N²/Nd_N) (Lawrence et al. 2006),
  ``arithmetic`` Ce_N/(0.5La_N + 0.5Pr_N) (Bau & Dulski 1996); Pr/Pr* = Pr_N/(0.5Ce_N + 0.5Nd_N).
* **Slopes** (La/Yb)_N, (La/Sm)_N, (Gd/Yb)_N, (La/Lu)_N; **tetrad effect** per Irber (1999).
* **Basket price** ($/kg TREO) = Σ (REO_i/TREO)·P_i and **in-situ value** ($/t) = Σ REO_i[ppm]·10⁻³·P_i
  from a user price table (date and basis required; no prices are shipped).

Missing data never silently change a metric: sums skip missing elements and say so in the metric's
``<metric>_flag`` column (``"missing"``); ratios that need a missing or non-positive element are NaN and
flagged the same way; values computed from censored inputs are flagged ``"censored"``.

References
----------
Seredin, V.V., Dai, S. (2012). Coal deposits as potential alternative sources for lanthanides and
yttrium. International Journal of Coal Geology 94, 67-93. doi:10.1016/j.coal.2011.11.001

Taylor, S.R., McLennan, S.M. (1985). The Continental Crust: its Composition and Evolution. Blackwell.

Lawrence, M.G., Greig, A., Collerson, K.D., Kamber, B.S. (2006). Rare earth element and yttrium
variability in South East Queensland waterways. Aquatic Geochemistry 12, 39-72.
doi:10.1007/s10498-005-4471-8

Bau, M., Dulski, P. (1996). Distribution of yttrium and rare-earth elements in the Penge and Kuruman
iron-formations, Transvaal Supergroup, South Africa. Precambrian Research 79, 37-55.
doi:10.1016/0301-9268(95)00087-9

Irber, W. (1999). Geochimica et Cosmochimica Acta 63, 489-508. doi:10.1016/S0016-7037(98)00291-5
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.geochem.elements import REE, REY
from critmin.geochem.oxides import oxide_factor, oxide_set
from critmin.geochem.references import DEFAULT_REFERENCE, get_reference, reference_info, resolve_reference_name
from critmin.geochem.tetrad import tetrad_effect

__all__ = ["CE_DEFINITIONS", "EU_DEFINITIONS", "SPLITS", "PriceTable", "ree_groups", "ree_metrics"]

EuDefinition = Literal["geometric", "arithmetic", "sm_tb"]
CeDefinition = Literal["geometric", "lawrence", "arithmetic"]
Split = Literal["industry", "usgs", "ce_y_group", "seredin_dai"]
EU_DEFINITIONS: Final = ("geometric", "arithmetic", "sm_tb")
CE_DEFINITIONS: Final = ("geometric", "lawrence", "arithmetic")
SPLITS: Final = ("industry", "usgs", "ce_y_group", "seredin_dai")
ENRICHMENT_REFERENCE: Final = "ucc-taylor-mclennan-1985"

_ELS: Final = (*REY, "Sc")  # column order of the internal matrix
_FLAG_DTYPE: Final = pd.CategoricalDtype(["", "censored", "missing", "censored;missing"])
_ETYPE_DTYPE: Final = pd.CategoricalDtype(["", "L", "H", "M"])


@cache
def _groups() -> dict[tuple[str, str], tuple[str, ...]]:
    ref = resources.files("critmin.reference").joinpath("ree_groups.csv")
    with ref.open("r", encoding="utf-8") as fh:
        return {(r["convention"], r["group"]): tuple(r["elements"].split("|")) for r in csv.DictReader(fh)}


def ree_groups() -> dict[tuple[str, str], tuple[str, ...]]:
    """(convention, group) → elements, from ``critmin/reference/ree_groups.csv``."""
    return dict(_groups())


@dataclass(frozen=True)
class PriceTable:
    """Oxide prices for basket price and in-situ value.

    Parameters
    ----------
    usd_per_kg
        Price per kg of oxide, keyed by oxide formula (``"Nd2O3"``) or element symbol (taken as the
        oxide of the chosen oxide set).
    date
        Price date (ISO 8601), required.
    basis
        Purity / delivery basis, e.g. ``"99.5 % oxide, FOB China"``, required.
    source
        Where the prices come from.
    """

    usd_per_kg: Mapping[str, float]
    date: str
    basis: str
    source: str = ""

    def __post_init__(self) -> None:
        if not str(self.date).strip() or not str(self.basis).strip():
            raise InputError("a price table needs a date and a basis (purity, delivery terms); both are required "
                             "because REE prices move and differ by basis")
        bad = {k: v for k, v in self.usd_per_kg.items() if not np.isfinite(float(v)) or float(v) < 0}
        if bad:
            raise InputError(f"prices must be finite and non-negative; got {bad}")

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> PriceTable:
        """Build from a table with columns ``oxide`` (or ``element``), ``usd_per_kg``, ``date``, ``basis``
        (one date and basis for the whole table) and optional ``source``."""
        key = "oxide" if "oxide" in frame.columns else "element"
        need = {key, "usd_per_kg", "date", "basis"}
        if not need <= set(frame.columns):
            raise InputError(f"price table columns {list(frame.columns)}; expected oxide (or element), usd_per_kg, "
                             "date, basis[, source]")
        for col in ("date", "basis"):
            if frame[col].astype(str).nunique() != 1:
                raise InputError(f"price table has several values of {col!r}; use one {col} per table")
        src = str(frame["source"].iloc[0]) if "source" in frame.columns else ""
        return cls({str(k): float(v) for k, v in zip(frame[key], frame["usd_per_kg"], strict=True)},
                   date=str(frame["date"].iloc[0]), basis=str(frame["basis"].iloc[0]), source=src)

    def to_dict(self) -> dict[str, Any]:
        return {"usd_per_kg": dict(self.usd_per_kg), "date": self.date, "basis": self.basis, "source": self.source}


def _matrix(ppm: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    dup = ppm.columns[ppm.columns.duplicated()].tolist()
    if dup:
        raise InputError(f"duplicated columns {dup}; each element must appear once")
    n = len(ppm)
    mat = np.full((n, len(_ELS)), np.nan)
    absent = []
    for j, el in enumerate(_ELS):
        if el not in ppm.columns:
            absent.append(el)
            continue
        col = ppm[el]
        if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
            num = pd.to_numeric(col, errors="coerce")
            bad = col.notna() & num.isna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
                raise InputError(f"text {col[bad].iloc[0]!r} in a numeric column; expected a number in ppm "
                                 "(read files with read_assays to parse '<0.05'-style values)", row=row, column=el)
            col = num
        values = col.to_numpy(dtype=float)
        neg = values < 0
        if neg.any():
            row = int(np.flatnonzero(neg)[0]) + 1
            raise InputError(f"negative value {values[neg][0]} in ppm data; expected concentrations >= 0 (a negative "
                             "value meaning '< detection limit' must be parsed as censored, e.g. by read_assays)",
                             row=row, column=el)
        mat[:, j] = values
    return mat, absent


def _censored_matrix(censored: pd.DataFrame | None, index: pd.Index) -> np.ndarray:
    out = np.zeros((len(index), len(_ELS)), dtype=bool)
    if censored is None:
        return out
    if len(censored) != len(index):
        raise InputError(f"censored has {len(censored)} rows but the data has {len(index)}; pass the table's "
                         "censoring codes aligned with the data")
    for j, el in enumerate(_ELS):
        if el in censored.columns:
            c = censored[el]
            if isinstance(c.dtype, pd.CategoricalDtype):  # AssayTable codes: compare the small integer codes
                cats = [str(x) for x in c.dtype.categories]
                hit = [k for k, x in enumerate(cats) if x in ("<", ">")]
                out[:, j] = np.isin(c.cat.codes.to_numpy(), hit)
            else:
                codes = c.astype(str).to_numpy()
                out[:, j] = (codes == "<") | (codes == ">")
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
    return np.where(np.isfinite(r), r, np.nan)


def ree_metrics(
    ppm: pd.DataFrame,
    *,
    normaliser: str = DEFAULT_REFERENCE,
    oxide_set: str = "industry",
    split: Split = "industry",
    eu_definition: EuDefinition = "geometric",
    ce_definition: CeDefinition = "geometric",
    prices: PriceTable | Mapping[str, Any] | pd.DataFrame | None = None,
    censored: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """REE grade and pattern metrics for each sample (row).

    Parameters
    ----------
    ppm
        Element concentrations in ppm, columns by symbol (La … Lu, Y, Sc; others ignored).
    normaliser
        Reference composition for the normalised indices (anomalies, slopes, tetrads).
    oxide_set
        Named oxide set for TREO and the oxide sums (``industry`` or ``sesquioxide``).
    split
        Convention of ``lreo_ppm``/``hreo_ppm`` (all conventions are reported in named columns).
    eu_definition, ce_definition
        Definition behind ``eu_anomaly``/``ce_anomaly`` (every definition is reported too).
    prices
        :class:`PriceTable` (or a dict/DataFrame accepted by it) for ``basket_usd_per_kg`` and
        ``insitu_usd_per_t``; every REO present in the data needs a price.
    censored
        Censoring codes per cell (``"<"``, ``">"``, ``""``, ``"missing"``), columns by element symbol,
        e.g. ``AssayTable.censored`` renamed to symbols (see ``AssayTable.to_ppm``).

    Returns
    -------
    pandas.DataFrame
        One row per sample; conventions in ``result.attrs["critmin"]``.

    Raises
    ------
    InputError
        Text or negative values in the data, duplicated columns, unknown conventions, or prices missing
        for an oxide present in the data.
    """
    if eu_definition not in EU_DEFINITIONS:
        raise InputError(f"eu_definition {eu_definition!r}; expected one of {EU_DEFINITIONS}")
    if ce_definition not in CE_DEFINITIONS:
        raise InputError(f"ce_definition {ce_definition!r}; expected one of {CE_DEFINITIONS}")
    if split not in SPLITS:
        raise InputError(f"split {split!r}; expected one of {SPLITS}")
    norm_name = resolve_reference_name(normaliser)
    mapping = _oxide_mapping(oxide_set)
    E, absent = _matrix(ppm)
    n = len(ppm)
    col = {el: j for j, el in enumerate(_ELS)}
    missing = ~np.isfinite(E)
    nonpos = ~(E > 0)
    cens = _censored_matrix(censored, ppm.index)

    factors = np.array([oxide_factor(el, mapping[el]) for el in _ELS])
    out: dict[str, np.ndarray] = {}
    flags: dict[str, np.ndarray] = {}
    finite = ~missing
    E0 = np.where(finite, E, 0.0)
    O0 = E0 * factors
    del missing  # boolean masks below are reduced over the few columns each metric depends on

    def deps_mask(els: tuple[str, ...] | list[str]) -> np.ndarray:
        m = np.zeros(len(_ELS))
        m[[col[e] for e in els]] = 1.0
        return m

    def deps(els: tuple[str, ...] | list[str]) -> list[int]:
        return [col[e] for e in els]

    flag_cache: dict[tuple[tuple[str, ...], bool], np.ndarray] = {}
    any_cache: dict[tuple[str, ...], np.ndarray] = {}

    def flag(name: str, els: tuple[str, ...] | list[str], *, ratio: bool) -> None:
        key = (tuple(els), ratio)
        if key not in flag_cache:
            idx = deps(els)
            miss = nonpos[:, idx].any(axis=1) if ratio else ~finite[:, idx].all(axis=1)
            code: np.ndarray = np.asarray(cens[:, idx].any(axis=1), dtype=np.int8)
            flag_cache[key] = (code + 2 * np.asarray(miss, dtype=np.int8)).astype(np.int8)
        flags[name] = flag_cache[key]

    def any_finite(els: tuple[str, ...] | list[str]) -> np.ndarray:
        key = tuple(els)
        if key not in any_cache:
            any_cache[key] = finite[:, deps(els)].any(axis=1)
        return any_cache[key]

    def osum(els: tuple[str, ...] | list[str]) -> np.ndarray:
        return np.where(any_finite(els), O0 @ deps_mask(els), np.nan)

    def esum(els: tuple[str, ...] | list[str]) -> np.ndarray:
        return np.where(any_finite(els), E0 @ deps_mask(els), np.nan)

    treo = osum(REY)
    out["treo_ppm"] = treo
    out["treo_pct"] = treo / 1e4
    flag("treo", REY, ratio=False)
    out["sc2o3_ppm"] = E[:, col["Sc"]] * factors[col["Sc"]]
    out["tree_ppm"] = esum(REE)
    out["trey_ppm"] = esum(REY)

    groups = _groups()
    for conv in SPLITS:
        names = ("light", "medium", "heavy") if conv == "seredin_dai" else ("light", "heavy")
        for g in names:
            prefix = {"light": "lreo", "medium": "mreo", "heavy": "hreo"}[g]
            v = osum(groups[(conv, g)])
            out[f"{prefix}_{conv}_ppm"] = v
            out[f"{prefix}_{conv}_pct"] = _ratio(100 * v, treo)
    out["lreo_ppm"] = out[f"lreo_{split}_ppm"]
    out["hreo_ppm"] = out[f"hreo_{split}_ppm"]
    out["lreo_pct"] = out[f"lreo_{split}_pct"]
    out["hreo_pct"] = out[f"hreo_{split}_pct"]
    flags["lreo"] = flags["hreo"] = flags["treo"]

    out["ndpr_ppm"] = osum(("Nd", "Pr"))
    out["ndpr_pct"] = _ratio(100 * out["ndpr_ppm"], treo)
    flag("ndpr", REY, ratio=False)
    out["mreo_ppm"] = osum(groups[("magnet", "mreo")])
    out["mreo_pct"] = _ratio(100 * out["mreo_ppm"], treo)
    flag("mreo", REY, ratio=False)
    out["creo_ppm"] = osum(groups[("doe_creo", "critical")])
    out["creo_pct"] = _ratio(100 * out["creo_ppm"], treo)
    flag("creo", REY, ratio=False)

    crit, exc = groups[("seredin_dai", "critical")], groups[("seredin_dai", "excessive")]
    out["outlook_coefficient"] = _ratio(esum(crit), esum(exc))
    out["rey_def_rel_pct"] = _ratio(100 * esum(crit), esum(REY))
    flag("outlook_coefficient", REY, ratio=False)
    flag("rey_def_rel", REY, ratio=False)

    # normalised values (non-positive → NaN so that every ratio needing them is NaN and flagged)
    ref = get_reference(norm_name)
    N = np.full((n, len(REE)), np.nan)
    for j, el in enumerate(REE):
        if el in ref.index:
            N[:, j] = np.where(E[:, col[el]] > 0, E[:, col[el]] / ref[el], np.nan)
    Nc = {el: N[:, j] for j, el in enumerate(REE)}
    with np.errstate(divide="ignore", invalid="ignore"):
        eu = {
            "geometric": _ratio(Nc["Eu"], np.sqrt(Nc["Sm"] * Nc["Gd"])),
            "arithmetic": _ratio(Nc["Eu"], (Nc["Sm"] + Nc["Gd"]) / 2),
            "sm_tb": _ratio(Nc["Eu"], Nc["Sm"] ** (2 / 3) * Nc["Tb"] ** (1 / 3)),
        }
        ce = {
            "geometric": _ratio(Nc["Ce"], np.sqrt(Nc["La"] * Nc["Pr"])),
            "lawrence": _ratio(Nc["Ce"], Nc["Pr"] ** 2 / Nc["Nd"]),
            "arithmetic": _ratio(Nc["Ce"], 0.5 * Nc["La"] + 0.5 * Nc["Pr"]),
        }
    eu_deps = {"geometric": ("Eu", "Sm", "Gd"), "arithmetic": ("Eu", "Sm", "Gd"), "sm_tb": ("Eu", "Sm", "Tb")}
    ce_deps = {"geometric": ("Ce", "La", "Pr"), "lawrence": ("Ce", "Pr", "Nd"), "arithmetic": ("Ce", "La", "Pr")}
    out["eu_anomaly"] = eu[eu_definition]
    out["ce_anomaly"] = ce[ce_definition]
    flag("eu_anomaly", eu_deps[eu_definition], ratio=True)
    flag("ce_anomaly", ce_deps[ce_definition], ratio=True)
    for k, v in eu.items():
        out[f"eu_anomaly_{k}"] = v
    for k, v in ce.items():
        out[f"ce_anomaly_{k}"] = v
    out["pr_anomaly"] = _ratio(Nc["Pr"], 0.5 * Nc["Ce"] + 0.5 * Nc["Nd"])
    for a, b in (("La", "Yb"), ("La", "Sm"), ("Gd", "Yb"), ("La", "Lu")):
        name = f"{a.lower()}_{b.lower()}_n"
        out[name] = _ratio(Nc[a], Nc[b])
        flag(name, (a, b), ratio=True)

    tet = tetrad_effect(pd.DataFrame(N, columns=list(REE), copy=False))
    for c in tet.columns:
        out[c] = tet[c].to_numpy()
    flag("tetrad_te13", ("La", "Ce", "Pr", "Nd", "Gd", "Tb", "Dy", "Ho"), ratio=True)

    # Seredin & Dai enrichment type on UCC (Taylor & McLennan 1985)
    ucc = get_reference(ENRICHMENT_REFERENCE)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = {el: np.where(E[:, col[el]] > 0, E[:, col[el]] / ucc[el], np.nan) for el in ("La", "Sm", "Gd", "Lu")}
    la_lu, la_sm, gd_lu = _ratio(u["La"], u["Lu"]), _ratio(u["La"], u["Sm"]), _ratio(u["Gd"], u["Lu"])
    etype = np.where((la_sm < 1) & (gd_lu > 1), 3, np.where(la_lu > 1, 1, np.where(la_lu < 1, 2, 0))).astype(np.int8)
    flag("enrichment_type", ("La", "Sm", "Gd", "Lu"), ratio=True)

    price_meta = None
    if prices is not None:
        table = _as_price_table(prices)
        vec = _price_vector(table, mapping, E)
        value = O0[:, : len(REY)] @ vec  # Σ REO_i[ppm]·P_i  ($/kg × g/t) → /1000 = $/t
        out["insitu_usd_per_t"] = np.where(np.isfinite(treo), value * 1e-3, np.nan)
        out["basket_usd_per_kg"] = _ratio(value, treo)
        flags["basket"] = flags["treo"]
        price_meta = table.to_dict()

    metric_names = list(out)
    block = np.empty((len(metric_names), n))  # column-major: pandas keeps it without copying
    for row, metric in enumerate(metric_names):
        block[row] = out.pop(metric)  # release each metric as it is copied (peak memory)
    frame = pd.DataFrame(block.T, index=ppm.index, columns=metric_names, copy=False)
    extra: dict[str, Any] = {"enrichment_type": pd.Categorical.from_codes(etype, dtype=_ETYPE_DTYPE)}
    for flag_name, codes in flags.items():
        extra[f"{flag_name}_flag"] = pd.Categorical.from_codes(codes, dtype=_FLAG_DTYPE)
    for name, values in extra.items():  # inserting columns keeps the float block (concat would copy it)
        frame[name] = values
    info = reference_info(norm_name)
    frame.attrs["critmin"] = {
        "normaliser": norm_name, "normaliser_citation": info.citation, "normaliser_doi": info.doi,
        "oxide_set": oxide_set, "oxides": {el: mapping[el] for el in _ELS},
        "treo": "sum of the oxides of La-Lu and Y of the oxide set; Sc2O3 reported apart (sc2o3_ppm)",
        "split": split, "splits": {f"{c}:{g}": list(v) for (c, g), v in groups.items()},
        "eu_definition": eu_definition, "ce_definition": ce_definition,
        "enrichment_reference": ENRICHMENT_REFERENCE,
        "tetrad": "Irber (1999) doi:10.1016/S0016-7037(98)00291-5",
        "absent_elements": absent,
        "flags": "'' ok; 'censored' computed from censored inputs; 'missing' an input was missing or (ratios) "
                 "not positive: sums skip it, ratios are NaN",
        "prices": price_meta,
    }
    return frame


def _oxide_mapping(name: str) -> dict[str, str]:
    mapping = oxide_set(name)
    lacking = [el for el in _ELS if el not in mapping]
    if lacking:
        raise InputError(f"oxide set {name!r} has no oxide for {lacking}; use 'industry' or 'sesquioxide'")
    return mapping


def _as_price_table(prices: PriceTable | Mapping[str, Any] | pd.DataFrame) -> PriceTable:
    if isinstance(prices, PriceTable):
        return prices
    if isinstance(prices, pd.DataFrame):
        return PriceTable.from_frame(prices)
    if isinstance(prices, Mapping):
        p = dict(prices)
        try:
            return PriceTable(p["usd_per_kg"], date=p["date"], basis=p["basis"], source=p.get("source", ""))
        except KeyError as exc:
            raise InputError(f"price mapping lacks {exc}; expected keys usd_per_kg, date, basis[, source]") from None
    raise InputError(f"prices of type {type(prices).__name__}; expected a PriceTable, mapping or DataFrame")


def _price_vector(table: PriceTable, mapping: dict[str, str], E: np.ndarray) -> np.ndarray:
    vec = np.zeros(len(REY))
    by_oxide = {mapping[el]: el for el in REY}
    seen: dict[str, float] = {}
    for key, price in table.usd_per_kg.items():
        if key in by_oxide:
            seen[by_oxide[key]] = float(price)
        elif key in mapping and key in REY:
            seen[key] = float(price)
        else:
            raise InputError(f"price given for {key!r}, which is not an oxide of the oxide set ({', '.join(by_oxide)}) "
                             "nor one of its elements")
    needed = [el for j, el in enumerate(REY) if bool((E[:, j] > 0).any())]
    unpriced = [mapping[el] for el in needed if el not in seen]
    if unpriced:
        raise InputError(f"no price for {', '.join(unpriced)}, present in the data; give every oxide a price "
                         "(0 if it is worthless) so that basket value is not silently understated")
    for j, el in enumerate(REY):
        vec[j] = seen.get(el, 0.0)
    return vec


from critmin.geochem import accessor as _accessor  # noqa: E402, F401  (registers DataFrame.geochem)
