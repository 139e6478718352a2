"""Grade pdf of one undiscovered deposit (MapMark4 ``GradePdf`` semantics, plus missing grades).

Grades (weight %) ÷ 100 and the **gangue** (1 − Σ grades) form a composition of D = k + 1 parts.
It is mapped to k isometric log-ratio (ilr) coordinates with a Helmert-type orthonormal basis
(column i: ``−1/sqrt(i(i+1))`` on parts 1…i, ``i/sqrt(i(i+1))`` on part i+1, as ``compositions::ilrBase``),
and modelled there:

* ``"normal"`` — multivariate normal with the sample mean and covariance (``ddof = 1``) of the
  ilr coordinates (MapMark4). The distribution does not depend on the choice of ilr basis;
* ``"kde"`` — Gaussian KDE of the ilr coordinates with the **normal-scale bandwidth matrix**
  ``H = (4 / (n (d + 2)))^(2/(d+4)) · S`` (``ks::Hns``; Duong 2007). MapMark4 uses the plug-in
  matrix ``ks::Hpi``, which is usually somewhat smaller, so KDE draws match MapMark4's only in
  distribution, approximately. Unlike MapMark4 there is no 6-grade limit.

Optional truncation at the observed range of every part (each grade and the gangue), as MapMark4.

**Missing (unreported) by-product grades** — MapMark4 refuses them. Here the mean and covariance
are estimated by EM for a multivariate normal in additive log-ratio coordinates ``ln(g_j/gangue)``
(a linear bijection of the ilr coordinates), missing values are replaced by their conditional
means (KDE kernel centres), and ``missing_grades`` chooses how simulated deposits treat them:

* ``"zero"`` (default) — each simulated deposit takes the presence pattern of a uniformly drawn
  observed deposit, and absent by-products get grade 0 (the share of deposits reporting an element
  is preserved; an unreported by-product contributes no contained metal — the conservative USGS
  reading);
* ``"impute"`` — treat missing values as missing at random: every simulated deposit has every
  element.

References
----------
Ellefsen, K.J., 2017, MapMark4 user's guide: USGS TM 7-C14, doi:10.3133/tm7C14.
Egozcue, J.J., and others, 2003, Isometric logratio transformations for compositional data analysis:
Mathematical Geology 35(3):279–300, doi:10.1023/A:1023818214614.
Duong, T., 2007, ks: Kernel density estimation and kernel discriminant analysis for multivariate data
in R: Journal of Statistical Software 21(7), doi:10.18637/jss.v021.i07.
Dempster, A.P., Laird, N.M., Rubin, D.B., 1977, Maximum likelihood from incomplete data via the EM
algorithm: JRSS B 39(1):1–38, doi:10.1111/j.2517-6161.1977.tb01600.x.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from critmin.assessment.tonnage import PdfType, truncated_draws

MissingGrades = Literal["zero", "impute"]


def ilr_basis(n_parts: int) -> np.ndarray:
    """Orthonormal Helmert-type ilr basis, shape (D, D−1); columns sum to zero."""
    d = n_parts
    v = np.zeros((d, d - 1))
    for i in range(1, d):
        v[:i, i - 1] = -1.0 / np.sqrt(i * (i + 1))
        v[i, i - 1] = i / np.sqrt(i * (i + 1))
    return v


def hns(z: np.ndarray) -> np.ndarray:
    """Normal-scale KDE bandwidth matrix ``(4/(n(d+2)))^(2/(d+4)) · cov`` (``ks::Hns``)."""
    n, d = z.shape
    return (4.0 / (n * (d + 2))) ** (2.0 / (d + 4)) * np.atleast_2d(np.cov(z, rowvar=False))


def _em_alr(g: np.ndarray, iters: int = 200, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM estimate (mean, covariance) of alr = ln(g/gangue) with missing grades; returns completed grades too.

    ``g`` is (n, k) in fractions with NaN for missing.
    """
    n, k = g.shape
    miss = ~np.isfinite(g)
    gm = np.exp(np.nanmean(np.log(g), axis=0))
    gc = np.where(miss, gm, g)
    mu = np.zeros(k)
    cov = np.eye(k)
    for _ in range(iters):
        y = np.log(gc) - np.log1p(-gc.sum(axis=1))[:, None]
        if _ == 0:
            mu, cov = y.mean(axis=0), np.cov(y, rowvar=False).reshape(k, k) + 1e-12 * np.eye(k)
        extra = np.zeros((k, k))
        yh = y.copy()
        for i in np.flatnonzero(miss.any(axis=1)):
            m, o = miss[i], ~miss[i]
            if o.any():
                soo = cov[np.ix_(o, o)]
                smo = cov[np.ix_(m, o)]
                w = np.linalg.solve(soo, smo.T).T
                yh[i, m] = mu[m] + w @ (y[i, o] - mu[o])
                extra[np.ix_(m, m)] += cov[np.ix_(m, m)] - w @ smo.T
            else:
                yh[i, m] = mu[m]
                extra[np.ix_(m, m)] += cov[np.ix_(m, m)]
        new_mu = yh.mean(axis=0)
        dev = yh - new_mu
        new_cov = (dev.T @ dev + extra) / (n - 1)
        # completed grades: observed fixed, missing from alr with the gangue closing the composition
        s_obs = np.where(miss, 0.0, g).sum(axis=1)
        e = np.where(miss, np.exp(yh), 0.0)
        gangue = (1.0 - s_obs) / (1.0 + e.sum(axis=1))
        gc = np.where(miss, e * gangue[:, None], g)
        done = np.max(np.abs(new_mu - mu)) < tol and np.max(np.abs(new_cov - cov)) < tol
        mu, cov = new_mu, new_cov
        if done or not miss.any():
            break
    return mu, cov, gc


