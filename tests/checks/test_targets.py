"""绩效目标质量审核: the re-evaluator's findings on 柳城 2021, and each rule on its own."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.checks.findings import TargetFinding
from jixiao.checks.targets import TargetRulesError, load_target_rules, review_targets
from jixiao.engine.numbers import Percent
from jixiao.engine.result import Severity
from jixiao.facts.model import Target
from jixiao.io.cases import load_case
from tests.checks.conftest import REPO


def _liucheng_targets() -> list[Target]:
    for name in ("liucheng-2021-self", "liucheng-2021-reeval"):
        path = REPO / "examples" / name
        if (path / "case.yaml").exists():
            return list(load_case(path).case.facts.targets)
    pytest.skip("柳城案例不存在")


def _codes(findings: list[TargetFinding], target: str) -> set[str]:
    return {f.code for f in findings if f.target == target}


def _category_codes(findings: list[TargetFinding], category: str) -> set[str]:
    return {f.code for f in findings if f.category == category}


# ---------------------------------------------------------------------------------------------
# seed 004: what the re-evaluator deducted for, rule by rule


@pytest.fixture(scope="module")
def liucheng() -> list[TargetFinding]:
    return review_targets(_liucheng_targets())


def test_quantity_monthly_doing_well_is_not_a_count(liucheng: list[TargetFinding]) -> None:
    # 再评价：“每月做好应急救援管理工作”不属于数量指标，未反映完成救援工作的数量
    assert "target.no_count" in _codes(liucheng, "每月做好应急救援管理工作")
    # the other two quantity targets are countable (一次; 每季度开展)
    assert "target.no_count" not in _codes(liucheng, "每年开展“安全生产月”活动一次")
    assert "target.no_count" not in _codes(liucheng, "每季度开展安全生产大检查、专项督查")


def test_quality_targets_show_no_outcome(liucheng: list[TargetFinding]) -> None:
    # 再评价：指标设置不准确，应反映出该工作完成后是否能降低事故发生等情况
    for name in (
        "普及安全生产知识、做好安全生产监管工作",
        "做好防火、防汛、防灾减灾工作",
        "做好安全生产监管工作",
    ):
        assert "target.no_outcome" in _codes(liucheng, name)


def test_timeliness_doing_well_has_no_time(liucheng: list[TargetFinding]) -> None:
    # 再评价：“做好应急救援管理工作”不属于时效指标，未反映多少时间做出响应
    no_time = [f for f in liucheng if f.code == "target.no_time"]
    assert [f.target for f in no_time] == ["做好应急救援管理工作"]
    assert no_time[0].category == "时效指标"


def test_cost_value_repeats_the_name(liucheng: list[TargetFinding]) -> None:
    # 再评价：指标值与指标一致，应反映完成该工作需要的成本
    cost = _category_codes(liucheng, "成本指标")
    assert {"target.value_equals_name", "target.cost_no_amount"} <= cost


def test_sustainability_duplicated_and_without_horizon(liucheng: list[TargetFinding]) -> None:
    # 再评价：指标设置重复，并且应设定为履职效益持续影响的期限，如长期、中期、短期
    codes = _category_codes(liucheng, "可持续影响指标")
    assert {"target.duplicate", "target.no_horizon"} <= codes
    horizon = [f for f in liucheng if f.code == "target.no_horizon"]
    assert len(horizon) == 2


def test_satisfaction_not_quantified_when_declared_and_not_satisfaction(
    liucheng: list[TargetFinding],
) -> None:
    # 再评价：目标申报时未量化，自评时量化，扣0.5分；“降低事故的发生，提高企业效益”不属于满意度指标
    satisfaction = [f for f in liucheng if f.category == "服务对象满意度指标"]
    by_code = {f.code: f for f in satisfaction}
    assert by_code["target.not_quantified"].target == "群众对应急救援工作满意度90%以上"
    assert "95%" in by_code["target.not_quantified"].message
    assert by_code["target.not_survey"].target == "降低事故的发生，提高企业效益"


def test_every_finding_has_a_reason_and_a_fix(liucheng: list[TargetFinding]) -> None:
    for finding in liucheng:
        assert finding.message.startswith("「") and finding.fix
        assert finding.where.startswith("绩效指标第")


def test_error_findings_are_the_unusable_targets(liucheng: list[TargetFinding]) -> None:
    errors = {(f.code, f.target) for f in liucheng if f.severity is Severity.ERROR}
    assert errors == {
        ("target.no_count", "每月做好应急救援管理工作"),
        ("target.no_time", "做好应急救援管理工作"),
        ("target.cost_no_amount", "应急救援宣传资料费、业务费等"),
        ("target.value_equals_name", "应急救援宣传资料费、业务费等"),
        ("target.cost_no_amount", "安全生产大检查及活动月宣传资料费、培训费、业务费、汽油费等"),
        ("target.value_equals_name", "安全生产大检查及活动月宣传资料费、培训费、业务费、汽油费等"),
        ("target.not_survey", "降低事故的发生，提高企业效益"),
    }


# ---------------------------------------------------------------------------------------------
# each rule on a small example


def _one(target: Target, **kwargs: object) -> set[str]:
    return {f.code for f in review_targets([target], **kwargs)}  # type: ignore[arg-type]


def test_good_targets_pass() -> None:
    good = [
        Target(
            name="开展应急演练", category="数量指标", comparator="≥", target=Decimal(4), unit="次"
        ),
        Target(name="隐患整改合格率", category="质量指标", comparator="≥", target=Percent("0.95")),
        Target(
            name="接报后响应时间",
            category="时效指标",
            comparator="≤",
            target=Decimal(30),
            unit="分钟",
        ),
        Target(
            name="演练成本", category="成本指标", comparator="≤", target=Decimal(20), unit="万元"
        ),
        Target(name="服务对象满意度", category="满意度指标", comparator="≥", target=Percent("0.9")),
        Target(name="应急救援体系长期发挥作用", category="可持续影响指标", comparator="定性"),
    ]
    assert review_targets(good) == []


def test_wording_with_values_passes() -> None:
    assert _one(Target(name="每季度末前完成安全检查", category="时效指标")) == set()
    assert _one(Target(name="全年组织培训不少于５期", category="数量指标")) == set()
    assert _one(Target(name="服务对象满意度不低于９０％", category="满意度指标")) == set()


def test_vague_verb() -> None:
    codes = _one(Target(name="加强安全生产宣传", category="社会效益指标"))
    assert codes == {"target.vague_verb"}


def test_timeliness_with_only_timely() -> None:
    findings = review_targets([Target(name="及时处置突发事件", category="时效指标")])
    assert findings[0].code == "target.no_time" and "及时" in findings[0].message


def test_cost_with_greater_or_equal() -> None:
    codes = _one(
        Target(
            name="培训经费", category="成本指标", comparator="≥", target=Decimal(10), unit="万元"
        )
    )
    assert codes == {"target.cost_wrong_direction"}
    assert "target.cost_wrong_direction" in _one(
        Target(name="培训经费不低于10万元", category="成本指标")
    )


def test_satisfaction_by_complaints_and_unrelated_clause() -> None:
    assert "target.not_survey" in _one(Target(name="未收到投诉", category="满意度指标"))
    codes = _one(Target(name="群众满意度90%以上，降低事故的发生", category="满意度指标"))
    assert "target.unrelated_clause" in codes


def test_declared_number_without_comparator_or_unit() -> None:
    findings = review_targets([Target(name="培训人数", category="数量指标", target=Decimal(200))])
    assert [f.code for f in findings] == ["target.not_quantified"]
    assert "比较符" in findings[0].message and "计量单位" in findings[0].message


def test_fake_quantification() -> None:
    codes = _one(
        Target(name="社会效益明显", category="社会效益指标", comparator="≥", target=Percent("0.95"))
    )
    assert codes == {"target.fake_quantified"}


def test_too_low_uses_the_130_percent_rule() -> None:
    low = Target(
        name="开展检查",
        category="数量指标",
        comparator="≥",
        target=Decimal(10),
        unit="次",
        actual=Decimal(13),
    )
    fine = Target(
        name="开展检查",
        category="数量指标",
        comparator="≥",
        target=Decimal(10),
        unit="次",
        actual=Decimal(12),
    )
    assert "target.too_low" in _one(low)
    assert "target.too_low" not in _one(fine)
    cost = Target(
        name="经费",
        category="成本指标",
        comparator="≤",
        target=Decimal(100),
        unit="万元",
        actual=Decimal(50),
    )
    assert "target.too_low" in _one(cost)


def test_duplicates_and_overlap() -> None:
    findings = review_targets(
        [
            Target(name="降低事故的发生，提高企业效益", category="经济效益指标"),
            Target(name="降低事故的发生、提高企业效益", category="可持续影响指标"),
            Target(name="做好监管工作", category="质量指标"),
            Target(name="普及知识、做好监管工作", category="质量指标"),
        ]
    )
    duplicate = [f for f in findings if f.code == "target.duplicate"]
    assert [f.category for f in duplicate] == ["可持续影响指标"]
    assert "第1条" in duplicate[0].message
    assert any(f.code == "target.overlap" and f.target == "做好监管工作" for f in findings)


def test_copied_across_units() -> None:
    mine = [
        Target(
            name="受益老年人或其家属满意度",
            category="满意度指标",
            comparator="≥",
            target=Percent("0.9"),
        )
    ]
    peers = {"某民政局": [Target(name="受益老年人或其家属满意度", category="满意度指标")]}
    findings = review_targets(mine, peers=peers)
    assert [f.code for f in findings] == ["target.copied_across_units"]
    assert "某民政局" in findings[0].message
    common = [
        Target(name="服务对象满意度", category="满意度指标", comparator="≥", target=Percent("0.9"))
    ]
    assert review_targets(common, peers={"乙": common}) == []


# ---------------------------------------------------------------------------------------------
# rules are data


def test_locality_can_override_words_and_thresholds(tmp_path: Path) -> None:
    rules_file = tmp_path / "local.yaml"
    rules_file.write_text(
        "too_low_ratio: 1.1\nvague_verbs: [抓好]\nseverity:\n  target.vague_verb: error\n",
        encoding="utf-8",
    )
    rules = load_target_rules(rules_file)
    assert rules.too_low_ratio == Decimal("1.1")
    assert rules.frequency_words  # untouched keys keep their defaults
    target = Target(
        name="开展检查",
        category="数量指标",
        comparator="≥",
        target=Decimal(10),
        unit="次",
        actual=Decimal(12),
    )
    assert "target.too_low" in {f.code for f in review_targets([target], rules)}
    findings = review_targets([Target(name="抓好宣传", category="社会效益指标")], rules)
    assert [(f.code, f.severity) for f in findings] == [("target.vague_verb", Severity.ERROR)]
    assert review_targets([Target(name="加强宣传", category="社会效益指标")], rules) == []


def test_misspelt_rules_key_is_an_error(tmp_path: Path) -> None:
    rules_file = tmp_path / "bad.yaml"
    rules_file.write_text("too_low_ration: 1.1\n", encoding="utf-8")
    with pytest.raises(TargetRulesError, match="too_low_ration：未知的键"):
        load_target_rules(rules_file)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("培训人次≥500人次", "数量指标"),
        ("新建应急避难场所３处", "数量指标"),
        ("项目验收合格率100%", "质量指标"),
        ("资金拨付及时率≥95%", "时效指标"),
        ("项目于2021年12月31日前完工", "时效指标"),
        ("接警后不超过30分钟到达现场", "时效指标"),
        ("人均培训成本≤200元", "成本指标"),
        ("项目总成本控制在120万元以内", "成本指标"),
        ("带动就业人数≥50人", "社会效益指标"),
        ("生产安全事故起数同比下降10%", "社会效益指标"),
        ("应急设施持续发挥作用年限≥5年", "可持续影响指标"),
        ("受益群众满意度不低于90%", "满意度指标"),
        ("服务对象满意率≥９０％", "满意度指标"),
    ],
)
def test_well_written_wording_passes(name: str, category: str) -> None:
    assert review_targets([Target(name=name, category=category)]) == []
