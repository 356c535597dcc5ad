"""Pure statistics: observations in, frames out (derived values, ranks, series, targets, search)."""
