"""Alembic environment for critmin (embedded SQLite and PostGIS)."""

from __future__ import annotations

from alembic import context

from critmin.store.db import make_engine
from critmin.store.tables import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out objects the store manages by hand (R*Tree tables, PostGIS catalogue, GiST index)."""
    if type_ == "table" and name is not None and (
        name.startswith("site_rtree") or name in {"spatial_ref_sys"} or name.startswith("topology")
    ):
        return False
    return not (type_ == "index" and name == "ix_site_geom")


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
