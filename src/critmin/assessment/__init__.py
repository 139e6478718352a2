"""Quantitative mineral resource assessment: the USGS three-part method (pure domain package).

This module only re-exports the public names of its submodules; each helper appends its own names.
(The functions ``simulate`` and ``statistics`` are not re-exported: they would shadow their modules.)
"""

from critmin.assessment.aggregate import AggregationResult, aggregate_pmfs, aggregate_totals, read_correlation_matrix
from critmin.assessment.deposit_density import (
    DepositDensityEstimate,
    density_model,
    estimate_deposit_count,
    fit_density_regression,
    read_control_tracts,
)
from critmin.assessment.economic_filter import (
    DepthInterval,
    EconomicFilterResult,
    EconomicParameters,
    economic_filter,
)
from critmin.assessment.estimates import DepositEstimates, read_estimates
from critmin.assessment.grades import GradePdf
from critmin.assessment.gt_data import GTData, read_gt
from critmin.assessment.gt_model import DepositMoments, GTModel
from critmin.assessment.mapmark4_files import (
    read_contained_stats,
    read_pmf_probs,
    read_sim_ef,
    read_sim_ef_deposits,
    write_contained_stats,
    write_pmf_probs,
    write_sim_ef,
)
from critmin.assessment.pmf import (
    DepositPmf,
    UnderdispersedError,
    custom_pmf,
    fit_negative_binomial,
    mark3_pmf,
    negative_binomial_pmf,
    poisson_pmf,
    read_pmf_csv,
)
from critmin.assessment.run import AssessmentRun, run_assessment
from critmin.assessment.simulate import SimulationResult
from critmin.assessment.statistics import moment_check, moment_table
from critmin.assessment.tonnage import TonnagePdf

__all__ = [
    "AggregationResult",
    "AssessmentRun",
    "DepositDensityEstimate",
    "DepositEstimates",
    "DepositMoments",
    "DepositPmf",
    "DepthInterval",
    "EconomicFilterResult",
    "EconomicParameters",
    "GTData",
    "GTModel",
    "GradePdf",
    "SimulationResult",
    "TonnagePdf",
    "UnderdispersedError",
    "aggregate_pmfs",
    "aggregate_totals",
    "custom_pmf",
    "density_model",
    "economic_filter",
    "estimate_deposit_count",
    "fit_density_regression",
    "fit_negative_binomial",
    "mark3_pmf",
    "moment_check",
    "moment_table",
    "negative_binomial_pmf",
    "poisson_pmf",
    "read_contained_stats",
    "read_control_tracts",
    "read_correlation_matrix",
    "read_estimates",
    "read_gt",
    "read_pmf_csv",
    "read_pmf_probs",
    "read_sim_ef",
    "read_sim_ef_deposits",
    "run_assessment",
    "write_contained_stats",
    "write_pmf_probs",
    "write_sim_ef",
]
