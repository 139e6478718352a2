"""Supply-chain risk: concentration, criticality methods, export-control scenarios, the NdFeB chain.

Pure functions (numpy/pandas/scipy, flodym for the material-flow model); imports only the core and
:mod:`critmin.reference`.
"""
