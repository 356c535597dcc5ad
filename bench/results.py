"""One benchmark figure, and the markdown table that bench/results.md is."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Figure:
    """A measured value with its baseline (same run) and target; `met` is None where no target applies."""

    group: str
    measure: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / baseline, the figure the targets are stated in."""
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_dict(self) -> dict[str, object]:
        """For results.json."""
        return asdict(self) | {"ratio": self.ratio}


def fmt(value: float | None, unit: str) -> str:
    """Human figures: bytes as KB/MB, seconds as ms or s."""
    if value is None:
        return "pending"
    if unit == "B":
        return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.1f} KB"
    if unit == "s":
        return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit in ("", "count"):
        return f"{value:,.0f}"
    return f"{value:,.3g} {unit}"


def table(figures: list[Figure]) -> str:
    """The markdown table of every figure."""
    lines = ["| Benchmark | Measure | Ours | Baseline (same run) | Ratio | Target | Met |",
             "|---|---|---:|---|---:|---|:-:|"]
    for f in figures:
        base = f"{fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None else f.baseline_name
        ratio = "" if f.ratio is None else (f"{f.ratio:.1%}" if f.ratio < 0.1 else f"{f.ratio:.2f}×")
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        measure = f.measure + (f" <br><sub>{f.note}</sub>" if f.note else "")
        lines.append(f"| {f.group} | {measure} | {fmt(f.value, f.unit)} | {base} | {ratio} | {f.target} | {met} |")
    return "\n".join(lines) + "\n"
