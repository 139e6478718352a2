"""Custom pmfs of the number of undiscovered deposits: given values and probabilities, or read from a CSV.

``read_pmf_csv`` reads either a two-column table (number of deposits, probability) or a MapMark4GUI
``*_03_PMF_Probs.csv`` (R ``write.csv`` output: a row-name column, ``NDeposits``, ``RelProbs``).

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4: U.S. Geological Survey Techniques and Methods 7-C14,
doi:10.3133/tm7C14 (``NDepositsPmf("Custom", list(nDeposits, relProbabilities))``).

Shapiro, J.L., User's guide for MapMark4GUI: U.S. Geological Survey Techniques and Methods 7-C18 (file layouts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.assessment.pmf.base import SUM_TOLERANCE, DepositPmf, integer_array
from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_file, sha256_json

__all__ = ["custom_pmf", "read_pmf_csv"]

_N_NAMES = ("ndeposits", "n_deposits", "n", "deposits", "number", "number_of_deposits", "ndep", "x")
_P_NAMES = ("relprobs", "probability", "probabilities", "prob", "probs", "p", "relprobabilities", "pmf")


def custom_pmf(
    values: Sequence[int] | np.ndarray,
    probabilities: Sequence[float] | np.ndarray,
    *,
    normalize: bool = False,
) -> DepositPmf:
    """A pmf that puts the given probabilities on the given numbers of deposits.

    Parameters
    ----------
    values
        Distinct whole numbers of deposits ≥ 0, in any order; numbers between them not listed get 0.
    probabilities
        P(N = value), non-negative; they must sum to 1 (within 1e-6) unless ``normalize`` is True.
    normalize
        Treat ``probabilities`` as relative weights (MapMark4 ``relProbabilities``) and divide by their sum.

    Returns
    -------
    DepositPmf
        ``method="custom"``, support min(values) … max(values).

    Raises
    ------
    InputError
        Lengths differ, a value is negative, fractional or repeated, a probability is negative or not finite,
        all are zero, or they do not sum to 1 (without ``normalize``). The message names the 1-based entry.

    References
    ----------
    Ellefsen (2017), USGS TM 7-C14, doi:10.3133/tm7C14.
    """
    return _custom(values, probabilities, normalize=normalize, file=None, row_offset=1, sha=None)


def _custom(values: Any, probabilities: Any, *, normalize: bool, file: str | None, row_offset: int,
            sha: str | None) -> DepositPmf:
    n = integer_array(values, "number of deposits", file=file, row_offset=row_offset)
    p = np.asarray(probabilities, dtype=object).ravel()
    if n.size != p.size:
        raise InputError(f"{n.size} numbers of deposits but {p.size} probabilities; give one probability each",
                         file=file)
    if n.size == 0:
        raise InputError("a custom pmf needs at least one number of deposits", file=file)
    pf = np.empty(p.size)
    for i, v in enumerate(p.tolist()):
        try:
            pf[i] = float(v)
        except (TypeError, ValueError):
            raise InputError(f"probability must be a number; got {v!r}", file=file, row=i + row_offset) from None
        if not math.isfinite(pf[i]):
            raise InputError(f"probability is missing or not finite ({v!r})", file=file, row=i + row_offset)
        if pf[i] < 0:
            raise InputError(f"probability must be ≥ 0; got {v!r}", file=file, row=i + row_offset)
    uniq = np.unique(n)
    if uniq.size != n.size:
        seen: set[int] = set()
        for i, v in enumerate(n.tolist()):
            if v in seen:
                raise InputError(f"number of deposits {v} is listed twice", file=file, row=i + row_offset)
            seen.add(v)
    total = float(pf.sum())
    if total <= 0:
        raise InputError("all probabilities are zero", file=file)
    if not normalize and abs(total - 1.0) > SUM_TOLERANCE:
        raise InputError(
            f"probabilities sum to {total:.10g}, not 1; fix them, or pass normalize=True to treat them as "
            "relative probabilities", file=file,
        )
    dense = np.zeros(int(uniq[-1] - uniq[0]) + 1)
    dense[n - uniq[0]] = pf / total
    params = {"values": [int(v) for v in n], "probabilities": [float(v) for v in pf], "normalized": bool(normalize)}
    if file is not None:
        params["source"] = file
    record = RunRecord.create("assessment.pmf.custom", inputs_sha256=sha or sha256_json(params),
                              parameters={"normalize": bool(normalize)})
    return DepositPmf(n_min=int(uniq[0]), probabilities=dense, method="custom", parameters=params, provenance=record)


def read_pmf_csv(path: str | Path, *, normalize: bool = False) -> DepositPmf:
    """Read a pmf of the number of deposits from a CSV file.

    Accepted layouts: a MapMark4GUI ``*_03_PMF_Probs.csv`` (``"", "NDeposits", "RelProbs"``), or any table whose
    columns are named like ``N``/``n_deposits``/``NDeposits`` and ``probability``/``p``/``RelProbs``, or exactly
    two columns (number of deposits, probability) in that order, with or without a header.

    Parameters
    ----------
    path
        The CSV file.
    normalize
        Accept probabilities that do not sum to 1 and rescale them (relative probabilities).

    Returns
    -------
    DepositPmf
        ``method="custom"``; ``parameters["source"]`` is the file; provenance carries its SHA-256.

    Raises
    ------
    InputError
        Unreadable file, unrecognised columns, or a bad value (naming the 1-based data row).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"pmf file not found: {p}", file=p)
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the pmf CSV ({exc})", file=p) from None
    cols = [str(c).strip() for c in df.columns]
    key = [c.lower().replace(" ", "_").replace(".", "_") for c in cols]
    n_col = next((i for i, c in enumerate(key) if c in _N_NAMES), None)
    p_col = next((i for i, c in enumerate(key) if c in _P_NAMES), None)
    row_offset = 1
    if n_col is None or p_col is None:
        data_cols = [i for i, c in enumerate(cols) if not (c == "" or c.startswith("Unnamed:"))]
        if len(data_cols) != 2:
            raise InputError(
                f"cannot tell which columns hold the number of deposits and the probability (found "
                f"{', '.join(cols)}); use two columns N, probability or MapMark4GUI's NDeposits, RelProbs", file=p)
        if _is_number(cols[data_cols[0]]) and _is_number(cols[data_cols[1]]):  # no header line
            df = pd.read_csv(p, dtype=str, keep_default_na=False, header=None, skipinitialspace=True)
            row_offset = 1
        n_col, p_col = data_cols
    values = df.iloc[:, n_col].str.strip().tolist()
    probs = df.iloc[:, p_col].str.strip().tolist()
    for i, v in enumerate(probs):
        if v == "" or v.upper() in {"NA", "NAN"}:
            raise InputError("probability is missing", file=p, row=i + row_offset, column=cols[p_col] or None)
    return _custom(values, probs, normalize=normalize, file=str(p), row_offset=row_offset, sha=sha256_file(p))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
