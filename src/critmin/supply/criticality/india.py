"""India 2023 critical-minerals method (Ministry of Mines): three stages.

1. Screening: minerals deemed critical by other countries (the committee considered 69 elements from the lists
   of Australia, the USA, Canada, the UK, Japan and South Korea). critmin ships the US 2022/2025 lists; the
   count of further lists is a user input (column ``other_lists``).
2. Inter-ministerial consultation: a user input (column ``sector_need``: 0/1).
3. An EU-style empirical screen of economic importance and supply risk using India's import reliance, trade
   partners, governance and recycling. The committee's numeric thresholds were not transcribed, so they are
   required arguments (``threshold_sr``, ``threshold_ei``).

The result also states membership of the published India 2023 list of 30.

References
----------
Ministry of Mines, Government of India, 2023, Critical Minerals for India: Report of the Committee on
Identification of Critical Minerals (June 2023),
https://mines.gov.in/admin/storage/app/uploads/649d4212cceb01688027666.pdf.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json
from critmin.supply.criticality import eu
from critmin.supply.criticality.base import CriticalityResult, require
from critmin.supply.records import records


def run(*, inputs: pd.DataFrame, end_uses: pd.DataFrame, year: int, threshold_sr: float | None = None,
        threshold_ei: float | None = None, governance: pd.DataFrame | None = None, **kw: Any
        ) -> CriticalityResult:
    """Stages 1–3 for every commodity of ``inputs`` (EU input columns plus ``other_lists``, ``sector_need``)."""
    if threshold_sr is None or threshold_ei is None:
        raise InputError("india: the committee's stage-3 thresholds were not transcribed; give --threshold-sr "
                         "and --threshold-ei", column="threshold_sr")
    require(inputs, ["other_lists", "sector_need"], "india")
    stage3 = eu.run(inputs=inputs, end_uses=end_uses, year=year, governance=governance, **kw)
    rows = []
    for r, s in zip(records(inputs), records(stage3.table), strict=True):
        lists = list(s.lists)
        screened = int(r.other_lists) + sum(1 for x in lists if x.startswith("us_")) > 0
        crit = bool(screened and int(r.sector_need) == 1 and s.supply_risk >= threshold_sr
                    and s.importance >= threshold_ei)
        rows.append({"method": "india", "commodity": s.commodity, "year": year, "stage": s.stage,
                     "supply_risk": s.supply_risk, "importance": s.importance, "score": None,
                     "threshold_supply_risk": threshold_sr, "threshold_importance": threshold_ei,
                     "critical": crit, "lists": lists,
                     "components": dict(s.components) | {"stage1_screened": screened,
                                                         "stage2_sector_need": int(r.sector_need),
                                                         "on_india_2023_list": "india_2023" in lists},
                     "source": s.source})
    rec = RunRecord.create("supply.criticality.india", inputs_sha256=sha256_json(inputs.to_dict("list")),
                           parameters={"year": year, "threshold_sr": threshold_sr, "threshold_ei": threshold_ei})
    return CriticalityResult("india", pd.DataFrame(rows), stage3.notes, rec)
