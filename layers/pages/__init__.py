"""Each page and API answer assembled from stats and render, framework-free: what server/ routes call."""
