"""``critmin prospect``: Prospectivity: weights of evidence, fuzzy overlay, machine learning, validation.

Exit codes: 0 ok, 1 bad input, 2 bad usage.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Prospectivity: weights of evidence, fuzzy overlay, machine learning, validation.",
    no_args_is_help=True,
)
