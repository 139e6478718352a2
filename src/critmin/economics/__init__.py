"""Project economics for co-investment: DCF under fiscal regimes, attributable value, risk, screening, ESG.

Pure and vectorised (numpy/pandas/scipy); imports only the core and :mod:`critmin.reference`.
"""
