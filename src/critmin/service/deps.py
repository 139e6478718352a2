"""Request-scoped dependencies: the store, a session, the viewer's organisation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from critmin.store.db import Database


def get_db(request: Request) -> Database:
    """The application's database (opened once at start-up)."""
    db: Database = request.app.state.db
    return db


def get_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    """A read session closed after the request."""
    with db.session() as s:
        yield s


def get_viewer() -> str | None:
    """The requesting organisation; anonymous (public data only) until accounts arrive (issue 8)."""
    return None


SessionDep = Annotated[Session, Depends(get_session)]
DbDep = Annotated[Database, Depends(get_db)]
ViewerDep = Annotated[str | None, Depends(get_viewer)]
