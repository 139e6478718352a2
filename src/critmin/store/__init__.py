"""Persistence adapter: SQLAlchemy 2 models, Alembic migrations, repositories and the
:class:`KnowledgeBase` facade. Embedded SQLite (R*Tree) by default; PostgreSQL/PostGIS in server mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from critmin.store.knowledge_base import KnowledgeBase

__all__ = ["KnowledgeBase"]


def __getattr__(name: str) -> Any:
    if name == "KnowledgeBase":
        from critmin.store.knowledge_base import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(name)
