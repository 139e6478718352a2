"""Tonnage pdf of one undiscovered deposit (MapMark4 ``TonnagePdf`` semantics).

The pdf lives in natural-log space:

* ``"normal"`` — lognormal: ln(t) ~ N(mean, sd) with the sample mean and the sample standard
  deviation (``ddof = 1``, R ``sd``) of the observed ln tonnages;
* ``"kde"`` — Gaussian kernel density estimate of ln(t) with R's default bandwidth ``bw.nrd0``
  (Silverman's rule of thumb, ``0.9 · min(sd, IQR/1.34) · n^(-1/5)``, the bandwidth MapMark4 takes
  from ``density()``); sampled by drawing an observed ln tonnage uniformly and adding N(0, bw²).

Optional truncation at the observed minimum and maximum (rejection, as MapMark4 ``isTruncated``).

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4: USGS Techniques and Methods 7-C14, doi:10.3133/tm7C14.
Silverman, B.W., 1986, Density estimation for statistics and data analysis: Chapman & Hall, eq. 3.31,
doi:10.1201/9781315140919.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats

PdfType = Literal["normal", "kde"]


def bw_nrd0(x: np.ndarray) -> float:
    """R's ``bw.nrd0``: ``0.9 · min(sd, IQR/1.34) · n^(-1/5)`` (falls back like R for degenerate data)."""
    x = np.asarray(x, dtype=float)
    if x.size < 2:
        raise ValueError("need at least 2 data points to select a bandwidth")
    hi = np.std(x, ddof=1)
    q75, q25 = np.quantile(x, [0.75, 0.25])
    lo = min(hi, (q75 - q25) / 1.34)
    if not lo > 0:
        lo = hi or abs(x[0]) or 1.0
    return float(0.9 * lo * x.size ** -0.2)


def truncated_draws(draw, accept, rng: np.random.Generator, n: int) -> np.ndarray:
    """Rejection-sample ``n`` draws along the **last** axis.

    ``draw(rng, m)`` gives ``m`` candidates (shape ``(..., m)``), ``accept(c)`` a boolean mask of
    length ``m``. Batches are sized from the running acceptance rate.
    """
    out: list[np.ndarray] = []
    have = 0
    rate = 1.0
    while have < n:
        m = int((n - have) / rate * 1.05) + 16
        cand = draw(rng, m)
        ok = accept(cand)
        rate = max(float(ok.mean()), 1e-3)
        kept = cand[..., ok][..., : n - have]
        out.append(kept)
        have += kept.shape[-1]
    return np.concatenate(out, axis=-1) if len(out) > 1 else out[0]


