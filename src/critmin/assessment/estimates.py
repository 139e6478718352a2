"""Expert estimates of the number of undiscovered deposits: one row per assessor, N90 ≤ N50 ≤ N10 with a weight.

The table is MapMark4's ``nDepEst``: CSV columns ``Name, Weight, N90, N50, N10``, where P(N ≥ N90) = 0.9,
P(N ≥ N50) = 0.5 and P(N ≥ N10) = 0.1 for each assessor, and the weight multiplies that assessor's cost in the
negative-binomial fit (1 = normal, > 1 expert, < 1 novice, 0.01 = outlier).

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4: U.S. Geological Survey Techniques and Methods 7-C14,
doi:10.3133/tm7C14.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import sha256_file, sha256_json

__all__ = ["ESTIMATE_COLUMNS", "DepositEstimates", "read_estimates"]

ESTIMATE_COLUMNS = ("Name", "Weight", "N90", "N50", "N10")


@dataclass(frozen=True)
class DepositEstimates:
    """Weighted expert estimates (one per assessor) of the number of undiscovered deposits.

    Parameters
    ----------
    names
        Assessor identifiers.
    weights
        Positive, finite weights.
    n90, n50, n10
        Whole numbers of deposits with P(N ≥ N90) = 0.9, P(N ≥ N50) = 0.5, P(N ≥ N10) = 0.1 and
        N90 ≤ N50 ≤ N10 in every row.
    source
        File the estimates were read from, if any (used in error messages and provenance).
    sha256
        Content hash of that file (or of the values when built in memory).

    Raises
    ------
    InputError
        On a bad value, naming the 1-based row (and the file when known).
    """

    names: tuple[str, ...]
    weights: np.ndarray
    n90: np.ndarray
    n50: np.ndarray
    n10: np.ndarray
    source: str | None = None
    sha256: str = ""

    def __post_init__(self) -> None:
        names = tuple(str(n) for n in self.names)
        m = len(names)
        if m == 0:
            raise InputError("no expert estimates given; need at least one row Name, Weight, N90, N50, N10",
                             file=self.source)
        arrays: dict[str, np.ndarray] = {}
        for col, values in (("Weight", self.weights), ("N90", self.n90), ("N50", self.n50), ("N10", self.n10)):
            arr = np.asarray(values, dtype=object).ravel()
            if arr.size != m:
                raise InputError(f"{col} has {arr.size} values but there are {m} assessors", file=self.source)
            out = np.empty(m, dtype=float)
            for i, v in enumerate(arr.tolist()):
                out[i] = _number(v, col, self.source, i + 1)
            arrays[col] = out
        for i in range(m):
            row = i + 1
            w = arrays["Weight"][i]
            if w <= 0:
                raise InputError(
                    f"assessor {names[i]!r} has weight {w:g}; weights must be > 0 (give an outlier a small weight "
                    "such as 0.01, or delete the row)",
                    file=self.source, row=row, column="Weight",
                )
            for col in ("N90", "N50", "N10"):
                v = arrays[col][i]
                if v < 0 or v != math.floor(v):
                    raise InputError(
                        f"{col} = {v:g} for assessor {names[i]!r}; numbers of deposits must be whole numbers ≥ 0",
                        file=self.source, row=row, column=col,
                    )
            a, b, c = arrays["N90"][i], arrays["N50"][i], arrays["N10"][i]
            if a > b or b > c:
                wrong = "N90 > N50" if a > b else "N50 > N10"
                raise InputError(
                    f"assessor {names[i]!r} gives N90={a:g}, N50={b:g}, N10={c:g} ({wrong}); N90 is the number "
                    "with a 90 % chance of at least that many deposits, so N90 ≤ N50 ≤ N10 — swap the columns",
                    file=self.source, row=row, column="N90" if a > b else "N50",
                )
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "weights", _frozen(arrays["Weight"]))
        object.__setattr__(self, "n90", _frozen(arrays["N90"].astype(np.int64)))
        object.__setattr__(self, "n50", _frozen(arrays["N50"].astype(np.int64)))
        object.__setattr__(self, "n10", _frozen(arrays["N10"].astype(np.int64)))
        if not self.sha256:
            object.__setattr__(self, "sha256", sha256_json(self.to_dict()["rows"]))

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]], *, source: str | None = None) -> DepositEstimates:
        """Build from rows ``(name, weight, n90, n50, n10)``."""
        cols = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
        if len(cols) != 5:
            raise InputError("each estimate row needs 5 values: Name, Weight, N90, N50, N10", file=source)
        return cls(names=tuple(cols[0]), weights=np.array(cols[1], dtype=object), n90=np.array(cols[2], dtype=object),
                   n50=np.array(cols[3], dtype=object), n10=np.array(cols[4], dtype=object), source=source)

    def __len__(self) -> int:
        return len(self.names)

    def weighted_means(self) -> dict[str, float]:
        """Weight-averaged N90, N50 and N10 (the NB fit's grid uses the N90 and N10 means)."""
        w = self.weights
        return {k: float(np.sum(v * w) / np.sum(w)) for k, v in (("N90", self.n90), ("N50", self.n50),
                                                                   ("N10", self.n10))}

    def to_frame(self) -> pd.DataFrame:
        """MapMark4's ``nDepEst`` data frame: ``Name, Weight, N90, N50, N10``."""
        return pd.DataFrame({"Name": list(self.names), "Weight": self.weights, "N90": self.n90,
                             "N50": self.n50, "N10": self.n10})

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (rows as lists)."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "rows": [
                [n, float(w), int(a), int(b), int(c)]
                for n, w, a, b, c in zip(self.names, self.weights, self.n90, self.n50, self.n10, strict=True)
            ],
        }


