"""Grade–tonnage model of one undiscovered deposit: tonnage pdf + grade pdf, or a joint pdf.

* ``joint=False`` (MapMark4): tonnage and grades are drawn **independently** (``TonnagePdf`` and
  ``GradePdf``), so simulated tonnage and grades are uncorrelated.
* ``joint=True`` (after the GTK MapWizard ``TonGradePdf.R`` fork): the vector (ln tonnage, ilr
  grades) is modelled jointly — multivariate normal with the sample mean/covariance, or a Gaussian
  KDE with the normal-scale bandwidth matrix (``ks::Hns``) — so tonnage and grades correlate as in
  the data. With missing grades the grade block of the covariance is the EM estimate of
  :class:`~critmin.assessment.grades.GradePdf` and the cross-covariances use the completed grades.

:meth:`GTModel.moments` gives the mean vector and covariance of (tonnage, contained metal per
element) for one deposit from an **independent** large sample (its own seed stream), never from
a simulation's draws; the tonnage moments are also available in closed form
(:meth:`~critmin.assessment.tonnage.TonnagePdf.analytic_moments`).

References
----------
Ellefsen, K.J., 2017, MapMark4 user's guide: USGS TM 7-C14, doi:10.3133/tm7C14.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from critmin.assessment.grades import GradePdf, MissingGrades, hns
from critmin.assessment.gt_data import GTData
from critmin.assessment.tonnage import PdfType, TonnagePdf, truncated_draws
from critmin.provenance import sha256_json

MOMENT_SAMPLES = 2_000_000
"""Default size of the independent sample behind :meth:`GTModel.moments`."""
MOMENT_SEED = 0x4D4F4D  # "MOM"
"""Default entropy of the moment sample's stream (mixed with the caller's seed when given)."""


@dataclass(frozen=True)
class DepositMoments:
    """Mean vector and covariance of (tonnage, contained metal t per element) for one deposit.

    ``mean_se`` and ``cov_se`` are batch-means standard errors of the estimates (20 batches);
    ``method`` says how they were obtained.
    """

    quantities: tuple[str, ...]
    mean: np.ndarray
    cov: np.ndarray
    mean_se: np.ndarray
    cov_se: np.ndarray
    n_samples: int
    method: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe."""
        return {"quantities": list(self.quantities), "mean": self.mean.tolist(), "cov": self.cov.tolist(),
                "mean_se": self.mean_se.tolist(), "cov_se": self.cov_se.tolist(), "n_samples": self.n_samples,
                "method": self.method}


