"""Run EIS Toolkit 1.1.6 WoE on its own small test data set; write CSV fixtures."""
import json
import sys
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from eis_toolkit.prediction.weights_of_evidence import (
    agterberg_cheng_CI_test,
    weights_of_evidence_calculate_responses,
    weights_of_evidence_calculate_weights,
)

D = "/work/shared/data/prospectivity/eis-wofe-small/"
out = sys.argv[1]
dep = gpd.read_file(D + "wofe_deposits.shp")
meta = {"eis_toolkit": "1.1.6", "python": sys.version.split()[0], "numpy": np.__version__}
for wt in ["unique", "categorical", "ascending", "descending"]:
    with rasterio.open(D + "wofe_evidence_raster.tif") as ev, warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        df, arrays, m, nd, npx = weights_of_evidence_calculate_weights(ev, dep, raster_nodata=None, weights_type=wt,
                                                                       studentized_contrast_threshold=1)
    df.to_csv(f"{out}/eis_weights_{wt}.csv", index=False)
    meta[wt] = {"n_deposit_pixels": nd, "n_pixels": npx, "warnings": [str(x.message) for x in w]}
    if wt == "categorical":
        P, S, C = weights_of_evidence_calculate_responses([arrays], df)
        ev_arr = rasterio.open(D + "wofe_evidence_raster.tif").read(1)
        rows = []
        for cls in np.unique(ev_arr):
            sel = (ev_arr == cls) & np.isfinite(P)
            if sel.any():
                rows.append({"class": int(cls), "posterior": float(P[sel][0]), "posterior_std": float(S[sel][0]),
                             "confidence": float(C[sel][0])})
        pd.DataFrame(rows).to_csv(f"{out}/eis_response_categorical.csv", index=False)
        ok, ok99, ok95, ratio, text = agterberg_cheng_CI_test(P, S, df)
        meta["ci_test"] = {"ok": bool(ok), "ok99": bool(ok99), "ok95": bool(ok95), "ratio": float(ratio)}
json.dump(meta, open(f"{out}/eis_meta.json", "w"), indent=2)
print(json.dumps(meta, indent=2))
