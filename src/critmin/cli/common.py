"""Shared CLI helpers: error handling with exit codes, Rich progress, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from critmin.errors import CritminError
from critmin.progress import Progress as ProgressCallback
from critmin.progress import no_progress

err_console = Console(stderr=True)
console = Console(soft_wrap=True)  # no hard wraps inside paths and ids when piped

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`CritminError` into a one-line message on stderr and exit code 1."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CritminError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper


def print_json(obj: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n")


@contextmanager
def rich_progress(description: str, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A progress callback rendered as a Rich bar on stderr (silent when disabled or not a TTY)."""
    if not enabled or not err_console.is_terminal:
        yield no_progress
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[msg]}"), console=err_console, transient=False) as bar:
        task = bar.add_task(description, total=None, msg="")

        def update(done: int, total: int | None, message: str = "") -> None:
            bar.update(task, completed=done, total=total, msg=message[:40])

        yield update


def key_values(items: list[str] | None, hint: str, example: str = "Cu=8000") -> dict[str, float]:
    """``KEY=NUMBER`` options (repeated) as a dict; a malformed item is a usage error naming the option."""
    out: dict[str, float] = {}
    for item in items or []:
        key, sep, val = item.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            out[key.strip()] = float(val)
        except ValueError:
            raise typer.BadParameter(f"{item!r}: expected SYMBOL=NUMBER, e.g. {example}", param_hint=hint) from None
    return out
