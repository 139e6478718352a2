"""Quantitative mineral resource assessment: the USGS three-part method (pure domain package).

This module re-exports the public names of its submodules lazily (PEP 562), so importing one submodule
does not import them all.
(The functions ``simulate`` and ``statistics`` are not re-exported: they would shadow their modules.)
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS: dict[str, str] = {
    "AggregationResult": "critmin.assessment.aggregate",
    "AssessmentRun": "critmin.assessment.run",
    "DepositDensityEstimate": "critmin.assessment.deposit_density",
    "DepositEstimates": "critmin.assessment.estimates",
    "DepositMoments": "critmin.assessment.gt_model",
    "DepositPmf": "critmin.assessment.pmf",
    "DepthInterval": "critmin.assessment.economic_filter",
    "EconomicFilterResult": "critmin.assessment.economic_filter",
    "EconomicParameters": "critmin.assessment.economic_filter",
    "GTData": "critmin.assessment.gt_data",
    "GTModel": "critmin.assessment.gt_model",
    "GradePdf": "critmin.assessment.grades",
    "SimulationResult": "critmin.assessment.simulate",
    "TonnagePdf": "critmin.assessment.tonnage",
    "UnderdispersedError": "critmin.assessment.pmf",
    "aggregate_pmfs": "critmin.assessment.aggregate",
    "aggregate_totals": "critmin.assessment.aggregate",
    "custom_pmf": "critmin.assessment.pmf",
    "density_model": "critmin.assessment.deposit_density",
    "economic_filter": "critmin.assessment.economic_filter",
    "estimate_deposit_count": "critmin.assessment.deposit_density",
    "fit_density_regression": "critmin.assessment.deposit_density",
    "fit_negative_binomial": "critmin.assessment.pmf",
    "mark3_pmf": "critmin.assessment.pmf",
    "moment_check": "critmin.assessment.statistics",
    "moment_table": "critmin.assessment.statistics",
    "negative_binomial_pmf": "critmin.assessment.pmf",
    "poisson_pmf": "critmin.assessment.pmf",
    "read_contained_stats": "critmin.assessment.mapmark4_files",
    "read_control_tracts": "critmin.assessment.deposit_density",
    "read_correlation_matrix": "critmin.assessment.aggregate",
    "read_estimates": "critmin.assessment.estimates",
    "read_gt": "critmin.assessment.gt_data",
    "read_pmf_csv": "critmin.assessment.pmf",
    "read_pmf_probs": "critmin.assessment.mapmark4_files",
    "read_sim_ef": "critmin.assessment.mapmark4_files",
    "read_sim_ef_deposits": "critmin.assessment.mapmark4_files",
    "run_assessment": "critmin.assessment.run",
    "write_contained_stats": "critmin.assessment.mapmark4_files",
    "write_pmf_probs": "critmin.assessment.mapmark4_files",
    "write_sim_ef": "critmin.assessment.mapmark4_files",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
