"""Normalisation of element concentrations (ppm) to a named reference composition."""

from __future__ import annotations

import sys as _sys
import types as _types
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.geochem.elements import is_element
from critmin.geochem.references import DEFAULT_REFERENCE, get_reference, resolve_reference_name

__all__ = ["normalise"]


def normalise(ppm: pd.DataFrame, reference: str = DEFAULT_REFERENCE, *, strict: bool = False) -> pd.DataFrame:
    """Divide element columns (ppm) by a reference composition (ppm).

    Parameters
    ----------
    ppm
        Element concentrations in ppm; columns are element symbols (``La``, ``Ce`` …). Other columns
        (ids, oxides, text) are ignored.
    reference
        Name of a bundled reference composition (see :func:`critmin.geochem.references.list_references`).
    strict
        If True, an element column the reference does not give is an error; otherwise it is left out of
        the result and listed in ``result.attrs["critmin"]["not_in_reference"]``.

    Returns
    -------
    pandas.DataFrame
        Normalised values (dimensionless), same index, one column per normalised element.
        ``attrs["critmin"]`` records the reference name, citation and DOI.

    Raises
    ------
    InputError
        If no column is an element the reference gives, or (``strict``) some are missing from it.
    """
    name = resolve_reference_name(reference)
    ref = get_reference(name)
    elements = [c for c in ppm.columns if isinstance(c, str) and is_element(c)]
    present = [c for c in elements if c in ref.index]
    absent = [c for c in elements if c not in ref.index]
    if absent and strict:
        raise InputError(f"reference {name!r} gives no value for {', '.join(absent)}; choose another reference "
                         "or drop these columns")
    if not present:
        raise InputError(
            f"no element column to normalise: columns {list(map(str, ppm.columns))[:12]} include no element "
            f"that {name!r} gives; expected element symbols such as 'La', 'Ce' (values in ppm)"
        )
    # one aligned divide per column straight into a column-major block that pandas keeps without copying
    divisors = ref[present].to_numpy(dtype=float)
    block = np.empty((len(present), len(ppm)))
    for j, c in enumerate(present):
        np.divide(ppm[c].to_numpy(dtype=float), divisors[j], out=block[j])
    out = pd.DataFrame(block.T, index=ppm.index, columns=present, copy=False)
    info = ref.attrs["critmin"]
    out.attrs["critmin"] = {"reference": name, "citation": info["citation"], "doi": info["doi"],
                            "not_in_reference": absent}
    return out


from critmin.geochem import accessor as _accessor  # noqa: E402, F401  (registers DataFrame.geochem)


class _CallableModule(_types.ModuleType):
    """Lets ``critmin.geochem.normalise(...)`` call the function even after the submodule is imported."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return normalise(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
