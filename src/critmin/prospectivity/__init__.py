"""Mineral prospectivity mapping: evidence preparation, weights of evidence, fuzzy/index overlay, ML, validation.

Rasters are xarray/rioxarray objects, chunked with Dask; imports only the core and :mod:`critmin.reference`.
"""
