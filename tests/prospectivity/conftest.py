"""Shared paths and small synthetic grids for the prospectivity tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasterio.crs import CRS
from rasterio.transform import from_origin

from critmin.prospectivity.raster import Grid

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "prospectivity"
GA = DATA / "ga-cloncurry"
GA_RESPONSE = GA / "CalculateResponse"
GA_DEPOSITS = GA / "deposits" / "IOCG_Deposits.shp"
EIS_DATA = DATA / "eis-wofe-small"
FIXTURES = Path(__file__).resolve().parent / "data"
BINARY_LAYERS = ("Dist2Breccia", "Dist2Fault", "FaultDensity", "StratNo")


def write_tif(path: Path, arr: np.ndarray, *, nodata: float | None = None, crs: str = "EPSG:3857",
              origin: tuple[float, float] = (0.0, 1000.0), pixel: float = 100.0) -> Path:
    """Write a small single-band GeoTIFF for tests."""
    import rasterio

    with rasterio.open(path, "w", driver="GTiff", height=arr.shape[0], width=arr.shape[1], count=1,
                       dtype=arr.dtype, crs=CRS.from_user_input(crs), nodata=nodata,
                       transform=from_origin(origin[0], origin[1], pixel, pixel)) as dst:
        dst.write(arr, 1)
    return path


def write_points(path: Path, xy: list[tuple[float, float]], crs: str = "EPSG:3857") -> Path:
    """Write deposit points as GeoPackage."""
    import geopandas as gpd
    from shapely.geometry import Point

    gpd.GeoDataFrame({"id": list(range(len(xy)))}, geometry=[Point(x, y) for x, y in xy], crs=crs).to_file(path)
    return path


@pytest.fixture
def small_grid() -> Grid:
    """10 × 10 pixels of 100 m (0.01 km²) in EPSG:3857."""
    return Grid(crs=CRS.from_epsg(3857), transform=from_origin(0.0, 1000.0, 100.0, 100.0), shape=(10, 10))
