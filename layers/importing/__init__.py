"""Planner import: read CSV/XLSX as planners keep them, match regions, parse values, validate, commit atomically."""
