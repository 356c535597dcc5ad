"""DataFrame rows as JSON-ready dicts: what every page and API answer hands to a template or to JSON."""

from __future__ import annotations

from typing import Any

import pandas as pd


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with NaN as None, so the JSON is valid."""
    # Labels are str; the stubs say Hashable.
    return df.astype(object).where(df.notna(), None).to_dict("records")  # type: ignore[return-value]
