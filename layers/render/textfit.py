"""Text measured before it is placed on a matplotlib figure: wrapped to a width, stacked so lines never overlap."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

# A Latin word with what sticks to it, a run of spaces, or any single character (a CJK character breaks anywhere).
TOKEN = re.compile(r"[A-Za-z0-9][\w.,:;!?%'’\"()\[\]\-/+×÷=&]*\s*|\s+|.", re.S)
NO_LINE_START = set("，。；：、）」』】》〉！？,.;:)]!?%·")  # punctuation that stays at the end of the line before
LINE_HEIGHT = 1.4  # times the font size in pixels: CJK glyphs with descenders stay clear of the next line


@dataclass
class Measure:
    """Text widths in pixels on one figure, in one font family."""

    renderer: RendererBase
    family: list[str]
    dpi: float
    known: dict[tuple[str, float, str], float] = field(default_factory=dict, repr=False)

    def prop(self, size: float, weight: str = "normal") -> FontProperties:
        return FontProperties(family=self.family, size=size, weight=weight)

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        """Width in pixels of a text: its widest line."""
        if "\n" in text:
            return max(self.width(line, size, weight) for line in text.split("\n"))
        if not text:
            return 0.0
        key = (text, size, weight)
        if key not in self.known:  # laying out a CJK string is slow (ms per call): each text is measured once
            w, _, _ = self.renderer.get_text_width_height_descent(text, self.prop(size, weight), ismath=False)
            self.known[key] = float(w)
        return self.known[key]

    def line_height(self, size: float) -> float:
        """Pixels from one line's top to the next line's top."""
        return size * self.dpi / 72 * LINE_HEIGHT

    def wrap(self, text: str, size: float, width: float, weight: str = "normal") -> list[str]:
        """Lines no wider than `width` pixels, broken between words or CJK characters (a word wider than the
        whole line breaks between its characters); explicit newlines kept."""
        lines: list[str] = []
        for para in text.split("\n"):
            current, guess = "", 0.0
            for token in self._tokens(para, size, width, weight):
                trial = current + token
                # The sum of the pieces' widths is within a few per cent of the whole's: a line well inside the
                # width is not measured again (that made wrapping quadratic, most of an export's time).
                guess += self.width(token, size, weight)
                fits = guess <= 0.85 * width or self.width(trial.rstrip(), size, weight) <= width
                if current and not fits and not (token[:1] in NO_LINE_START and len(token) == 1):
                    lines.append(current.rstrip())
                    current = token.lstrip()
                    guess = self.width(current, size, weight)
                else:
                    current = trial
            lines.append(current.rstrip())
        return lines

    def _tokens(self, para: str, size: float, width: float, weight: str) -> list[str]:
        out = []
        for token in TOKEN.findall(para):
            if len(token) > 1 and self.width(token.rstrip(), size, weight) > width:
                out.extend(token)
            else:
                out.append(token)
        return out


def canvas(fig: Figure) -> Figure:
    """Give a figure an Agg canvas that draws only when saved: geopandas asks for a redraw after every layer it
    plots, which on Agg redraws the whole figure each time (most of an export's time)."""
    agg = FigureCanvasAgg(fig)
    agg.draw_idle = lambda *args, **kwargs: None  # type: ignore[method-assign]
    return fig


def measure_for(fig: Figure, family: list[str]) -> Measure:
    """A Measure on the figure's own renderer (Agg: the same metrics as the PNG, SVG and PDF it saves to)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # FigureCanvasAgg has one
    return Measure(renderer, family, fig.dpi)


def stack(fig: Figure, m: Measure, lines: list[str], x: float, top: float, size: float, **kw: object) -> float:
    """Place lines downwards from `top` (pixels from the bottom edge); returns the bottom of the last line."""
    W, H = fig.bbox.width, fig.bbox.height
    step = m.line_height(size)
    for i, line in enumerate(lines):
        fig.text(x / W, (top - i * step) / H, line, fontsize=size, va="top", ha="left", **kw)  # type: ignore[arg-type]
    return top - len(lines) * step


def stack_up(fig: Figure, m: Measure, lines: list[str], x: float, bottom: float, size: float, **kw: object) -> float:
    """Place lines upwards so the last ends at `bottom`; returns the top of the first line."""
    step = m.line_height(size)
    top = bottom + len(lines) * step
    stack(fig, m, lines, x, top, size, **kw)
    return top


def texts(fig: Figure) -> list[Text]:
    """Every text a figure draws (titles, lines, legend titles and entries, watermark), not the tick labels of
    axes that are switched off."""
    found: list[Text] = list(fig.texts)
    legends = list(fig.legends) + [leg for ax in fig.axes if (leg := ax.get_legend()) is not None]
    for leg in legends:
        found += [leg.get_title(), *leg.get_texts()]
    for ax in fig.axes:
        found += list(ax.texts)
        if ax.axison:
            found += [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.title]
    return [t for t in found if t.get_visible() and t.get_text().strip()]