@dataclass(frozen=True)
class GTModel:
    """A fitted grade–tonnage model; ``sample(rng, n)`` draws ``n`` deposits.

    Attributes
    ----------
    tonnage
        The tonnage pdf (its parameters are the marginal fit even when ``joint``).
    grades
        The grade pdf, or None for a tonnage model (no grades).
    joint
        Draw ln tonnage and ilr grades from one joint pdf.
    tonnage_name, elements
        Quantity names: ``"ore"`` (or the tonnage model's material) and element symbols.
    """

    tonnage: TonnagePdf
    grades: GradePdf | None
    joint: bool
    tonnage_name: str
    elements: list[str]
    data_sha256: str = ""
    warnings: tuple[str, ...] = ()
    _joint_mean: np.ndarray | None = field(default=None, repr=False)
    _joint_cov: np.ndarray | None = field(default=None, repr=False)
    _joint_data: np.ndarray | None = field(default=None, repr=False)
    _joint_bw: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def fit(cls, gt: GTData, *, tonnage_pdf: PdfType = "normal", grade_pdf: PdfType = "normal",
            truncate: bool = False, joint: bool = False, missing_grades: MissingGrades = "zero") -> GTModel:
        """Fit the pdfs to a GT table (see the module docstring for the options)."""
        ton = TonnagePdf.fit(gt.ore_t, pdf_type=tonnage_pdf, truncate=truncate)
        grades = None if gt.is_tonnage_model else GradePdf.fit(gt.grades_pct, pdf_type=grade_pdf,
                                                               truncate=truncate, missing_grades=missing_grades)
        jm = jc = jd = jb = None
        if joint and grades is not None:
            w = np.column_stack([ton.log_t, grades.z])
            jm = w.mean(axis=0)
            jc = np.cov(w, rowvar=False)
            jc[1:, 1:] = grades.cov_z
            jm[1:] = grades.mean_z
            jd = w
            if tonnage_pdf == "kde" or grade_pdf == "kde":
                jb = hns(w)
        return cls(ton, grades, bool(joint and grades is not None), gt.tonnage_name, gt.elements, gt.sha256,
                   gt.warnings, jm, jc, jd, jb)

    @property
    def quantities(self) -> list[str]:
        """Totals columns: tonnage name then elements."""
        return [self.tonnage_name, *self.elements]

    # ------------------------------------------------------------------ sampling

    def _draw_joint(self, rng: np.random.Generator, m: int) -> np.ndarray:
        """Rows: ln t, k + 1 parts (fractions), data row index — shape (k + 3, m)."""
        g = self.grades
        assert g is not None and self._joint_data is not None and self._joint_cov is not None
        n = self._joint_data.shape[0]
        if self._joint_bw is not None:
            idx = rng.integers(0, n, m)
            wt = np.linalg.cholesky(self._joint_bw) @ rng.standard_normal((g.k + 1, m))
            wt += self._joint_data.T[:, idx]
        else:
            assert self._joint_mean is not None
            wt = np.linalg.cholesky(self._joint_cov) @ rng.standard_normal((g.k + 1, m))
            wt += self._joint_mean[:, None]
            idx = rng.integers(0, n, m) if not g.presence.all() else np.zeros(m, dtype=np.int64)
        return np.vstack([wt[:1], g.to_fractions_t(wt[1:]), idx[None, :].astype(float)])

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` deposits: ore tonnage (t), shape (n,), and grades (weight %), shape (n, k)."""
        g = self.grades
        if g is None:
            return self.tonnage.sample(rng, n), np.empty((n, 0))
        if not self.joint:
            return self.tonnage.sample(rng, n), g.sample(rng, n)
        if self.tonnage.truncate:
            lo, hi = float(self.tonnage.log_t.min()), float(self.tonnage.log_t.max())
            out = truncated_draws(self._draw_joint,
                                  lambda c: (c[0] >= lo) & (c[0] <= hi) & g.within_range_t(c[1:-1]), rng, n)
        else:
            out = self._draw_joint(rng, n)
        return np.exp(out[0]), g.finish_t(out[1:-1], out[-1].astype(np.int64))

    # ------------------------------------------------------------------ moments

    def moments(self, *, n_samples: int = MOMENT_SAMPLES, seed: int | None = None) -> DepositMoments:
        """Mean and covariance of (tonnage, contained metal t per element) for one deposit.

        Estimated from an independent sample of ``n_samples`` deposits drawn with the stream
        ``SeedSequence([MOMENT_SEED, seed])`` — a different stream from any simulation's
        (``SeedSequence(seed).spawn``) — in 20 batches whose spread gives the standard errors.
        """
        entropy = [MOMENT_SEED] if seed is None else [MOMENT_SEED, int(seed)]
        rng = np.random.default_rng(np.random.SeedSequence(entropy))
        b = 20
        per = max(n_samples // b, 1000)
        means, covs = [], []
        for _ in range(b):
            ore, gr = self.sample(rng, per)
            x = np.column_stack([ore, ore[:, None] * gr / 100.0])
            means.append(x.mean(axis=0))
            covs.append(np.atleast_2d(np.cov(x, rowvar=False)))
        m = np.asarray(means)
        c = np.asarray(covs)
        return DepositMoments(tuple(self.quantities), m.mean(axis=0), c.mean(axis=0),
                              m.std(axis=0, ddof=1) / np.sqrt(b), c.std(axis=0, ddof=1) / np.sqrt(b), per * b,
                              "independent Monte Carlo sample (batch means)")

    # ------------------------------------------------------------------ reporting

    def diagnostics(self) -> dict[str, Any]:
        """Fit diagnostics of the tonnage and grade pdfs (KS statistics, Q-Q data)."""
        out: dict[str, Any] = {"tonnage": self.tonnage.diagnostics()}
        if self.grades is not None:
            out["grades"] = self.grades.diagnostics()
        if self.joint and self._joint_cov is not None:
            sd = np.sqrt(np.diag(self._joint_cov))
            out["joint_correlation"] = (self._joint_cov / np.outer(sd, sd)).tolist()
        return out

    def to_dict(self) -> dict[str, Any]:
        """Parameters and provenance hash (JSON-safe)."""
        d: dict[str, Any] = {"tonnage_name": self.tonnage_name, "elements": list(self.elements),
                             "joint": self.joint, "tonnage": self.tonnage.to_dict(),
                             "grades": None if self.grades is None else self.grades.to_dict(),
                             "data_sha256": self.data_sha256, "warnings": list(self.warnings)}
        if self.joint and self._joint_cov is not None:
            d["joint_mean"] = self._joint_mean.tolist() if self._joint_mean is not None else None
            d["joint_cov"] = self._joint_cov.tolist()
        d["sha256"] = sha256_json(d)
        return d
