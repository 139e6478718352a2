"""MapMark4GUI file interoperability: ``*_03_PMF_Probs.csv``, ``*_05_SIM_EF.csv``, ``*_08_SIM_Contained_Stats.csv``.

Layouts (MapMark4GUI, TM 7-C18; as produced by its ``TotTonOutGT`` and read by RAEF, TM 7-C23):

* ``_03_PMF_Probs.csv`` — R ``write.csv``: ``"","NDeposits","RelProbs"``, one row per N with a
  quoted 1-based row name.
* ``_05_SIM_EF.csv`` — one row per simulated deposit: row number, ``Simulation.Index``,
  ``Number.of.Deposits``, ``Sim.Deposit.Index``, ``Ore_mT`` (ore t), ``<El> _pct`` grades (%),
  ``gangue`` (%), ``<El> _MetricTons`` contained metal (t). A trial with no deposit has one row
  with ``NA`` after ``Number.of.Deposits``. (Note the space before the underscore.)
* ``_08_SIM_Contained_Stats.csv`` — R ``write.csv`` of per-trial totals statistics, one row per
  quantity (``Ore_MetricTons``, ``Cu_MetricTons``…), columns ``Means, Max, Min, Median, STD,
  P99, P90, P80, …, P10, P1, Prob of Zero, Prob >= Mean`` (``P90`` = amount exceeded with
  probability 0.9 = the 0.1 quantile; R type-7 quantiles; ``sd`` with ``n − 1``).

References
----------
Shapiro, J., MapMark4GUI user's guide: USGS TM 7-C18. Shapiro, J., and Robinson, G.R., 2019, RAEF:
USGS TM 7-C23, doi:10.3133/tm7C23.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.assessment.gt_data import element_symbol
from critmin.errors import InputError

STATS_COLUMNS = ["Means", "Max", "Min", "Median", "STD", "P99", "P90", "P80", "P70", "P60", "P50", "P40", "P30",
                 "P20", "P10", "P1", "Prob of Zero", "Prob >= Mean"]


def _num(x: float) -> str:
    """R-like number text (15 significant digits)."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "NA"
    return f"{float(x):.15g}"


# ------------------------------------------------------------------------------------------- 05 SIM_EF


def _read_sim_ef_raw(path: str | Path) -> tuple[pd.DataFrame, str, list[str], list[str]]:
    path = Path(path)
    try:
        raw = pd.read_csv(path, na_values=["NA"], keep_default_na=True)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the SIM_EF file ({exc}); expected a MapMark4GUI *_05_SIM_EF.csv",
                         file=path) from exc
    cols = list(raw.columns)
    norm = [c.replace(".", " ").strip().lower() for c in cols]
    try:
        i_sim = norm.index("simulation index")
        i_n = norm.index("number of deposits")
    except ValueError:
        raise InputError(f"columns {cols[:4]} lack Simulation.Index / Number.of.Deposits; expected a MapMark4GUI "
                         "*_05_SIM_EF.csv", file=path) from None
    i_ore = i_n + 2  # after Sim.Deposit.Index
    if i_ore >= len(cols):
        raise InputError("no ore-tonnage column after Sim.Deposit.Index", file=path)
    ore_col = cols[i_ore]
    grade_cols = [c for c in cols if c.replace(" ", "").lower().endswith("_pct")]
    metal_cols = [c for c in cols if c.replace(" ", "").lower().endswith("_metrictons") and c != ore_col]
    raw = raw.rename(columns={cols[i_sim]: "trial", cols[i_n]: "n_deposits", ore_col: "ore_t"})
    for c in ("trial", "n_deposits"):
        bad = raw[c].isna() | (raw[c] < 0)
        if bad.any():
            r = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{c} is missing or negative", file=path, row=r + 1, column=cols[i_sim if c == 'trial'
                                                                                             else i_n])
    return raw, str(path), grade_cols, metal_cols


