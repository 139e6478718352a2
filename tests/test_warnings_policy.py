"""Warnings from our own code are errors (``filterwarnings`` in ``[tool.pytest.ini_options]``).

The filters match on the module a warning is attributed to, so a warning counts as ours when the frame that
triggers it is in ``critmin.*``. These tests run real numpy and pandas code in a module namespace called
``critmin._probe`` and check it fails, and check that the third-party noise we silence stays silent while
third-party warnings in general are not turned into errors.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

PROBE = "critmin._probe"


def _run_as_critmin(source: str, **names: object) -> None:
    """Execute ``source`` as if it were a module of critmin (warnings are attributed to ``critmin._probe``)."""
    exec(compile(source, "critmin/_probe.py", "exec"), {"__name__": PROBE, **names})


@pytest.mark.parametrize(
    "category",
    [DeprecationWarning, PendingDeprecationWarning, FutureWarning, UserWarning, RuntimeWarning,
     pd.errors.ChainedAssignmentError, pd.errors.PerformanceWarning, pd.errors.DtypeWarning,
     pd.errors.ParserWarning],
)
def test_warning_raised_in_critmin_code_is_an_error(category: type[Warning]) -> None:
    with pytest.raises(category, match="probe"):
        _run_as_critmin("import warnings\nwarnings.warn('probe', category)\n", category=category)


def test_numpy_floating_point_warning_in_critmin_code_is_an_error() -> None:
    with pytest.raises(RuntimeWarning, match="divide by zero"):
        _run_as_critmin("import numpy as np\nnp.log(np.zeros(1))\n")


def test_pandas_chained_assignment_in_critmin_code_is_an_error() -> None:
    with pytest.raises(pd.errors.ChainedAssignmentError):
        _run_as_critmin("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\ndf['a'][0] = 5\n")


def test_third_party_warnings_are_not_errors() -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn_explicit("not ours", UserWarning, "somelib/x.py", 1, module="somelib.x")
    assert [str(w.message) for w in seen] == ["not ours"]


def test_starlette_httpx_notice_is_silenced_precisely() -> None:
    from starlette.exceptions import StarletteDeprecationWarning

    message = "Using `httpx` with `starlette.testclient` is deprecated; install `httpx2` instead."
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn_explicit(message, StarletteDeprecationWarning, "fastapi/testclient.py", 1,
                               module="fastapi.testclient")
        warnings.warn_explicit("another starlette deprecation", StarletteDeprecationWarning, "starlette/x.py", 1,
                               module="starlette.routing")
    assert [str(w.message) for w in seen] == ["another starlette deprecation"]