def read_estimates(path: str | Path, *, zero_weights: Literal["error", "drop"] = "error") -> DepositEstimates:
    """Read a MapMark4 estimates CSV (``Name, Weight, N90, N50, N10``; one row per assessor).

    Parameters
    ----------
    path
        CSV file. Column names are matched without regard to case or surrounding spaces; an R row-name
        column (empty header) in front is ignored; other extra columns are refused.
    zero_weights
        ``"error"`` (default) refuses a zero weight, naming the row; ``"drop"`` removes such rows first,
        as MapMark4 does silently.

    Returns
    -------
    DepositEstimates

    Raises
    ------
    InputError
        Missing columns, a missing or non-numeric value, a negative or fractional number of deposits,
        N90 > N50 or N50 > N10, or a non-positive weight — each naming the file, row and column.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"estimates file not found: {p}", file=p)
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the estimates CSV ({exc}); expected columns {', '.join(ESTIMATE_COLUMNS)}",
                         file=p) from None
    cols = [str(c).strip() for c in df.columns]
    if cols and (cols[0] == "" or cols[0].startswith("Unnamed:")):
        df = df.iloc[:, 1:]
        cols = cols[1:]
    lower = {c.lower(): i for i, c in enumerate(cols)}
    missing = [c for c in ESTIMATE_COLUMNS if c.lower() not in lower]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(cols) or 'none'}; "
            f"expected the MapMark4 layout {', '.join(ESTIMATE_COLUMNS)}",
            file=p,
        )
    extra = [c for c in cols if c.lower() not in {x.lower() for x in ESTIMATE_COLUMNS}]
    if extra:
        raise InputError(f"unexpected column(s) {', '.join(extra)}; expected {', '.join(ESTIMATE_COLUMNS)}", file=p)
    data = {c: df.iloc[:, lower[c.lower()]].str.strip().tolist() for c in ESTIMATE_COLUMNS}
    rows = list(range(1, len(df) + 1))
    if zero_weights == "drop":
        keep = []
        for i, w in enumerate(data["Weight"]):
            if _number(w, "Weight", str(p), i + 1) != 0:
                keep.append(i)
        data = {k: [v[i] for i in keep] for k, v in data.items()}
        rows = [rows[i] for i in keep]
    elif zero_weights != "error":
        raise InputError(f"zero_weights must be 'error' or 'drop'; got {zero_weights!r}")
    try:
        est = DepositEstimates(
            names=tuple(data["Name"]),
            weights=np.array(data["Weight"], dtype=object),
            n90=np.array(data["N90"], dtype=object),
            n50=np.array(data["N50"], dtype=object),
            n10=np.array(data["N10"], dtype=object),
            source=str(p),
            sha256=sha256_file(p),
        )
    except InputError as exc:
        if exc.row is not None and exc.row - 1 < len(rows):  # map back to the file's data row after drops
            raise InputError(exc.detail, file=p, row=rows[exc.row - 1], column=exc.column) from None
        raise
    return est


def _number(value: Any, column: str, source: str | None, row: int) -> float:
    if isinstance(value, str):
        text = value.strip()
        if text == "" or text.upper() in {"NA", "NAN"}:
            raise InputError(f"{column} is missing", file=source, row=row, column=column)
        try:
            out = float(text)
        except ValueError:
            raise InputError(f"{column} must be a number; got {value!r}", file=source, row=row, column=column) \
                from None
    else:
        try:
            out = float(value)
        except (TypeError, ValueError):
            raise InputError(f"{column} must be a number; got {value!r}", file=source, row=row, column=column) \
                from None
    if not math.isfinite(out):
        raise InputError(f"{column} must be a finite number; got {value!r}", file=source, row=row, column=column)
    return out


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a
