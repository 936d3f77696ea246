"""Charts for reports and the web app: data built from results and facts, drawn as PNG.

Each chart is first a ``BarChart`` (plain data: categories, series, unit) that the web app can hand
to ECharts as it is (``to_dict()``); ``draw_png`` renders it with matplotlib in the simplified-Chinese
font located by ``fonts.cjk_font`` (file and face index, so never the Japanese face), and fails if
matplotlib reports a glyph missing from that font rather than writing boxes into a report.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, cast

from jixiao.engine import Result
from jixiao.engine.numbers import format_number, format_percent
from jixiao.facts.model import UnitYear
from jixiao.reports.fonts import SANS, cjk_font

# The government-report palette: dark blue, orange, grey (readable in black-and-white print too).
COLOURS = ("#1f4e79", "#e07b24", "#7f7f7f")
LIGHT = "#6d9ecf"
DPI = 150


class GlyphMissing(RuntimeError):
    """matplotlib could not find a glyph in the chart font: the PNG would show boxes."""


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[float]
    labels: list[str] = field(default_factory=list)  # printed next to each bar (e.g. "12/14")


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart: one bar per category and series (side by side when several)."""

    key: str
    title: str
    categories: list[str]
    series: list[Series]
    unit: str = "%"
    limit: float | None = None  # fixed upper end of the value axis (e.g. 100 for rates)
    reference: float | None = None  # a vertical reference line (e.g. 100% execution)
    levels: list[int] = field(default_factory=list)  # per category: 1 = 一级 (darker), 2 = 二级

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def texts(self) -> list[str]:
        """Every string drawn in the chart (for glyph checks)."""
        out = [self.title, self.unit, *self.categories]
        for s in self.series:
            out += [s.name, *s.labels]
        return out


def percent(part: Decimal, whole: Decimal) -> float | None:
    if whole == 0:
        return None
    return float(part / whole * 100)


@cache
def _register_font() -> str:
    """Register every face of the Noto collection with matplotlib; return the SC family name."""
    from matplotlib import font_manager

    found = cjk_font(SANS)
    font_manager.fontManager.addfont(str(found.path))
    return found.family


