"""Indicators, plans and maps as plain Python on DataFrames, usable from the CLI, the server or a notebook.

One package per role, data flowing down: pages -> render -> stats | importing -> store -> core.
"""
