"""The ``DataFrame.geochem`` accessor: thin wrappers over the pure functions of :mod:`critmin.geochem`.

Registered when ``critmin.geochem.accessor`` is imported (importing any of ``critmin.geochem.normalise``,
``ree``, ``lambdas`` or ``characterise`` does it too). The frame holds element concentrations in ppm,
columns by element symbol::

    import critmin.geochem.accessor  # noqa: F401
    df.geochem.normalise("chondrite-palme-oneill-2014")
    df.geochem.ree_metrics(oxide_set="industry")
    df.geochem.lambdas()
    df.geochem.to_oxides("industry")

Nothing is modified in place.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["GeochemAccessor"]


@pd.api.extensions.register_dataframe_accessor("geochem")
class GeochemAccessor:
    """Geochemistry on a DataFrame of element concentrations (ppm)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def normalise(self, reference: str = "chondrite-palme-oneill-2014", **kwargs: Any) -> pd.DataFrame:
        """See :func:`critmin.geochem.normalise.normalise`."""
        from critmin.geochem.normalise import normalise

        return normalise(self._frame, reference, **kwargs)

    def ree_metrics(self, **kwargs: Any) -> pd.DataFrame:
        """See :func:`critmin.geochem.ree.ree_metrics`."""
        from critmin.geochem.ree import ree_metrics

        return ree_metrics(self._frame, **kwargs)

    def lambdas(self, **kwargs: Any) -> pd.DataFrame:
        """See :func:`critmin.geochem.lambdas.lambdas`."""
        from critmin.geochem.lambdas import lambdas

        return lambdas(self._frame, **kwargs)

    def tetrad(self, reference: str = "chondrite-palme-oneill-2014") -> pd.DataFrame:
        """Irber (1999) tetrad indices on the normalised frame; see :mod:`critmin.geochem.tetrad`."""
        from critmin.geochem.normalise import normalise
        from critmin.geochem.tetrad import tetrad_effect

        return tetrad_effect(normalise(self._frame, reference))

    def to_oxides(self, oxide_set: str = "industry") -> pd.DataFrame:
        """See :func:`critmin.geochem.oxides.element_to_oxide`."""
        from critmin.geochem.oxides import element_to_oxide

        return element_to_oxide(self._frame, oxide_set)