def draw_png(chart: BarChart, path: Path, width_cm: float = 15.0) -> Path:
    """Draw ``chart`` to ``path`` (PNG). Raises ``GlyphMissing`` instead of writing boxes."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    family = _register_font()
    rows = max(len(chart.categories), 1)
    bars = max(len(chart.series), 1)
    height_cm = min(3.0 + rows * (0.45 + 0.3 * (bars - 1)), 24.0)
    style: dict[str, Any] = {
        "font.family": [family],
        "font.size": 9,
        "axes.unicode_minus": False,
        "svg.fonttype": "none",
    }
    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context(cast(Any, style)):
        warnings.simplefilter("always")
        fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
        ax = fig.add_subplot()
        _bars(ax, chart)
        _margins(fig, chart, width_cm, height_cm)
        fig.savefig(path, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    if missing:
        path.unlink(missing_ok=True)
        raise GlyphMissing("；".join(sorted(set(missing))))
    return path


def _text_width_em(text: str) -> float:
    """Width of ``text`` in em: CJK and full-width characters are 1 em, others about half."""
    return sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in text)


def _margins(fig: Any, chart: BarChart, width_cm: float, height_cm: float) -> None:
    """Fixed margins computed from the label lengths (``tight_layout`` costs half the drawing)."""
    label_em = max((_text_width_em(c) for c in chart.categories), default=4.0)
    points = 9.0
    left_cm = min(0.4 + label_em * points / 72 * 2.54, width_cm * 0.45)
    fig.subplots_adjust(
        left=left_cm / width_cm,
        right=0.97,
        top=1 - (0.9 if len(chart.series) < 2 else 1.6) / height_cm,
        bottom=1.1 / height_cm,
    )


def _bars(ax: Any, chart: BarChart) -> None:
    from matplotlib.transforms import offset_copy

    n = len(chart.series)
    height = 0.8 / max(n, 1)
    positions = list(range(len(chart.categories)))
    top = chart.limit
    for k, series in enumerate(chart.series):
        offset = (k - (n - 1) / 2) * height
        ys = [p + offset for p in positions]
        colour: str | list[str] = COLOURS[k % len(COLOURS)]
        if n == 1 and chart.levels:
            colour = [COLOURS[0] if level <= 1 else LIGHT for level in chart.levels]
        ax.barh(ys, series.values, height=height * 0.92, color=colour, label=series.name)
        peak = max(series.values, default=0)
        top = max(top or 0, peak)
        for y, value, label in zip(
            ys, series.values, series.labels or [""] * len(ys), strict=False
        ):
            text = label or f"{value:.1f}{chart.unit}"
            ax.text(
                value,
                y,
                " " + text,
                va="center",
                ha="left",
                fontsize=7,
                zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
            )
    # Category names, title and axis label as plain texts: tick labels and ``set_title`` make
    # matplotlib build and measure tick objects to place them (about a tenth of the drawing).
    ax.set_yticks([])
    for y, name, level in zip(
        positions, chart.categories, chart.levels or [2] * len(positions), strict=False
    ):
        ax.text(
            -0.01,
            y,
            name,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontweight="bold" if level <= 1 else "normal",
        )
    ax.invert_yaxis()  # first category on top
    ax.set_xlim(0, (top or 1) * 1.18)
    if chart.reference is not None:
        ax.axvline(chart.reference, color="#c00000", linewidth=0.8, linestyle="--", zorder=2)
    figure = ax.get_figure()
    below = offset_copy(ax.transAxes, fig=figure, y=-19, units="points")
    label = chart.unit if chart.unit != "%" else "百分比（%）"
    ax.text(0.5, 0, label, transform=below, ha="center", va="top")
    above = offset_copy(ax.transAxes, fig=figure, y=22 if n > 1 else 6, units="points")
    ax.text(0.5, 1, chart.title, transform=above, ha="center", va="bottom", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    if n > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=n, fontsize=8, frameon=False)


# --- the charts a report uses ----------------------------------------------------------------


def _rate(score: Decimal, maximum: Decimal) -> float:
    value = percent(score, maximum)
    return 0.0 if value is None else value


def _rate_text(score: Decimal, maximum: Decimal) -> str:
    return format_percent(score / maximum) if maximum else "—"


def levels_chart(result: Result) -> BarChart:
    """Score rate (得分率) of every 一级 and 二级 indicator."""
    categories: list[str] = []
    values: list[float] = []
    labels: list[str] = []
    levels: list[int] = []
    for item in result.indicators:
        depth = len(item.path)
        if depth > 2:
            continue
        categories.append(item.name)
        values.append(_rate(item.score, item.max))
        labels.append(f"{format_number(item.score)}/{format_number(item.max)}")
        levels.append(depth)
    return BarChart(
        "levels",
        "一级、二级指标得分率",
        categories,
        [Series("得分率", values, labels)],
        limit=100,
        levels=levels,
    )


def projects_chart(facts: UnitYear, places: int = 2) -> BarChart | None:
    """Budget execution rate (预算执行率) by project; None when no project has both figures."""
    rows = [
        (p.name, p.spent / p.budget) for p in facts.projects if p.budget and p.spent is not None
    ]
    if not rows:
        return None
    return BarChart(
        "projects",
        "项目支出预算执行率",
        [_short(name) for name, _ in rows],
        [
            Series(
                "预算执行率",
                [float(r * 100) for _, r in rows],
                [format_percent(r, places) for _, r in rows],
            )
        ],
        limit=100,
        reference=100,
    )


def comparison_chart(
    label_a: str, label_b: str, pairs: list[tuple[str, Decimal, Decimal, Decimal, Decimal]]
) -> BarChart | None:
    """Side-by-side score rates of mapped indicators: (name, score_a, max_a, score_b, max_b)."""
    if not pairs:
        return None
    return BarChart(
        "comparison",
        f"{label_a}与{label_b}得分率比较",
        [_short(name) for name, *_ in pairs],
        [
            Series(
                label_a,
                [_rate(sa, ma) for _, sa, ma, _, _ in pairs],
                [_rate_text(sa, ma) for _, sa, ma, _, _ in pairs],
            ),
            Series(
                label_b,
                [_rate(sb, mb) for _, _, _, sb, mb in pairs],
                [_rate_text(sb, mb) for _, _, _, sb, mb in pairs],
            ),
        ],
        limit=100,
    )


def _short(name: str, limit: int = 16) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
