"""``critmin econ``: Project economics: evaluate a project file, sensitivities, Monte Carlo, reports.

Exit codes: 0 ok, 1 bad input, 2 bad usage.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Project economics: evaluate a project file, sensitivities, Monte Carlo, reports.",
    no_args_is_help=True,
)
