"""The stored document: paths, canonical JSON that round-trips every example to the same scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.engine import evaluate
from jixiao.frameworks import load_framework
from jixiao.io.cases import load_case
from jixiao.web.evaluations import documents

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*/case.yaml"))


def test_paths() -> None:
    assert documents.tokens("projects[2].budget") == ["projects", 2, "budget"]
    assert documents.tokens("given[input.goals.x].score") == ["given", "input.goals.x", "score"]
    assert (
        documents.join(["staffing", "on_payroll_by_type", "行政编"])
        == "staffing.on_payroll_by_type[行政编]"
    )
    doc: dict = {}
    documents.set_path(doc, "given[a.b].score", "1")
    assert doc == {"given": {"a.b": {"score": "1"}}}
    documents.set_path(doc, "given[a.b].score", documents.MISSING)
    assert documents.get_path(doc, "given[a.b].score") is None


def test_diff_finds_every_leaf() -> None:
    old = {"a": {"b": "1", "c": []}, "rows": [{"x": "1"}]}
    new = {"a": {"b": "2", "c": ["问题"]}, "rows": [{"x": "1"}, {"x": "2"}]}
    assert documents.diff(old, new) == [
        ("a.b", "1", "2"),
        ("a.c", [], None),
        ("a.c[0]", None, "问题"),
        ("rows[1].x", None, "2"),
    ]


@pytest.mark.parametrize("case_file", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_canonical_json_keeps_every_score_and_explanation(case_file: Path) -> None:
    case = load_case(case_file).case
    framework = load_framework(case.framework)
    stored = documents.dump_facts(case.facts)
    reloaded, errors = documents.validate(stored)
    assert not errors and reloaded is not None
    assert documents.dump_facts(reloaded) == stored
    before = evaluate(framework, case.to_engine()).to_dict()
    after = evaluate(framework, case.model_copy(update={"facts": reloaded}).to_engine()).to_dict()
    assert before == after
