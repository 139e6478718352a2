"""Record linking across deposit datasets (the same deposit in GSI, USGS and MinMod records).

Pipeline (pure functions over a pandas site table, see :data:`SITE_COLUMNS`):
:func:`candidate_pairs` (spatial, name and sparse-record blocking) → :func:`pair_features`
→ :class:`LinkModel` probabilities → threshold and curator decisions → constrained clusters
(:func:`cluster_pairs`) → canonical sites (:func:`canonical_sites`). :func:`link` runs it all.
See ``docs/linking.md``.
"""

from critmin.deposits.linking.blocking import candidate_pairs
from critmin.deposits.linking.clusters import canonical_sites, cluster_pairs
from critmin.deposits.linking.features import FEATURES, normalise_name, pair_features
from critmin.deposits.linking.frame import SITE_COLUMNS, sites_frame
from critmin.deposits.linking.link import PAIR_COLUMNS, LinkResult, link
from critmin.deposits.linking.model import LinkModel

__all__ = [
    "FEATURES", "PAIR_COLUMNS", "SITE_COLUMNS", "LinkModel", "LinkResult", "candidate_pairs", "canonical_sites",
    "cluster_pairs", "link", "normalise_name", "pair_features", "sites_frame",
]
