"""Probability mass functions (pmfs) of the number of undiscovered deposits in a permissive tract.

Builders: :func:`mark3_pmf` (Mark3, 3/5/7/9 thresholds), :func:`fit_negative_binomial` (MapMark4's fit to
weighted expert N90/N50/N10 estimates), :func:`negative_binomial_pmf` (given mean and sd), :func:`poisson_pmf`,
:func:`custom_pmf` and :func:`read_pmf_csv`. Each returns a :class:`DepositPmf`.
"""

from critmin.assessment.pmf.base import DepositPmf, UnderdispersedError
from critmin.assessment.pmf.custom import custom_pmf, read_pmf_csv
from critmin.assessment.pmf.mark3 import MARK3_EXCEEDANCE, MARK3_LEVEL_NAMES, mark3_pmf
from critmin.assessment.pmf.negative_binomial import (
    NelderMeadResult,
    fit_negative_binomial,
    negative_binomial_pmf,
    r_nelder_mead,
)
from critmin.assessment.pmf.poisson import poisson_pmf

__all__ = [
    "MARK3_EXCEEDANCE",
    "MARK3_LEVEL_NAMES",
    "DepositPmf",
    "NelderMeadResult",
    "UnderdispersedError",
    "custom_pmf",
    "fit_negative_binomial",
    "mark3_pmf",
    "negative_binomial_pmf",
    "poisson_pmf",
    "r_nelder_mead",
    "read_pmf_csv",
]
