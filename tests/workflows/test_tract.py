"""Step 1: tract area and the known deposits inside it, for drawn polygons and prospectivity rasters."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from pyproj import Transformer

from critmin.errors import InputError
from critmin.workflows.tract import deposits_inside, read_deposit_points, tract_from_polygon, tract_from_raster

WGS84_AREA_KM2 = 510_065_621.724
"""Surface area of the WGS 84 ellipsoid (NIMA TR8350.2, 3rd ed., 2000, Table 3.5: 5.10065621724e14 m²)."""


def _authalic_band_km2(lat1: float, lat2: float, dlon: float) -> float:
    """Exact area of a lat/lon quadrangle on the WGS 84 ellipsoid (Snyder 1987, USGS PP 1395, eq. 3-12, q)."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    e = math.sqrt(e2)

    def q(phi: float) -> float:
        s = math.sin(phi)
        return (1 - e2) * (s / (1 - e2 * s * s) - math.log((1 - e * s) / (1 + e * s)) / (2 * e))

    return a * a * math.radians(dlon) * (q(math.radians(lat2)) - q(math.radians(lat1))) / 2 / 1e6


def _sites(rows: list[tuple[str, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", "lon", "lat", "deposit_type"])


def test_octant_area_is_an_eighth_of_the_wgs84_ellipsoid() -> None:
    t = tract_from_polygon("octant", [[0, 0], [90, 0], [0, 90]], _sites([]))
    assert t.area_km2 == pytest.approx(WGS84_AREA_KM2 / 8, abs=1.0)


def test_small_quadrangle_matches_the_authalic_formula() -> None:
    # geodesic edges vs parallels differ by < 1e-5 of the area for a 0.1° cell
    t = tract_from_polygon("cell", [[74.0, 22.0], [74.1, 22.0], [74.1, 22.1], [74.0, 22.1]], _sites([]))
    assert t.area_km2 == pytest.approx(_authalic_band_km2(22.0, 22.1, 0.1), rel=1e-5)


def test_known_deposits_inside_by_type_and_on_the_boundary() -> None:
    sites = _sites([("in", 74.05, 22.05, "Carbonatite REE"), ("edge", 74.0, 22.05, "Carbonatite REE"),
                    ("other type", 74.06, 22.06, "Placer"), ("out", 75.0, 22.05, "Carbonatite REE")])
    t = tract_from_polygon("t", [[74.0, 22.0], [74.1, 22.0], [74.1, 22.1], [74.0, 22.1]], sites,
                           ["Carbonatite REE"])
    assert sorted(t.deposits["name"]) == ["edge", "in"]
    assert t.to_dict()["known_deposits"] == 2
    assert deposits_inside(t.geometry, sites).shape[0] == 3


def test_self_intersecting_outline_is_refused() -> None:
    with pytest.raises(InputError, match="not a valid polygon"):
        tract_from_polygon("bow", [[0, 0], [1, 1], [1, 0], [0, 1]], _sites([]))


def _raster(path: Path, values: np.ndarray, crs: str = "EPSG:32643", cell: float = 500.0) -> Path:
    with rasterio.open(path, "w", driver="GTiff", width=values.shape[1], height=values.shape[0], count=1,
                       dtype="float32", crs=crs, transform=Affine(cell, 0, 300_000, 0, -cell, 2_450_000),
                       nodata=-9999.0) as dst:
        dst.write(values.astype("float32"), 1)
    return path


def _cell_centre_lonlat(row: int, col: int) -> tuple[float, float]:
    x, y = 300_000 + (col + 0.5) * 500, 2_450_000 - (row + 0.5) * 500
    return Transformer.from_crs("EPSG:32643", "EPSG:4326", always_xy=True).transform(x, y)


def test_raster_threshold_and_top_percent(tmp_path: Path) -> None:
    values = np.arange(400, dtype=float).reshape(20, 20) / 400.0  # 0 … 0.9975, row-major
    values[0, 0] = -9999.0  # nodata
    p = _raster(tmp_path / "posterior.tif", values)
    hi = _cell_centre_lonlat(19, 19)
    lo = _cell_centre_lonlat(0, 5)
    sites = _sites([("high", *hi, "X"), ("low", *lo, "X")])
    t = tract_from_raster("top", p, sites, threshold=0.8999)  # 0.9 itself is 0.89999998 in float32
    assert t.parameters["cells"] == 40 and t.area_km2 == pytest.approx(40 * 0.25)
    assert list(t.deposits["name"]) == ["high"]
    top = tract_from_raster("top10", p, sites, top_percent=10.0)  # 399 valid cells → the 40 highest (ties kept)
    assert top.parameters["cells"] == 40 and top.parameters["cutoff"] == pytest.approx(0.9, abs=1e-6)
    assert top.method.startswith("prospectivity raster top 10")


def test_raster_errors_name_the_problem(tmp_path: Path) -> None:
    p = _raster(tmp_path / "p.tif", np.zeros((5, 5)))
    with pytest.raises(InputError, match="no cell reaches"):
        tract_from_raster("t", p, _sites([]), threshold=1.0)
    g = _raster(tmp_path / "geo.tif", np.ones((5, 5)), crs="EPSG:4326", cell=0.01)
    with pytest.raises(InputError, match="not projected"):
        tract_from_raster("t", g, _sites([]), threshold=0.5)


def test_deposit_points_file_errors_name_row_and_column(tmp_path: Path) -> None:
    f = tmp_path / "deps.csv"
    f.write_text("name,lon,lat\nA,74.0,22.0\nB,274.0,22.0\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_deposit_points(f)
    assert (ei.value.row, ei.value.column) == (3, "lon")


def test_top_percent_of_a_classed_raster_leaves_out_a_large_tied_class(tmp_path: Path) -> None:
    values = np.full((10, 10), 0.1)
    values[:, 8:] = 0.9  # 20 % of the area in the top class
    p = _raster(tmp_path / "classed.tif", values)
    t = tract_from_raster("classed", p, _sites([]), top_percent=15.0)  # the 0.1 class ties at the cut-off
    assert t.parameters["cells"] == 20 and t.parameters["ties"] == "included"
    t5 = tract_from_raster("classed", p, _sites([]), top_percent=50.0)  # cut-off in the 0.1 class: 80 cells tie
    assert t5.parameters["cells"] == 20 and t5.parameters["ties"] == "excluded"
    assert t5.parameters["selected_percent"] == pytest.approx(20.0)