def read_sim_ef(path: str | Path) -> pd.DataFrame:
    """Per-trial totals of a MapMark4GUI ``*_05_SIM_EF.csv``.

    Returns a frame with ``trial, n_deposits, ore`` and one column per element symbol (contained
    metal t, e.g. ``Cu _MetricTons`` → ``Cu``); ``gangue`` is dropped. Trials with no deposit total
    0 (MapMark4GUI: ``Rsim[is.na(Rsim)] <- 0``). Totals are sums of the file's contained-metal
    columns, as MapMark4GUI's ``_07`` table.

    Raises
    ------
    InputError
        Missing columns, or a trial whose row count disagrees with its number of deposits (row named).
    """
    raw, file, _, metal_cols = _read_sim_ef_raw(path)
    sym = {c: element_symbol(c) for c in metal_cols}
    trial = raw["trial"].to_numpy(dtype=np.int64)
    n = raw["n_deposits"].to_numpy(dtype=np.int64)
    # validate grouping: each trial has max(N, 1) consecutive rows
    change = np.flatnonzero(np.diff(trial) != 0) + 1
    starts = np.concatenate([[0], change])
    counts = np.diff(np.concatenate([starts, [trial.size]]))
    expect = np.maximum(n[starts], 1)
    bad = np.flatnonzero(counts != expect)
    if bad.size:
        b = int(bad[0])
        raise InputError(f"trial {trial[starts[b]]} has {counts[b]} rows but Number.of.Deposits = {n[starts[b]]}",
                         file=file, row=int(starts[b]) + 1)
    out: dict[str, Any] = {"trial": trial[starts], "n_deposits": n[starts]}
    out["ore"] = np.add.reduceat(raw["ore_t"].fillna(0.0).to_numpy(dtype=float), starts)
    for c in metal_cols:
        out[sym[c]] = np.add.reduceat(raw[c].fillna(0.0).to_numpy(dtype=float), starts)
    return pd.DataFrame(out)


def read_sim_ef_deposits(path: str | Path) -> pd.DataFrame:
    """Per-deposit rows of a ``*_05_SIM_EF.csv`` (empty trials dropped) in :class:`SimulationResult`'s
    ``deposits`` layout: ``trial, n_deposits, deposit, ore_t, <El>_pct…, <El>_t…``."""
    raw, _, grade_cols, metal_cols = _read_sim_ef_raw(path)
    raw = raw[raw["n_deposits"] > 0]
    dep_col = [c for c in raw.columns if c.replace(".", " ").strip().lower() == "sim deposit index"]
    out = pd.DataFrame({"trial": raw["trial"].to_numpy(dtype=np.int64),
                        "n_deposits": raw["n_deposits"].to_numpy(dtype=np.int64),
                        "deposit": raw[dep_col[0]].to_numpy(dtype=np.int64) if dep_col else 0,
                        "ore_t": raw["ore_t"].to_numpy(dtype=float)})
    for c in grade_cols:
        out[f"{element_symbol(c)}_pct"] = raw[c].to_numpy(dtype=float)
    for c in metal_cols:
        out[f"{element_symbol(c)}_t"] = raw[c].to_numpy(dtype=float)
    return out


def write_sim_ef(result: Any, path: str | Path) -> Path:
    """Write a :class:`~critmin.assessment.simulate.SimulationResult` (run with ``per_deposit=True``)
    as a MapMark4GUI ``*_05_SIM_EF.csv`` (the RAEF input)."""
    dep = getattr(result, "deposits", None)
    if dep is None:
        raise InputError("the simulation has no per-deposit table; run simulate(..., per_deposit=True)")
    path = Path(path)
    els = list(result.elements)
    n_trial = result.totals["n_deposits"].to_numpy(dtype=np.int64)
    ton = "Ore_mT" if result.tonnage_name == "ore" else f"{result.tonnage_name}_MetricTons"
    header = ["", "Simulation.Index", "Number.of.Deposits", "Sim.Deposit.Index", ton,
              *[f"{e} _pct" for e in els], *(["gangue"] if els else []), *[f"{e} _MetricTons" for e in els]]
    ore_col = "ore_t" if "ore_t" in dep.columns else f"{result.tonnage_name}_t"
    d_trial = dep["trial"].to_numpy(dtype=np.int64)
    if d_trial.size and np.any(np.diff(d_trial) < 0):
        raise InputError("the per-deposit table is not in trial order")
    if not np.array_equal(np.bincount(d_trial, minlength=n_trial.size + 1)[1:], n_trial):
        raise InputError("the per-deposit table does not match the trials' numbers of deposits")
    cols: dict[str, Any] = {
        header[1]: d_trial, header[2]: dep["n_deposits"].to_numpy(dtype=np.int64),
        header[3]: dep["deposit"].to_numpy(dtype=np.int64), header[4]: dep[ore_col].to_numpy(dtype=float)}
    g = [dep[f"{e}_pct"].to_numpy(dtype=float) for e in els]
    for e, v in zip(els, g, strict=True):
        cols[f"{e} _pct"] = v
    if els:
        cols["gangue"] = 100.0 - np.sum(g, axis=0)
    for e in els:
        cols[f"{e} _MetricTons"] = dep[f"{e}_t"].to_numpy(dtype=float)
    full = pd.DataFrame(cols)
    empty = np.flatnonzero(n_trial == 0) + 1
    if empty.size:
        blank = pd.DataFrame({header[1]: empty, header[2]: 0})
        full = pd.concat([full, blank], ignore_index=True)
        full = full.sort_values(header[1], kind="stable", ignore_index=True)
    for c in header[3:4]:
        full[c] = full[c].astype("Int64")
    full.index = np.arange(1, len(full) + 1)
    full.to_csv(path, header=header[1:], index_label="", na_rep="NA", float_format="%.15g", lineterminator="\n")
    return path


