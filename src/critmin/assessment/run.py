"""One tract's three-part assessment from its inputs: fit the GT model, simulate, summarise, check, filter.

:func:`run_assessment` is the composition shared by ``critmin assess simulate`` and ``critmin assess report``
(and any other caller): given a deposit-number pmf and grade–tonnage data it fits the
:class:`~critmin.assessment.gt_model.GTModel`, runs the seeded Monte Carlo simulation, computes the USGS-style
statistics and the compound-sum moment check and, optionally, applies the RAEF-style economic filter to the
simulated deposits. The result, :class:`AssessmentRun`, holds every intermediate object (so plots and reports
can draw from them) and a provenance record whose ``inputs_sha256`` depends only on the inputs and options —
not on when the run was made — so it identifies a run that can be reproduced bit for bit with the same seed.

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4: USGS Techniques and Methods 7-C14, doi:10.3133/tm7C14.
Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments: an integrated approach:
Oxford University Press, doi:10.1093/oso/9780195399592.001.0001.
Shapiro, J.L., and Robinson, G.R., Jr., 2019, Resource Assessment Economic Filter (RAEF): USGS Techniques
and Methods 7-C23, doi:10.3133/tm7C23.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from critmin.assessment.economic_filter import EconomicFilterResult, EconomicParameters, economic_filter
from critmin.assessment.gt_data import GTData
from critmin.assessment.gt_model import GTModel
from critmin.assessment.pmf import DepositPmf
from critmin.assessment.simulate import SimulationResult, pmf_content, simulate
from critmin.assessment.statistics import moment_check
from critmin.assessment.tonnage import PdfType
from critmin.provenance import RunRecord, sha256_json, utcnow

__all__ = ["AssessmentRun", "pmf_fingerprint", "run_assessment"]


def pmf_fingerprint(pmf: DepositPmf) -> dict[str, Any]:
    """The pmf's content without its time-stamped provenance (the basis of a reproducible inputs hash)."""
    d = pmf_content(pmf)
    if pmf.provenance is not None:
        d["inputs_sha256"] = pmf.provenance.inputs_sha256
    return d


@dataclass(frozen=True)
class AssessmentRun:
    """Everything one assessment run produced.

    Attributes
    ----------
    tract
        Name of the permissive tract (free text; may be empty).
    pmf, gt, model
        The deposit-number pmf, the GT data and the GT model fitted to it.
    result
        The simulation (per-trial totals; per-deposit draws when the economic filter ran).
    statistics
        USGS-style statistics keyed by quantity (``ore``, element symbols).
    moment_check
        Simulated vs closed-form mean and variance (:func:`critmin.assessment.statistics.moment_check`).
    options
        GT-model options (``tonnage_pdf``, ``grade_pdf``, ``truncate``, ``joint``).
    economic
        The economic-filter result, or None when the filter was not applied.
    provenance
        ``assessment.run`` record: ``inputs_sha256`` hashes the GT data, pmf and options (reproducible);
        parents are the simulation's (and filter's) input hashes.
    """

    tract: str
    pmf: DepositPmf
    gt: GTData
    model: GTModel
    result: SimulationResult
    statistics: dict[str, Any]
    moment_check: dict[str, Any]
    options: dict[str, Any]
    economic: EconomicFilterResult | None
    provenance: RunRecord

    @property
    def trials(self) -> int:
        """Number of Monte Carlo trials."""
        return self.result.trials

    @property
    def seed(self) -> int:
        """Seed of the simulation (and of the economic filter's depth draws)."""
        return self.result.seed

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: trials, seed, statistics, moment check, pmf summary, GT summary, options, provenance
        (the simulation's record) and ``run_provenance``; ``economic`` when the filter ran."""
        doc: dict[str, Any] = {
            "tract": self.tract, "trials": self.trials, "seed": self.seed, "statistics": self.statistics,
            "moment_check": self.moment_check, "pmf": {**self.pmf.summary(), "method": self.pmf.method},
            "gt_model": self.gt.summary(), "options": dict(self.options),
            "provenance": self.result.provenance.to_dict(), "run_provenance": self.provenance.to_dict(),
        }
        if self.economic is not None:
            doc["economic"] = self.economic.to_dict()
        return doc


def run_assessment(pmf: DepositPmf, gt: GTData, *, trials: int, seed: int, tonnage_pdf: PdfType = "normal",
                   grade_pdf: PdfType = "normal", truncate: bool = False, joint: bool = False,
                   per_deposit: bool = False, economic: EconomicParameters | None = None, tract: str = "",
                   progress: Callable[[int, int], None] | None = None, chunk_trials: int | None = None,
                   workers: int | None = None) -> AssessmentRun:
    """Fit, simulate, summarise, check (and optionally filter) one tract.

    Parameters
    ----------
    pmf
        Number of undiscovered deposits.
    gt
        Known deposits (:func:`critmin.assessment.gt_data.read_gt` or :meth:`GTData.from_inventory`).
    trials, seed
        Monte Carlo trials and seed; the same seed reproduces the run bit for bit.
    tonnage_pdf, grade_pdf, truncate, joint
        GT-model options (:meth:`critmin.assessment.gt_model.GTModel.fit`).
    per_deposit
        Keep every simulated deposit (always on when ``economic`` is given).
    economic
        Apply the economic filter with these parameters (its depth draws use ``seed``).
    tract
        Tract name, carried into the result and its provenance.
    progress
        ``progress(done, trials)`` during the simulation.
    chunk_trials, workers
        Streaming chunk size and threads of the simulation; neither changes the result.

    Returns
    -------
    AssessmentRun
    """
    started = utcnow()
    options = {"tonnage_pdf": tonnage_pdf, "grade_pdf": grade_pdf, "truncate": bool(truncate),
               "joint": bool(joint)}
    model = GTModel.fit(gt, tonnage_pdf=tonnage_pdf, grade_pdf=grade_pdf, truncate=truncate, joint=joint)
    keep = per_deposit or economic is not None
    extra: dict[str, Any] = {} if chunk_trials is None else {"chunk_trials": chunk_trials}
    res = simulate(pmf, model, trials=trials, seed=seed, per_deposit=keep, progress=progress, workers=workers,
                   **extra)
    stats = res.statistics()
    check = moment_check(res, pmf, model)
    econ = None
    parents = [res.provenance.inputs_sha256]
    if economic is not None:
        assert res.deposits is not None  # per_deposit=True above
        econ = economic_filter(res.deposits, economic, seed=seed, trials=res.totals["trial"].tolist())
        parents.append(econ.provenance.inputs_sha256)
    params: dict[str, Any] = {"tract": tract, "trials": trials, **options, "per_deposit": keep,
                              "economic": None if economic is None else economic.to_dict()}
    inputs = sha256_json({"gt_sha256": gt.sha256, "pmf": pmf_fingerprint(pmf), "parameters": params})
    record = RunRecord.create("assessment.run", inputs_sha256=inputs, parameters=params, seed=seed,
                              parents=parents, started_at=started)
    return AssessmentRun(tract, pmf, gt, model, res, stats, check, options, econ, record)
