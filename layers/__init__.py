"""Indicators, plans and choropleth maps: plain Python on DataFrames, usable from the CLI, server or a notebook."""
