"""Charts: drawn in the simplified-Chinese face, with a glyph for every character they print."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from jixiao.reports import charts
from jixiao.reports.compare import chart_pairs, find_mapping
from jixiao.reports.fonts import SANS, cjk_font
from jixiao.reports.render import comparison_for, evaluate_path
from tests.reports.conftest import CASES, EXAMPLES, REEVAL, SELF


def all_charts() -> list[charts.BarChart]:
    found = []
    for name in CASES:
        evaluated = evaluate_path(EXAMPLES / name)
        found.append(charts.levels_chart(evaluated.result))
        projects = charts.projects_chart(evaluated.loaded.case.facts)
        if projects is not None:
            found.append(projects)
    comparison = comparison_for(evaluate_path(SELF), evaluate_path(REEVAL))
    chart = charts.comparison_chart(comparison.label_a, comparison.label_b, chart_pairs(comparison))
    assert chart is not None
    return [*found, chart]


CHARTS = all_charts()


def test_the_font_is_the_simplified_chinese_face() -> None:
    font = cjk_font(SANS)
    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
        assert face["name"].getDebugName(1) == "Noto Sans CJK SC"


@pytest.mark.parametrize("chart", CHARTS, ids=[f"{c.key}-{n}" for n, c in enumerate(CHARTS)])
def test_every_character_has_a_glyph(chart: charts.BarChart, tmp_path: Path) -> None:
    font = cjk_font(SANS)
    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
        cmap = face.getBestCmap()
    text = "".join(chart.texts())
    assert any(ord(c) > 0x2E7F for c in text)  # the chart does print Chinese
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in cmap})
    assert missing == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph … missing from font(s)" warning fails the test
        png = charts.draw_png(chart, tmp_path / f"{chart.key}.png")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 600 and image.height > 200
        low, high = image.convert("L").getextrema()
    assert low < 100 < high  # ink on paper, not a blank page


def test_a_font_without_chinese_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The control: drawn in DejaVu Sans the same chart would show boxes, and draw_png says so."""
    monkeypatch.setattr(charts, "_register_font", lambda: "DejaVu Sans")
    with pytest.raises(charts.GlyphMissing, match="missing from"):
        charts.draw_png(CHARTS[0], tmp_path / "boxes.png")
    assert not (tmp_path / "boxes.png").exists()


def test_chart_data_for_the_web_app() -> None:
    levels = CHARTS[0].to_dict()
    assert levels["key"] == "levels" and levels["unit"] == "%"
    assert len(levels["categories"]) == len(levels["series"][0]["values"])
    mapping = find_mapping("liucheng-2021-self", "liucheng-2021-reeval", [])
    assert mapping is not None


def test_levels_chart_shows_score_rates() -> None:
    evaluated = evaluate_path(REEVAL)
    chart = charts.levels_chart(evaluated.result)
    at = chart.categories.index("目标设定")
    assert chart.series[0].labels[at] == "7/8" and chart.series[0].values[at] == pytest.approx(87.5)
    assert chart.levels[chart.categories.index("投入")] == 1
