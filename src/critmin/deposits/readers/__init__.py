"""Readers turn source files into :class:`~critmin.deposits.schema.SiteRecord` lists.

Every reader has the signature::

    read_xxx(paths, *, source=None, mapping=None, progress=no_progress) -> ReadResult

and raises :class:`critmin.errors.InputError` naming file, row and column on bad input, before
anything is written anywhere (readers are pure; the store writes in one transaction).
"""

from critmin.deposits.readers.base import FORMATS, ReadResult, read

__all__ = ["FORMATS", "ReadResult", "read"]
