"""Plain-JSON copies of results: the one conversion used wherever results are stored, served or hashed."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import numpy as np

__all__ = ["json_safe"]


def json_safe(obj: Any) -> Any:
    """Plain-JSON copy of ``obj``: mappings with string keys, numpy scalars/arrays → Python values, tuples →
    lists, dates → ISO text and NaN/±inf → None (PostgreSQL's JSON type and strict JSON responses reject NaN)."""
    if isinstance(obj, Mapping):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return json_safe(obj.tolist())
    if isinstance(obj, np.generic):
        return json_safe(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return obj
