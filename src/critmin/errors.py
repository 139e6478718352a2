"""The one error hierarchy of critmin.

Every error raised on purpose by critmin derives from :class:`CritminError`. Messages say what was
given, what was expected and how to fix it; input errors also name the file, row and column.
"""

from __future__ import annotations

from pathlib import Path


class CritminError(Exception):
    """Root of every error critmin raises on purpose."""


class ConfigError(CritminError, ValueError):
    """A setting (environment variable or TOML file) is invalid."""


class InputError(CritminError, ValueError):
    """Bad input data: names the file, the 1-based data row and the column where known.

    Parameters
    ----------
    message
        What was given, what was expected and how to fix it.
    file, row, column
        Location of the offending value. ``row`` counts data rows from 1 (header excluded) for
        tables, and records from 1 for JSON arrays.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.detail = message
        where = []
        if self.file is not None:
            where.append(self.file)
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)

    def located(self, *, file: str | Path | None = None, row: int | None = None) -> InputError:
        """Return a copy with the file and/or row filled in where they were unknown."""
        return InputError(
            self.detail,
            file=self.file if self.file is not None else file,
            row=self.row if self.row is not None else row,
            column=self.column,
        )


class UnitError(InputError):
    """A unit string could not be recognised or converted."""


class NotFoundError(CritminError, LookupError):
    """A requested record, dataset or collection does not exist (or is not visible)."""


class StoreError(CritminError, RuntimeError):
    """The database is unreachable, not migrated, or refused a write."""


class AuthenticationError(CritminError, PermissionError):
    """No valid credentials: an unknown, expired or revoked token, a bad password, no session (HTTP 401)."""


class PermissionDeniedError(CritminError, PermissionError):
    """Valid credentials without the right to do this (role or share too low; HTTP 403)."""
