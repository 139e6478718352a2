"""``critmin supply``: Supply chains: concentration, criticality, export-control scenarios, the NdFeB chain.

Exit codes: 0 ok, 1 bad input, 2 bad usage.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Supply chains: concentration, criticality, export-control scenarios, the NdFeB chain.",
    no_args_is_help=True,
)
