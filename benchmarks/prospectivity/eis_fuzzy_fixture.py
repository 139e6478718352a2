"""EIS Toolkit 1.1.6 fuzzy overlays on a fixed 3-layer membership stack (seed 42); writes a CSV fixture."""
import sys

import numpy as np
import pandas as pd
from eis_toolkit.prediction.fuzzy_overlay import and_overlay, gamma_overlay, or_overlay, product_overlay, sum_overlay

rng = np.random.default_rng(42)
stack = rng.uniform(0, 1, size=(3, 4, 5))
out = {f"m{i}": stack[i].ravel() for i in range(3)}
out["and"] = and_overlay(stack).ravel()
out["or"] = or_overlay(stack).ravel()
out["product"] = product_overlay(stack).ravel()
out["sum"] = sum_overlay(stack).ravel()
out["gamma_0.7"] = gamma_overlay(stack, gamma=0.7).ravel()
pd.DataFrame(out).to_csv(sys.argv[1], index=False, float_format="%.17g")