@dataclass(frozen=True)
class TonnagePdf:
    """Fitted pdf of ln(tonnage).

    Attributes
    ----------
    pdf_type
        ``"normal"`` or ``"kde"``.
    log_t
        Observed ln tonnages (t).
    mean_ln, sd_ln
        Sample mean and standard deviation (ddof = 1) of ``log_t`` (the lognormal parameters).
    bandwidth
        KDE bandwidth in ln units (``bw.nrd0``); NaN for ``"normal"``.
    truncate
        Truncate at the observed range.
    """

    pdf_type: PdfType
    log_t: np.ndarray
    mean_ln: float
    sd_ln: float
    bandwidth: float
    truncate: bool

    @classmethod
    def fit(cls, ore_t: np.ndarray, *, pdf_type: PdfType = "normal", truncate: bool = False) -> TonnagePdf:
        """Fit to observed tonnages (metric tons, all > 0)."""
        if pdf_type not in ("normal", "kde"):
            raise ValueError(f"pdf_type {pdf_type!r}; expected 'normal' or 'kde'")
        lt = np.log(np.asarray(ore_t, dtype=float))
        bw = bw_nrd0(lt) if pdf_type == "kde" else float("nan")
        return cls(pdf_type, lt, float(lt.mean()), float(lt.std(ddof=1)), bw, truncate)

    # ------------------------------------------------------------------ sampling

    def _draw_log(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.pdf_type == "normal":
            return self.mean_ln + self.sd_ln * rng.standard_normal(n)
        idx = rng.integers(0, self.log_t.size, n)
        return self.log_t[idx] + self.bandwidth * rng.standard_normal(n)

    def sample_log(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws of ln(tonnage)."""
        if not self.truncate:
            return self._draw_log(rng, n)
        lo, hi = float(self.log_t.min()), float(self.log_t.max())
        return truncated_draws(self._draw_log, lambda c: (c >= lo) & (c <= hi), rng, n)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws of tonnage (t)."""
        return np.exp(self.sample_log(rng, n))

    # ------------------------------------------------------------------ the pdf itself

    def cdf_log(self, x: np.ndarray) -> np.ndarray:
        """CDF of ln(tonnage) (exact for both pdf types, including truncation)."""
        x = np.asarray(x, dtype=float)
        if self.pdf_type == "normal":
            raw = lambda v: stats.norm.cdf(v, self.mean_ln, self.sd_ln)  # noqa: E731
        else:
            raw = lambda v: stats.norm.cdf(  # noqa: E731
                (np.asarray(v)[..., None] - self.log_t) / self.bandwidth).mean(axis=-1)
        if not self.truncate:
            return np.asarray(raw(x), dtype=float)
        lo, hi = float(self.log_t.min()), float(self.log_t.max())
        a, b = raw(lo), raw(hi)
        return np.asarray(np.clip((raw(np.clip(x, lo, hi)) - a) / (b - a), 0.0, 1.0), dtype=float)

    def analytic_moments(self) -> tuple[float, float] | None:
        """Mean and variance of tonnage (t) in closed form, or None when truncated."""
        if self.truncate:
            return None
        if self.pdf_type == "normal":
            m, s2 = self.mean_ln, self.sd_ln**2
            return float(np.exp(m + s2 / 2)), float((np.exp(s2) - 1) * np.exp(2 * m + s2))
        h2 = self.bandwidth**2  # mixture of lognormals
        e1 = np.exp(self.log_t + h2 / 2).mean()
        e2 = np.exp(2 * self.log_t + 2 * h2).mean()
        return float(e1), float(e2 - e1**2)

    # ------------------------------------------------------------------ diagnostics

    def diagnostics(self) -> dict[str, Any]:
        """Fit diagnostics: KS statistic and p-value of the observed ln tonnages against the pdf,
        and Q-Q data (observed sorted ln t vs the pdf's quantiles at plotting positions (i−0.5)/n).

        The KS p-value is optimistic because the pdf was fitted to the same data (Lilliefors).
        """
        x = np.sort(self.log_t)
        n = x.size
        ks = stats.kstest(x, self.cdf_log)  # type: ignore[arg-type]  # a vectorised CDF is accepted at run time
        pp = (np.arange(1, n + 1) - 0.5) / n
        grid = np.linspace(x[0] - 6 * max(self.sd_ln, 1e-9), x[-1] + 6 * max(self.sd_ln, 1e-9), 4001)
        cdf = self.cdf_log(grid)
        theo = np.interp(pp, cdf, grid)
        return {
            "pdf_type": self.pdf_type,
            "truncate": self.truncate,
            "n": int(n),
            "mean_ln": self.mean_ln,
            "sd_ln": self.sd_ln,
            "bandwidth_ln": None if np.isnan(self.bandwidth) else self.bandwidth,
            "bandwidth_rule": "bw.nrd0 (Silverman 1986, R density() default)" if self.pdf_type == "kde" else None,
            "ks_statistic": float(ks.statistic),
            "ks_pvalue": float(ks.pvalue),
            "qq": {"observed_ln": x.tolist(), "model_ln": theo.tolist()},
        }

    def to_dict(self) -> dict[str, Any]:
        """Parameters (JSON-safe)."""
        return {"pdf_type": self.pdf_type, "truncate": self.truncate, "mean_ln": self.mean_ln,
                "sd_ln": self.sd_ln, "bandwidth_ln": None if np.isnan(self.bandwidth) else self.bandwidth,
                "n": int(self.log_t.size)}
