"""Grade–tonnage (GT) data: the known deposits a GT model is fitted to.

Two ways in: MapMark4's CSV layout (:func:`read_gt`) and the knowledge base's inventory records
(:meth:`GTData.from_inventory`). Both validate the same way:

* ore tonnage must be a finite number > 0 (NaN tonnage → :class:`~critmin.errors.InputError`
  naming the row);
* grades are weight percent strictly inside (0, 100) (MapMark4 ``CheckModel``); a grade outside
  → :class:`~critmin.errors.InputError` naming the row and column;
* a *missing* grade (empty cell / NaN) is allowed: it is a by-product that was not reported for
  that deposit. The grade model handles it (see :mod:`critmin.assessment.grades`); MapMark4
  refuses such tables. A grade column with fewer than :data:`MIN_GRADES_PER_ELEMENT` values is
  an error (nothing to fit);
* fewer than :data:`MIN_DEPOSITS_WARNING` deposits (MapMark4's ``minNDeposits = 20``) gives a
  warning in :attr:`GTData.warnings`, not a refusal.

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4: USGS Techniques and Methods 7-C14,
doi:10.3133/tm7C14 (GT CSV layout, ``CheckModel``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import sha256_file, sha256_json

MIN_DEPOSITS_WARNING = 20
"""MapMark4's ``minNDeposits``: below this many deposits the fitted pdfs are poorly constrained
(Ellefsen 2017, TM 7-C14); critmin warns instead of refusing."""

MIN_GRADES_PER_ELEMENT = 3
"""A grade column needs at least this many reported values to fit anything."""

_SYMBOL = re.compile(r"^\s*([A-Z][a-z]?)(?![a-z])")


def element_symbol(header: str) -> str:
    """Element symbol from a grade/contained-metal column header.

    ``"Cu"`` → ``Cu``, ``"Cu Grade (%)"`` → ``Cu``, ``"Cu _pct"`` → ``Cu``, ``"Au _MetricTons"`` → ``Au``.
    Headers that do not start with a symbol are returned stripped.
    """
    m = _SYMBOL.match(header)
    return m.group(1) if m else header.strip()


@dataclass(frozen=True)
class GTData:
    """Known deposits: ids, names, ore tonnage (t) and grades (weight %, NaN = not reported).

    Attributes
    ----------
    ids, names
        One string per deposit.
    ore_t
        Ore tonnage in metric tons (float array, all > 0). For a *tonnage model* (no grade columns,
        e.g. MapMark4's uranium example) it is the contained-metal tonnage named by
        :attr:`tonnage_name`.
    grades_pct
        One column per element symbol, weight percent in (0, 100); NaN where not reported.
    tonnage_name
        ``"ore"`` for a GT model; the element symbol for a tonnage model.
    source, sha256
        Where the data came from and a content hash (file hash or hash of the records).
    warnings
        Non-fatal findings (too few deposits, missing by-product grades).
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    ore_t: np.ndarray
    grades_pct: pd.DataFrame
    tonnage_name: str = "ore"
    source: str = ""
    sha256: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_arrays(
        cls,
        ore_t: Sequence[float] | np.ndarray,
        grades_pct: pd.DataFrame | None = None,
        *,
        ids: Sequence[str] | None = None,
        names: Sequence[str] | None = None,
        tonnage_name: str = "ore",
        source: str = "",
        sha256: str = "",
        file: str | None = None,
        row_offset: int = 0,
    ) -> GTData:
        """Validate and build. ``row_offset`` shifts reported rows (1-based data rows)."""
        ore = np.asarray(ore_t, dtype=float)
        n = ore.size
        grades = (grades_pct if grades_pct is not None else pd.DataFrame(index=range(n))).copy()
        grades = grades.reset_index(drop=True).astype(float)
        if len(grades) != n:
            raise InputError(f"{len(grades)} grade rows for {n} tonnages; expected one grade row per deposit",
                             file=file)
        if n == 0:
            raise InputError("the grade–tonnage table has no deposits; expected at least one data row", file=file)
        for i, v in enumerate(ore):
            if not np.isfinite(v) or v <= 0:
                raise InputError(f"ore tonnage {v!r} is not a positive number; give the tonnage in metric tons > 0",
                                 file=file, row=i + 1 + row_offset, column=tonnage_name)
        warnings: list[str] = []
        for col in grades.columns:
            g = grades[col].to_numpy()
            for i, v in enumerate(g):
                if np.isfinite(v) and not (0.0 < v < 100.0):
                    raise InputError(f"grade {v!r} % is outside (0, 100) %; give grades in weight percent "
                                     "(g/t ÷ 10,000), leave unreported by-products empty",
                                     file=file, row=i + 1 + row_offset, column=str(col))
                if np.isinf(v):
                    raise InputError(f"grade {v!r} is not finite", file=file, row=i + 1 + row_offset,
                                     column=str(col))
            n_obs = int(np.isfinite(g).sum())
            if n_obs < MIN_GRADES_PER_ELEMENT:
                raise InputError(f"only {n_obs} deposits report a {col} grade; at least {MIN_GRADES_PER_ELEMENT} "
                                 "are needed to model it (drop the column or add data)", file=file, column=str(col))
            if n_obs < n:
                warnings.append(f"{col}: {n - n_obs} of {n} deposits have no reported grade (treated as a "
                                "by-product that may be absent; see GradePdf missing_grades)")
        row_sums = grades.fillna(0.0).sum(axis=1).to_numpy()
        for i, s in enumerate(row_sums):
            if s >= 100.0:
                raise InputError(f"grades sum to {s:g} % (≥ 100 %), leaving no gangue; check the units",
                                 file=file, row=i + 1 + row_offset)
        if n < MIN_DEPOSITS_WARNING:
            warnings.append(f"only {n} deposits (MapMark4 requires ≥ {MIN_DEPOSITS_WARNING}); the fitted pdfs are "
                            "poorly constrained — prefer normal pdfs over KDE and report the uncertainty")
        ids_t = tuple(str(x) for x in (ids if ids is not None else [f"D{i + 1}" for i in range(n)]))
        names_t = tuple(str(x) for x in (names if names is not None else ids_t))
        if not sha256:
            sha256 = sha256_json({"ore_t": ore.tolist(), "grades": grades.to_dict(orient="list"), "ids": ids_t})
        return cls(ids=ids_t, names=names_t, ore_t=ore, grades_pct=grades, tonnage_name=tonnage_name,
                   source=source, sha256=sha256, warnings=tuple(warnings))

    @classmethod
    def from_inventory(
        cls,
        frame: pd.DataFrame,
        *,
        site: str = "site_id",
        name: str | None = "name",
        commodity: str = "commodity",
        ore: str = "ore_t",
        grade: str = "grade_pct",
        commodities: Sequence[str] | None = None,
        source: str = "inventory",
    ) -> GTData:
        """Build from knowledge-base inventory records (long format: one row per site × commodity).

        Rule per site: the inventory with the **largest ore tonnage** is the deposit's size (the
        most complete inventory, as in USGS GT compilations); each commodity's grade is taken from
        the rows with that tonnage (tonnage-weighted mean when several). Commodities the site does
        not report at that tonnage stay NaN (missing by-product grade). Rows without ``ore_t``
        are ignored; sites with no tonnage at all are dropped.

        Parameters
        ----------
        frame
            Columns named by ``site``, ``commodity``, ``ore`` (t), ``grade`` (%), optional ``name``.
        commodities
            Element symbols to keep as grade columns (default: all, in order of first appearance).
        """
        missing = [c for c in (site, commodity, ore, grade) if c not in frame.columns]
        if missing:
            raise InputError(f"inventory frame lacks column(s) {missing}; expected {site}, {commodity}, {ore}, "
                             f"{grade}", column=missing[0])
        df = frame.copy()
        df["_row"] = np.arange(1, len(df) + 1)
        df[ore] = pd.to_numeric(df[ore], errors="coerce")
        df[grade] = pd.to_numeric(df[grade], errors="coerce")
        df = df[np.isfinite(df[ore].to_numpy(dtype=float))]
        if commodities is None:
            commodities = list(dict.fromkeys(str(c) for c in df[commodity]))
        ids: list[str] = []
        names: list[str] = []
        ores: list[float] = []
        rows: list[dict[str, float]] = []
        first_rows: list[int] = []
        for sid, g in df.groupby(site, sort=False):
            big = g[ore].max()
            top = g[g[ore] == big]
            rec: dict[str, float] = {}
            for c in commodities:
                sel = top[(top[commodity].astype(str) == c) & np.isfinite(top[grade].to_numpy(dtype=float))]
                rec[c] = float(np.average(sel[grade], weights=sel[ore])) if len(sel) else np.nan
            ids.append(str(sid))
            names.append(str(g[name].iloc[0]) if name and name in g.columns else str(sid))
            ores.append(float(big))
            rows.append(rec)
            first_rows.append(int(top["_row"].iloc[0]))
        grades = pd.DataFrame(rows, columns=list(commodities))
        grades = grades.loc[:, grades.notna().any(axis=0)] if len(grades) else grades
        try:
            return cls.from_arrays(ores, grades, ids=ids, names=names, source=source)
        except InputError as exc:
            if exc.row is not None:  # map back to the frame's row
                raise InputError(exc.detail + f" (site {ids[exc.row - 1]!r})", row=first_rows[exc.row - 1],
                                 column=exc.column) from None
            raise

    # ------------------------------------------------------------------ views

    @property
    def n(self) -> int:
        """Number of deposits."""
        return int(self.ore_t.size)

    @property
    def elements(self) -> list[str]:
        """Grade columns (element symbols) in order."""
        return [str(c) for c in self.grades_pct.columns]

    @property
    def is_tonnage_model(self) -> bool:
        """True when there are no grades (the tonnage is contained metal)."""
        return self.grades_pct.shape[1] == 0

    @property
    def has_missing_grades(self) -> bool:
        """True when at least one grade is not reported."""
        return bool(self.grades_pct.isna().to_numpy().any())

    def to_frame(self) -> pd.DataFrame:
        """MapMark4 layout: ``ID, Name, <tonnage>, <grades %>``."""
        out = pd.DataFrame({"ID": list(self.ids), "Name": list(self.names),
                            ("Ore" if self.tonnage_name == "ore" else self.tonnage_name): self.ore_t})
        return pd.concat([out, self.grades_pct.reset_index(drop=True)], axis=1)

    def summary(self) -> dict[str, Any]:
        """Counts, medians and the log-tonnage mean/sd (JSON-safe)."""
        ln = np.log(self.ore_t)
        return {
            "n_deposits": self.n,
            "tonnage_name": self.tonnage_name,
            "elements": self.elements,
            "median_ore_t": float(np.median(self.ore_t)),
            "mean_ln_ore": float(ln.mean()),
            "sd_ln_ore": float(ln.std(ddof=1)) if self.n > 1 else float("nan"),
            "median_grade_pct": {c: float(self.grades_pct[c].median()) for c in self.elements},
            "n_reported": {c: int(self.grades_pct[c].notna().sum()) for c in self.elements},
            "warnings": list(self.warnings),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary plus provenance."""
        return {**self.summary(), "source": self.source, "sha256": self.sha256}


def read_gt(path: str | Path) -> GTData:
    """Read a GT table in MapMark4's layout: ``ID, Name, <ore t>, <grade % per element>…``.

    The first two columns are identifiers (any header), the third is the tonnage in metric tons,
    the rest are grades in weight percent whose headers start with the element symbol (``Cu``,
    ``Cu Grade (%)``). Without grade columns the file is a *tonnage model* and the third header
    names the material (e.g. ``U``). Empty grade cells are unreported by-products.

    Raises
    ------
    InputError
        Fewer than three columns, duplicate element columns, non-numeric cells, NaN or non-positive
        tonnage, grades outside (0, 100) % — naming the file, 1-based data row and column.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the GT table ({exc}); expected a CSV file", file=path) from exc
    if raw.shape[1] < 3:
        raise InputError(f"{raw.shape[1]} columns; expected ID, Name, ore tonnage (t), then grades in %", file=path)
    cols = list(raw.columns)
    ton_header = cols[2]
    symbols = [element_symbol(c) for c in cols[3:]]
    dup = {s for s in symbols if symbols.count(s) > 1}
    if dup:
        raise InputError(f"element column(s) {sorted(dup)} appear twice; expected one grade column per element",
                         file=path)

    def numeric(col: str, allow_empty: bool) -> np.ndarray:
        out = np.empty(len(raw))
        for i, text in enumerate(raw[col]):
            t = text.strip()
            if t == "" or t.upper() in ("NA", "NAN"):
                if not allow_empty:
                    raise InputError("tonnage is missing (NaN); every deposit needs an ore tonnage in metric tons",
                                     file=path, row=i + 1, column=col)
                out[i] = np.nan
                continue
            try:
                out[i] = float(t.replace(",", "")) if t.count(",") and "." in t else float(t)
            except ValueError:
                raise InputError(f"{text!r} is not a number", file=path, row=i + 1, column=col) from None
        return out

    ore = numeric(ton_header, allow_empty=False)
    grades = pd.DataFrame({s: numeric(c, allow_empty=True) for s, c in zip(symbols, cols[3:], strict=True)},
                          index=range(len(raw)))
    tonnage_name = "ore" if symbols else element_symbol(ton_header)
    try:
        return GTData.from_arrays(ore, grades, ids=list(raw[cols[0]]), names=list(raw[cols[1]]),
                                  tonnage_name=tonnage_name, source=str(path), sha256=sha256_file(path),
                                  file=str(path))
    except InputError as exc:
        if exc.column is not None and exc.column in symbols:
            exc = InputError(exc.detail, file=exc.file, row=exc.row, column=cols[3 + symbols.index(exc.column)])
        raise exc from None


def read_cited_gt(path: str | Path, grade: str) -> GTData:
    """Read a cited GT table: ``#`` comment lines, then columns ``deposit_id, name, ore_t, <grade>_pct`` (others,
    such as ``country_iso3``, ``category``, ``year`` and ``citation``, are kept in the file but not used).

    This is the layout of compilations typed from publications, one citation per row (e.g. the worked example's
    ``carbonatite_ree_gt.csv``). Grades are weight percent of ``grade`` (an element symbol or an oxide basis
    such as ``TREO``).

    Raises
    ------
    InputError
        Missing columns, non-numeric or non-positive tonnage, grades outside (0, 100) % — naming the file, the
        1-based data row (comment lines not counted) and the column.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the GT table ({exc}); expected a CSV file", file=path) from exc
    gcol = f"{grade}_pct"
    missing = [c for c in ("deposit_id", "name", "ore_t", gcol) if c not in raw.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected deposit_id, name, ore_t, {gcol}",
                         file=path, column=missing[0])
    values = {}
    for col in ("ore_t", gcol):
        nums = pd.to_numeric(raw[col].str.strip(), errors="coerce")
        bad = np.flatnonzero(nums.isna().to_numpy())
        if bad.size:
            i = int(bad[0])
            raise InputError(f"{raw[col].iloc[i]!r} is not a number", file=path, row=i + 1, column=col)
        values[col] = nums.to_numpy(float)
    try:
        return GTData.from_arrays(values["ore_t"], pd.DataFrame({grade: values[gcol]}), ids=list(raw["deposit_id"]),
                                  names=list(raw["name"]), source=str(path), sha256=sha256_file(path),
                                  file=str(path))
    except InputError as exc:
        column = gcol if exc.column == grade else exc.column
        raise InputError(exc.detail, file=exc.file, row=exc.row, column=column) from None
