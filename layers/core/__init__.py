"""Shared vocabulary of every layer: the catalogue, plans, zones, the map view, text, errors and caches."""