@dataclass(frozen=True)
class GradePdf:
    """Fitted pdf of the grades of one deposit (ilr coordinates of grades + gangue).

    Attributes
    ----------
    elements
        Element symbols (grade columns).
    pdf_type, truncate, missing_grades
        Options as fitted.
    z
        (n, k) ilr coordinates of the observed (completed) compositions — KDE kernel centres.
    mean_z, cov_z
        Mean vector and covariance of the ilr coordinates (EM estimates when grades are missing).
    bandwidth
        (k, k) KDE bandwidth matrix (``ks::Hns``), or None for ``"normal"``.
    presence
        (n, k) booleans: grade reported. All True without missing grades.
    lo_frac, hi_frac
        Observed range of each part (k grades then gangue), fractions, for truncation.
    """

    elements: tuple[str, ...]
    pdf_type: PdfType
    truncate: bool
    missing_grades: MissingGrades
    z: np.ndarray
    mean_z: np.ndarray
    cov_z: np.ndarray
    bandwidth: np.ndarray | None
    presence: np.ndarray
    lo_frac: np.ndarray
    hi_frac: np.ndarray

    @classmethod
    def fit(cls, grades_pct: pd.DataFrame, *, pdf_type: PdfType = "normal", truncate: bool = False,
            missing_grades: MissingGrades = "zero") -> GradePdf:
        """Fit to a (deposits × elements) frame of grades in % (NaN = not reported)."""
        if pdf_type not in ("normal", "kde"):
            raise ValueError(f"pdf_type {pdf_type!r}; expected 'normal' or 'kde'")
        if missing_grades not in ("zero", "impute"):
            raise ValueError(f"missing_grades {missing_grades!r}; expected 'zero' or 'impute'")
        g = grades_pct.to_numpy(dtype=float) / 100.0
        k = g.shape[1]
        if k == 0:
            raise ValueError("no grade columns: a tonnage model has no grade pdf")
        presence = np.isfinite(g)
        mu_y, cov_y, gc = _em_alr(g)
        b = ilr_basis(k + 1)[:k, :]  # z = alr @ b
        y = np.log(gc) - np.log1p(-gc.sum(axis=1))[:, None]
        z = y @ b
        mean_z = mu_y @ b
        cov_z = b.T @ cov_y @ b
        if presence.all():  # complete data: plain sample moments (MapMark4); else the EM estimates
            mean_z, cov_z = z.mean(axis=0), np.atleast_2d(np.cov(z, rowvar=False))
        bw = hns(z) if pdf_type == "kde" else None
        parts = np.column_stack([g, 1.0 - np.nansum(g, axis=1)])
        return cls(tuple(str(c) for c in grades_pct.columns), pdf_type, truncate, missing_grades, z, mean_z,
                   cov_z, bw, presence, np.nanmin(parts, axis=0), np.nanmax(parts, axis=0))

    @property
    def k(self) -> int:
        """Number of grades."""
        return len(self.elements)

    # ------------------------------------------------------------------ transforms
    # Sampling works in a (parts, n) layout: reductions over a few parts of millions of deposits
    # are then element-wise operations on contiguous rows.

    def to_fractions(self, z: np.ndarray) -> np.ndarray:
        """Inverse ilr: (m, k) coordinates → (m, k + 1) parts (grades then gangue) as fractions."""
        return self.to_fractions_t(np.ascontiguousarray(np.asarray(z, dtype=float).T)).T

    def to_fractions_t(self, zt: np.ndarray) -> np.ndarray:
        """Inverse ilr in (parts, n) layout: (k, m) → (k + 1, m) fractions."""
        lg = ilr_basis(self.k + 1) @ zt
        top = lg[0].copy()
        for row in lg[1:]:
            np.maximum(top, row, out=top)
        lg -= top
        np.exp(lg, out=lg)
        total = lg[0].copy()
        for row in lg[1:]:
            total += row
        lg /= total
        return lg

    def draw_z_t(self, rng: np.random.Generator, m: int) -> tuple[np.ndarray, np.ndarray]:
        """Untruncated draws of z, shape (k, m), and the data row whose kernel/presence pattern each uses."""
        n = self.z.shape[0]
        if self.pdf_type == "kde":
            assert self.bandwidth is not None
            idx = rng.integers(0, n, m)
            zt = np.linalg.cholesky(self.bandwidth) @ rng.standard_normal((self.k, m))
            zt += self.z.T[:, idx]
            return zt, idx
        zt = np.linalg.cholesky(self.cov_z) @ rng.standard_normal((self.k, m))
        zt += self.mean_z[:, None]
        idx = rng.integers(0, n, m) if not self.presence.all() else np.zeros(m, dtype=np.int64)
        return zt, idx

    def within_range_t(self, parts_t: np.ndarray) -> np.ndarray:
        """Columns of ``parts_t`` (fractions incl. gangue, (k + 1, m)) inside every part's observed range."""
        ok = np.ones(parts_t.shape[1], dtype=bool)
        for j in range(self.k + 1):
            ok &= (parts_t[j] >= self.lo_frac[j]) & (parts_t[j] <= self.hi_frac[j])
        return ok

    def finish_t(self, parts_t: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Parts (fractions, (k + 1, m)) → grades % (m, k) with absent by-products zeroed (``"zero"``)."""
        g = parts_t[: self.k] * 100.0
        if self.missing_grades == "zero" and not self.presence.all():
            g *= self.presence.T[:, idx]
        return g.T

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` grade vectors in weight %, shape (n, k) (column-major)."""
        if not self.truncate:
            zt, idx = self.draw_z_t(rng, n)
            return self.finish_t(self.to_fractions_t(zt), idx)

        def draw(r: np.random.Generator, m: int) -> np.ndarray:
            zt, idx = self.draw_z_t(r, m)
            return np.vstack([self.to_fractions_t(zt), idx[None, :].astype(float)])

        out = truncated_draws(draw, lambda c: self.within_range_t(c[:-1]), rng, n)
        return self.finish_t(out[:-1], out[-1].astype(np.int64))

    # ------------------------------------------------------------------ diagnostics

    def diagnostics(self, rng: np.random.Generator | None = None, n_samples: int = 200_000) -> dict[str, Any]:
        """Per-element fit diagnostics on ln(grade) of reported grades: two-sample KS statistic
        against ``n_samples`` pdf draws (nonzero grades), and Q-Q data (observed sorted ln grade vs
        pdf quantiles at (i − 0.5)/n)."""
        rng = rng or np.random.default_rng(0)
        sim = self.sample(rng, n_samples)
        out: dict[str, Any] = {"pdf_type": self.pdf_type, "truncate": self.truncate,
                               "missing_grades": self.missing_grades,
                               "bandwidth_rule": "ks::Hns normal scale" if self.pdf_type == "kde" else None,
                               "elements": {}}
        parts = self.to_fractions(self.z)
        for j, el in enumerate(self.elements):
            obs = np.sort(np.log(parts[self.presence[:, j], j] * 100.0))
            s = sim[:, j]
            s = np.log(s[s > 0])
            pp = (np.arange(1, obs.size + 1) - 0.5) / obs.size
            ks = stats.ks_2samp(obs, s)
            out["elements"][el] = {
                "n_reported": int(obs.size),
                "ks_statistic": float(ks.statistic),
                "ks_pvalue": float(ks.pvalue),
                "qq": {"observed_ln_pct": obs.tolist(), "model_ln_pct": np.quantile(s, pp).tolist()},
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        """Parameters (JSON-safe)."""
        return {"elements": list(self.elements), "pdf_type": self.pdf_type, "truncate": self.truncate,
                "missing_grades": self.missing_grades, "ilr_mean": self.mean_z.tolist(),
                "ilr_cov": self.cov_z.tolist(),
                "bandwidth": None if self.bandwidth is None else self.bandwidth.tolist(),
                "share_reported": self.presence.mean(axis=0).tolist()}