# -------------------------------------------------------------------------------------------- 03 PMF


def write_pmf_probs(pmf: Any, path: str | Path) -> Path:
    """Write a deposit-number pmf as MapMark4GUI ``*_03_PMF_Probs.csv`` (``"","NDeposits","RelProbs"``)."""
    path = Path(path)
    with open(path, "w", newline="") as fh:
        fh.write('"","NDeposits","RelProbs"\n')
        for i, (n, p) in enumerate(zip(pmf.support, pmf.probabilities, strict=True), start=1):
            fh.write(f'"{i}",{int(n)},{_num(p)}\n')
    return path


def read_pmf_probs(path: str | Path) -> Any:
    """Read a MapMark4GUI ``*_03_PMF_Probs.csv`` into a :class:`~critmin.assessment.pmf.DepositPmf`.

    Gaps in ``NDeposits`` get probability 0; relative probabilities are normalised to sum to 1
    (the factor is kept in ``parameters["sum_in_file"]``).
    """
    from critmin.assessment.pmf.base import DepositPmf

    path = Path(path)
    try:
        df = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the pmf file ({exc})", file=path) from exc
    if not {"NDeposits", "RelProbs"} <= set(df.columns):
        raise InputError(f"columns {list(df.columns)}; expected NDeposits and RelProbs", file=path)
    n = df["NDeposits"].to_numpy()
    p = df["RelProbs"].to_numpy(dtype=float)
    for i, (a, b) in enumerate(zip(n, p, strict=True)):
        if not np.isfinite(a) or a < 0 or float(a) != int(a):
            raise InputError(f"NDeposits {a!r} is not a whole number ≥ 0", file=path, row=i + 1, column="NDeposits")
        if not np.isfinite(b) or b < 0:
            raise InputError(f"RelProbs {b!r} is not a probability ≥ 0", file=path, row=i + 1, column="RelProbs")
    n = n.astype(np.int64)
    if np.unique(n).size != n.size:
        raise InputError("NDeposits has repeated values", file=path, column="NDeposits")
    lo, hi = int(n.min()), int(n.max())
    dense = np.zeros(hi - lo + 1)
    dense[n - lo] = p
    total = float(dense.sum())
    if total <= 0:
        raise InputError("RelProbs sum to 0", file=path, column="RelProbs")
    return DepositPmf(lo, dense / total, "mapmark4gui-file", {"file": str(path), "sum_in_file": total})


# ------------------------------------------------------------------------------------------ 08 stats


def _row_name(q: str) -> str:
    return ("Ore" if q == "ore" else q) + "_MetricTons"


def write_contained_stats(stats: dict[str, Any], path: str | Path) -> Path:
    """Write :func:`critmin.assessment.statistics.statistics` output as ``*_08_SIM_Contained_Stats.csv``."""
    path = Path(path)
    with open(path, "w", newline="") as fh:  # R write.csv: quoted names, bare numbers
        fh.write(",".join(f'"{c}"' for c in ["", *STATS_COLUMNS]) + "\n")
        for q, s in stats.items():
            ex = s["exceedance"]
            vals = [s["mean"], s["max"], s["min"], s["median"], s["sd"],
                    *(ex[c] for c in STATS_COLUMNS[5:16]), s["p_zero"], s["p_ge_mean"]]
            fh.write(",".join([f'"{_row_name(q)}"', *(_num(v) for v in vals)]) + "\n")
    return path


def read_contained_stats(path: str | Path) -> pd.DataFrame:
    """Read a ``*_08_SIM_Contained_Stats.csv`` (index = quantity symbol: ``ore``, ``Cu``…)."""
    df = pd.read_csv(path, index_col=0)
    df.index = ["ore" if str(i).lower().startswith("ore") else element_symbol(str(i)) for i in df.index]
    return df
