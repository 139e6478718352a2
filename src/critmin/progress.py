"""One small progress protocol for long work; the CLI renders it with Rich, the service stores it."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called with the number of items done so far, the total (if known) and a short message."""

    def __call__(self, done: int, total: int | None, message: str = "") -> None: ...


def no_progress(done: int, total: int | None, message: str = "") -> None:
    """A progress callback that does nothing."""
