"""critmin: critical-mineral work from rock to supply security.

The package is layered: pure domain packages (``critmin.deposits`` …) sit on a small core
(:mod:`critmin.errors`, :mod:`critmin.units`, :mod:`critmin.provenance`, :mod:`critmin.config`,
:mod:`critmin.reference`); adapters (``store``, ``service``, ``cli``) sit around them.
See ``docs/DESIGN.md``.
"""

from critmin.errors import CritminError

__version__ = "0.1.0"

__all__ = ["CritminError", "__version__"]
