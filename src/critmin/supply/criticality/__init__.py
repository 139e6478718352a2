"""Criticality methods with one common result table (:class:`critmin.supply.criticality.base.CriticalityResult`).

``eu`` (JRC 2017 guidelines, 2023 assessment), ``usgs2022`` (Nassar & Fortier 2021), ``geopolrisk``
(Gemechu et al. 2016; Koyamparambath et al. 2024) and ``india`` (Ministry of Mines 2023). Pick one by name with
:func:`critmin.supply.criticality.base.get_method`.
"""
