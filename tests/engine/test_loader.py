"""loader: framework YAML → validated Framework, with Chinese problems naming file and line."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.engine import FrameworkError, LoadedFramework, Severity, parse_framework
from jixiao.engine.compiled import compile_framework
from jixiao.engine.loader import Resolver
from jixiao.engine.yamltext import parse_yaml
from jixiao.frameworks import FRAMEWORKS_DIR, load_framework
from tests._frameworks import GOOD

D = Decimal


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[nth - 1]


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def load(tmp_path: Path, text: str, name: str = "framework.yaml") -> LoadedFramework:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_framework(path.read_text(encoding="utf-8"), str(path))


def problem(tmp_path: Path, text: str, name: str = "bad.yaml") -> FrameworkError:
    with pytest.raises(FrameworkError) as info:
        load(tmp_path, text, name)
    error = info.value
    assert error.problems
    for found in error.problems:
        assert has_chinese(found.message), found.message
        assert found.place.file == str(tmp_path / name)
        assert f"第{found.place.line}行" in str(error)
    return error


def only(error: FrameworkError) -> tuple[int, str]:
    assert len(error.problems) == 1, str(error)
    return error.problems[0].place.line, error.problems[0].message


# --- a good file ----------------------------------------------------------------------------


def test_good_framework_loads_without_findings(tmp_path: Path) -> None:
    loaded = load(tmp_path, GOOD)
    assert loaded.findings == []
    fw = loaded.framework
    assert [i.code for i in fw.indicators] == ["a", "b"]
    assert fw.indicators[0].children[0].weight == D(4)
    assert isinstance(fw.indicators[0].weight, Decimal)
    assert compile_framework(fw).total == D(10)


def test_codes_default_to_positions(tmp_path: Path) -> None:
    text = re.sub(r"^(\s*)- code: [\w.]+\n(\s*)name:", r"\1- name:", GOOD, flags=re.M)
    fw = load(tmp_path, text).framework
    assert [i.code for i in fw.indicators] == ["1", "2"]
    assert [c.code for c in fw.indicators[0].children] == ["1.1", "1.2"]


def test_yaml_decimals_are_never_floats() -> None:
    data = parse_yaml("weight: 2.5\nrate: 0.905\nn: 3\n", "x.yaml")
    assert data["weight"] == D("2.5")
    assert isinstance(data["weight"], Decimal)
    assert data["rate"] == D("0.905")


# --- errors that name the line --------------------------------------------------------------


def test_misspelt_key(tmp_path: Path) -> None:
    text = GOOD.replace("        weight: 2\n", "        wieght: 2\n")
    line, message = only(problem(tmp_path, text))
    assert line == line_of(text, "wieght")
    assert "未知的键「wieght」" in message
    assert "是否应为「weight」" in message


def test_misspelt_rule_parameter(tmp_path: Path) -> None:
    text = GOOD.replace("full_when: ≥90%", "full_whn: ≥90%")
    error = problem(tmp_path, text)
    lines = {p.place.line: p.message for p in error.problems}
    assert "full_when" in lines[line_of(text, "full_whn")]
    assert "未知的键「full_whn」" in lines[line_of(text, "full_whn")]
    assert any("缺少必填项「full_when」" in m for m in lines.values())


def test_weight_in_chinese_numerals(tmp_path: Path) -> None:
    text = GOOD.replace("        weight: 2\n", "        weight: 五\n")
    line, message = only(problem(tmp_path, text))
    assert line == line_of(text, "weight: 五")
    assert message == "「weight」：「五」不是数字"


def test_grade_bands_with_a_gap(tmp_path: Path) -> None:
    grades = textwrap.dedent(
        """\
        grades:
          - {grade: 优, min: 90}
          - {grade: 良, min: 80, max: 85}
          - {grade: 中, min: 60, max: 80}
          - {grade: 差, min: 0, max: 60}
        """
    )
    text = GOOD.replace("kind: unit_overall\n", "kind: unit_overall\n" + grades)
    line, message = only(problem(tmp_path, text))
    # The problem is placed at ``grades:`` (the whole list is validated at once); the band's own
    # line would be more precise, and either is acceptable.
    assert line in (line_of(text, "grades:"), line_of(text, "grade: 良"))
    assert "等级档位不连续" in message
    assert "「良」上限为85" in message
    assert "「优」自90起" in message


def test_grades_out_of_order_and_without_zero(tmp_path: Path) -> None:
    text = GOOD.replace(
        "kind: unit_overall\n",
        "kind: unit_overall\ngrades: [{grade: 良, min: 80}, {grade: 优, min: 90}]\n",
    )
    assert "从高到低" in only(problem(tmp_path, text))[1]
    text = GOOD.replace(
        "kind: unit_overall\n",
        "kind: unit_overall\ngrades: [{grade: 优, min: 90}, {grade: 良, min: 80}]\n",
    )
    assert "下限应为0" in only(problem(tmp_path, text))[1]


def test_unknown_rule_kind(tmp_path: Path) -> None:
    text = GOOD.replace("kind: judgment", "kind: bandz")
    line, message = only(problem(tmp_path, text))
    assert line == line_of(text, "kind: bandz")
    assert "未知的评分规则类型「bandz」" in message
    assert "是否应为「bands」" in message


def test_bands_with_a_gap(tmp_path: Path) -> None:
    step = "          kind: step_deduction\n"
    start = GOOD.index(step)
    end = GOOD.index("      - code: a.check")
    bands = textwrap.indent(
        textwrap.dedent(
            """\
            kind: bands
            value: budget.actual / budget.adjusted
            bands:
              - {when: ≥90%, score: 4}
              - {when: <80%, score: 0}
            """
        ),
        " " * 10,
    )
    text = GOOD[:start] + bands + GOOD[end:]
    line, message = only(problem(tmp_path, text))
    # At the rule (``rule:``) or at its ``bands:`` list.
    assert line in (line_of(text, "kind: bands") - 1, line_of(text, "    bands:"))
    assert "评分档位不连续" in message
    assert "介于80%与90%之间" in message


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    text = GOOD.replace("    name: 管理制度健全性\n", "    name: 管理制度健全性\n    name: 制度\n")
    line, message = only(problem(tmp_path, text))
    assert line == line_of(text, "name: 制度")
    assert message == "键「name」重复出现"


def test_duplicate_key_inside_a_flow_mapping(tmp_path: Path) -> None:
    text = GOOD.replace("{level: 健全, score: 4}", "{level: 健全, score: 4, score: 3}")
    line, message = only(problem(tmp_path, text))
    assert line == line_of(text, "score: 3")
    assert "「score」重复出现" in message


def test_bad_interval_and_bad_formula(tmp_path: Path) -> None:
    text = GOOD.replace("full_when: ≥90%", "full_when: 九十以上")
    line, message = only(problem(tmp_path, text))
    assert line == line_of(text, "九十以上")
    assert "无法识别的区间" in message
    text = GOOD.replace("value: budget.actual / budget.adjusted", "value: budget.actual ** 2")
    line, message = only(problem(tmp_path, text))
    assert line == line_of(text, "**")
    assert "不允许使用" in message


def test_yaml_syntax_error(tmp_path: Path) -> None:
    text = GOOD.replace("items: [{text: 按规定内容公开}", "items: [{text: 按规定内容公开}}")
    line, message = only(problem(tmp_path, text))
    assert "YAML 格式错误" in message
    assert abs(line - line_of(text, "items:")) <= 1


def test_every_problem_is_listed(tmp_path: Path) -> None:
    text = GOOD.replace("        weight: 2\n", "        wieght: 2\n").replace(
        "kind: unit_overall", "kind: unit"
    )
    error = problem(tmp_path, text)
    lines = sorted(p.place.line for p in error.problems)
    assert lines == sorted([line_of(text, "wieght"), line_of(text, "kind: unit")])


def test_missing_weight_and_missing_rule(tmp_path: Path) -> None:
    text = GOOD.replace("        weight: 2\n", "")
    line, message = only(problem(tmp_path, text))
    assert line == line_of(text, "code: a.check")
    assert "缺少权重" in message
    text = GOOD[: GOOD.index("    rule:\n      kind: judgment")]
    line, message = only(problem(tmp_path, text))
    assert "缺少评分规则" in message
    assert line == line_of(text, "code: b")


def test_rule_on_a_branch(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    weight: 6\n    children:", "    weight: 6\n    rule: {kind: given}\n    children:"
    )
    assert "不能同时有评分规则" in only(problem(tmp_path, text))[1]


def test_duplicate_codes(tmp_path: Path) -> None:
    text = GOOD.replace("code: a.check", "code: a.rate")
    line, message = only(problem(tmp_path, text))
    assert message == "指标编码「a.rate」重复"
    assert line == line_of(text, "code: a.rate", 2)


def test_more_than_four_levels(tmp_path: Path) -> None:
    deep = textwrap.dedent(
        """\
        id: deep
        title: 五级
        kind: project
        indicators:
          - name: 一
            weight: 1
            children:
              - name: 二
                weight: 1
                children:
                  - name: 三
                    weight: 1
                    children:
                      - name: 四
                        weight: 1
                        children:
                          - name: 五
                            weight: 1
                            rule: {kind: given}
        """
    )
    line, message = only(problem(tmp_path, deep))
    assert line == line_of(deep, "name: 五")
    assert "最多支持四级指标" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    line, message = only(problem(tmp_path, "- a\n- b\n"))
    assert line == 1
    assert "顶层应为键值映射" in message


def test_empty_framework(tmp_path: Path) -> None:
    text = "id: x\ntitle: 空\nkind: project\nindicators: []\n"
    assert "没有任何指标" in only(problem(tmp_path, text))[1]


# --- findings, not failures -----------------------------------------------------------------


def test_children_weights_that_do_not_sum_are_a_finding(tmp_path: Path) -> None:
    text = GOOD.replace("        weight: 2\n", "        weight: 3\n")
    loaded = load(tmp_path, text)
    codes = [f.code for f in loaded.findings]
    assert codes == ["framework.weights_do_not_sum"]  # 4+3≠6; the top level still sums to 10
    first = loaded.findings[0]
    assert first.severity is Severity.ERROR
    assert first.where == "预算执行"
    assert first.message == "「预算执行」的下级指标分值4+3=7，与其分值6不一致"


def test_total_that_does_not_match_is_a_finding(tmp_path: Path) -> None:
    loaded = load(
        tmp_path, GOOD.replace("kind: unit_overall\n", "kind: unit_overall\ntotal: 100\n")
    )
    assert [f.code for f in loaded.findings] == ["framework.weights_do_not_sum"]
    assert loaded.findings[0].message == "一级指标分值合计10，与总分100不一致"


def test_default_grades_on_a_total_other_than_100_is_a_finding(tmp_path: Path) -> None:
    loaded = load(tmp_path, GOOD.replace("kind: unit_overall\n", "kind: unit_overall\ntotal: 10\n"))
    assert [f.code for f in loaded.findings] == ["framework.grades_for_100"]
    assert loaded.findings[0].severity is Severity.WARNING


# --- inheritance ----------------------------------------------------------------------------

BASE = textwrap.dedent(
    """\
    id: base
    title: 共性框架
    kind: unit_overall
    abstract: true
    indicators:
      - code: input
        name: 投入
        children:
          - code: input.staff
            name: 在职人员控制率
            rule: {value: staffing.in_post / staffing.authorized, label: 在职人员控制率}
          - code: input.key
            name: 重点支出安排率
            rule: {value: extra.key / budget.project.actual}
      - code: process
        name: 过程
        children:
          - code: process.rules
            name: 管理制度健全性
    """
)
CHILD = textwrap.dedent(
    """\
    id: child
    title: 某县框架
    kind: unit_overall
    extends: base
    remove:
      - input.key
    overrides:
      input: {weight: 4}
      input.staff:
        weight: 4
        rule:
          kind: bands
          bands:
            - {when: ≤100%, score: 4}
            - {when: 其他, score: 0}
      process: {weight: 6}
      process.rules:
        weight: 2
        rule: {kind: judgment, fact: judgments.rules, levels: [{level: 健全, score: 2}, {level: 不健全, score: 0}]}
    add:
      - under: process
        before: process.rules
        indicator:
          code: process.self_evaluation
          name: 预算绩效自评管理
          weight: 4
          rule: {kind: issue_deduction, fact: issues.self_evaluation, deduct: 2}
    """
)


def resolver(**texts: str) -> Resolver:
    def resolve(framework_id: str) -> tuple[str, str]:
        if framework_id not in texts:
            raise KeyError(framework_id)
        return texts[framework_id], f"{framework_id}.yaml"

    return resolve


def test_extends_overrides_remove_add() -> None:
    loaded = parse_framework(CHILD, "child.yaml", resolver(base=BASE))
    fw = loaded.framework
    assert loaded.findings == []
    assert fw.id == "child"
    assert not fw.abstract
    tree = {i.code: [c.code for c in i.children] for i in fw.indicators}
    assert tree == {
        "input": ["input.staff"],
        "process": ["process.self_evaluation", "process.rules"],
    }
    staff = fw.indicators[0].children[0]
    assert staff.name == "在职人员控制率"
    assert staff.weight == D(4)
    # The base gave the formula, the override the kind and bands: the two are merged.
    assert staff.rule is not None
    assert staff.rule["kind"] == "bands"
    assert staff.rule["value"] == "staffing.in_post / staffing.authorized"
    compiled = compile_framework(fw)
    assert compiled.total == D(10)
    node = compiled.node("input.staff")
    assert node is not None
    assert node.scorer is not None
    assert node.scorer({"staffing.in_post": D(38), "staffing.authorized": D(34)}).score == D(0)


SPLIT = textwrap.dedent(
    """\
    id: split
    title: 某县框架
    kind: unit_overall
    extends: base
    remove: [input.key, process]
    overrides:
      input: {weight: 4}
      input.staff: {weight: 4, rule: null}
    add:
      - under: input.staff
        indicator: {code: input.staff.a, name: 行政编, weight: 2, rule: {kind: given}}
      - under: input.staff
        indicator: {code: input.staff.b, name: 事业编, weight: 2, rule: {kind: given}}
    """
)


def test_an_inherited_leaf_becomes_a_branch_with_rule_null() -> None:
    """Splitting an inherited leaf: ``rule: null`` in overrides, then ``add`` under it."""
    staff = parse_framework(SPLIT, "split.yaml", resolver(base=BASE)).framework.indicators[0]
    assert staff.children[0].rule is None
    assert [c.code for c in staff.children[0].children] == ["input.staff.a", "input.staff.b"]
    kept_rule = SPLIT.replace("{weight: 4, rule: null}", "{weight: 4}")
    with pytest.raises(FrameworkError) as caught:
        parse_framework(kept_rule, "split.yaml", resolver(base=BASE))
    assert "在 overrides 中给它写 rule: null" in str(caught.value)


def test_override_with_another_kind_drops_the_base_metric() -> None:
    child = CHILD.replace(
        "    rule:\n      kind: bands\n      bands:\n        - {when: ≤100%, score: 4}\n        - {when: 其他, score: 0}\n",
        "    rule: {kind: judgment, fact: judgments.staff, levels: [{level: 好, score: 4}]}\n",
    )
    fw = parse_framework(child, "child.yaml", resolver(base=BASE)).framework
    assert fw.indicators[0].children[0].rule == {
        "kind": "judgment",
        "fact": "judgments.staff",
        "levels": [{"level": "好", "score": 4}],
    }


@pytest.mark.parametrize(
    ("old", "new", "needle", "phrase"),
    [
        (
            "  - input.key\n",
            "  - input.nothing\n",
            "input.nothing",
            "remove 中的指标编码「input.nothing」不存在",
        ),
        (
            "  input.staff:\n",
            "  input.stuff:\n",
            "input.stuff",
            "overrides 中的指标编码「input.stuff」在被继承的框架中不存在",
        ),
        (
            "  - under: process\n",
            "  - under: proces\n",
            "under: proces",
            "add 的上级指标编码「proces」不存在",
        ),
        (
            "before: process.rules",
            "before: process.none",
            "before:",
            "add 的 before「process.none」不是同级指标编码",
        ),
        ("extends: base", "extends: nobase", "extends:", "找不到被继承的指标体系「nobase」"),
    ],
)
def test_inheritance_errors_name_the_child_line(
    old: str, new: str, needle: str, phrase: str
) -> None:
    child = CHILD.replace(old, new)
    with pytest.raises(FrameworkError) as info:
        parse_framework(child, "child.yaml", resolver(base=BASE))
    (found,) = info.value.problems
    assert found.place.file == "child.yaml"
    assert found.place.line == line_of(child, needle)
    assert found.message == phrase


def test_full_indicators_cannot_be_combined_with_overrides() -> None:
    child = CHILD + "indicators:\n  - {code: z, name: 新, weight: 10, rule: {kind: given}}\n"
    with pytest.raises(FrameworkError, match="不能同时使用 overrides/remove/add") as info:
        parse_framework(child, "child.yaml", resolver(base=BASE))
    assert info.value.problems[0].place.line == line_of(child, "indicators:")


def test_add_needs_a_code() -> None:
    child = CHILD.replace("      code: process.self_evaluation\n", "")
    with pytest.raises(FrameworkError, match="须写明 code"):
        parse_framework(child, "child.yaml", resolver(base=BASE))


def test_extends_without_a_resolver_or_in_a_cycle() -> None:
    with pytest.raises(FrameworkError, match="没有可用的框架目录"):
        parse_framework(CHILD, "child.yaml")
    loop = BASE.replace("abstract: true\n", "abstract: true\nextends: child\n")
    with pytest.raises(FrameworkError, match="循环继承"):
        parse_framework(CHILD, "child.yaml", resolver(base=loop, child=CHILD))


def test_extension_keys_need_extends(tmp_path: Path) -> None:
    text = GOOD + "remove: [a]\n"
    assert "只能用于继承" in only(problem(tmp_path, text))[1]


def test_abstract_framework_cannot_be_evaluated() -> None:
    loaded = parse_framework(BASE, "base.yaml")
    with pytest.raises(ValueError, match="抽象框架"):
        compile_framework(loaded.framework)


def test_errors_in_the_parent_name_the_parent_file() -> None:
    broken = BASE.replace(
        "        name: 管理制度健全性\n", "        name: 管理制度健全性\n        nmae: x\n"
    )
    with pytest.raises(FrameworkError) as info:
        parse_framework(CHILD, "child.yaml", resolver(base=broken))
    (found,) = info.value.problems
    assert found.place.file == "base.yaml"
    assert found.place.line == line_of(broken, "nmae")


# --- the shipped frameworks -----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FRAMEWORKS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_frameworks_load(path: Path) -> None:
    loaded = load_framework(path)
    assert loaded.framework.title
    # Weight findings are allowed: some published frameworks do not add up, and say so.
    assert {f.code for f in loaded.findings} <= {"framework.weights_do_not_sum"}
    if not loaded.framework.abstract:
        compiled = compile_framework(loaded.framework)
        assert all(n.scorer is not None for n in compiled.walk() if not n.children)


def test_liucheng_framework_total() -> None:
    loaded = load_framework("liucheng-2021-reeval")
    compiled = compile_framework(loaded.framework)
    assert compiled.total == D(100)
    assert [n.weight for n in compiled.roots] == [D(14), D(42), D(20), D(24)]
