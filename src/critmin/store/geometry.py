"""A geometry column type that is PostGIS ``geometry`` on PostgreSQL and a WKB BLOB on SQLite."""

from __future__ import annotations

from typing import Any

import shapely
from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import to_shape
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class GeometryWKB(TypeDecorator[shapely.Geometry]):
    """Shapely geometries in EPSG:4326, stored as WKB.

    On PostgreSQL the column is ``geometry(<type>, 4326)`` (GeoAlchemy2, spatially indexed);
    elsewhere a BLOB whose bounding box the store mirrors into an R*Tree table.
    """

    impl = LargeBinary
    cache_ok = True
    #: read by GeoAlchemy2's DDL hooks; the migration creates the spatial indexes itself
    spatial_index = False
    use_N_D_index = False

    def __init__(self, geometry_type: str = "GEOMETRY") -> None:
        super().__init__()
        self.geometry_type = geometry_type

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        # GeoAlchemy2's DDL hooks probe with dialect=None; answer "not managed by GeoAlchemy2"
        # (the store creates its own spatial indexes in the migration).
        if dialect is not None and dialect.name == "postgresql":
            return dialect.type_descriptor(
                Geometry(geometry_type=self.geometry_type, srid=4326, spatial_index=False)
            )
        return LargeBinary() if dialect is None else dialect.type_descriptor(LargeBinary())

    def bind_expression(self, bindvalue: Any) -> Any:
        return bindvalue

    def process_bind_param(self, value: shapely.Geometry | bytes | str | None, dialect: Dialect) -> Any:
        if value is None or isinstance(value, (bytes, str)):
            return value  # already encoded (WKB on SQLite, hex EWKB on PostGIS): bulk imports encode per chunk
        if dialect.name == "postgresql":
            # hex EWKB text: PostGIS's geometry input function casts it, SRID included
            return shapely.to_wkb(shapely.set_srid(value, 4326), hex=True, include_srid=True)
        return shapely.to_wkb(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> shapely.Geometry | None:
        if value is None:
            return None
        if isinstance(value, WKBElement):
            return to_shape(value)
        if isinstance(value, str):
            return shapely.from_wkb(bytes.fromhex(value))
        return shapely.from_wkb(bytes(value))
