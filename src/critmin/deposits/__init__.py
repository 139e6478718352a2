"""Deposit knowledge base: typed mineral-site records, readers for MRDS, USMIN, MinMod and
survey tables, vocabularies, record linking and the bundled demo data.

Pure domain package: no database, service or CLI imports (see ``docs/DESIGN.md``).
"""

from critmin.deposits.schema import (
    Commodity,
    DepositTypeCandidate,
    InventoryRecord,
    SiteRecord,
    SourceFile,
)

__all__ = ["Commodity", "DepositTypeCandidate", "InventoryRecord", "SiteRecord", "SourceFile"]
