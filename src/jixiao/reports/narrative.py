"""The prose only people can write, taken from a case's ``narrative`` and never invented.

Each field has a label and is either *required* (the report shows a clearly marked placeholder
when the case leaves it empty) or *optional* (the report leaves it out). A case may carry further
keys for a house template; they are passed through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDER_MARK = "【待填写】"


@dataclass(frozen=True, slots=True)
class NarrativeField:
    key: str
    label: str
    required: bool
    hint: str


FIELDS: tuple[NarrativeField, ...] = (
    NarrativeField("preface", "前言", False, "评价依据的文件与本报告的范围"),
    NarrativeField("functions", "部门（单位）职能", True, "部门（单位）的主要职能职责（三定方案）"),
    NarrativeField("organization", "机构与人员补充说明", False, "内设机构、人员变动等说明"),
    NarrativeField("budget", "预算收支补充说明", False, "预算编制与收支变动原因"),
    NarrativeField("projects", "预算执行与项目补充说明", False, "重点项目实施情况与执行偏差原因"),
    NarrativeField("targets", "绩效目标设定情况", True, "年度绩效目标及其设定依据"),
    NarrativeField("target_results", "绩效目标完成情况分析", False, "目标完成或未完成的原因"),
    NarrativeField(
        "eval_organization", "评价组织", True, "评价工作的组织（领导小组、工作组、分工）"
    ),
    NarrativeField("eval_methods", "评价方法", True, "采用的评价方法（如比较法、因素分析法）"),
    NarrativeField("eval_process", "评价过程", True, "前期准备、组织实施、分析评价各阶段"),
    NarrativeField("analysis", "绩效分析补充", False, "对评价结论的补充分析"),
    NarrativeField("causes", "原因分析", True, "存在问题的原因分析"),
    NarrativeField("measures", "改进措施及建议", True, "针对问题的整改措施和建议"),
    NarrativeField("application", "评价结果应用", True, "评价结果用于预算安排、整改、问责等的情况"),
    NarrativeField("disclosure", "信息公开", True, "评价报告公开的方式和范围"),
    NarrativeField("other", "其他需说明的情况", False, "其他需要说明的事项"),
    NarrativeField("preparer", "填报人", True, "填报人姓名"),
    NarrativeField("phone", "联系电话", True, "联系电话"),
    NarrativeField("date", "报告日期", True, "报告日期，如2022年3月31日"),
)
BY_KEY = {f.key: f for f in FIELDS}
SHORT = {"preparer", "phone", "date"}


def placeholder(field: NarrativeField) -> str:
    if field.key in SHORT:
        return PLACEHOLDER_MARK
    return f"{PLACEHOLDER_MARK}{field.label}：{field.hint}。此部分须由单位填写，系统不生成。"


def is_placeholder(text: str) -> bool:
    return text.startswith(PLACEHOLDER_MARK)


def resolve(given: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """All narrative fields as printed, and the labels of required fields still to be written."""
    out: dict[str, str] = {}
    pending: list[str] = []
    for field in FIELDS:
        text = (given.get(field.key) or "").strip()
        if text:
            out[field.key] = text
        elif field.required:
            out[field.key] = placeholder(field)
            pending.append(field.label)
        else:
            out[field.key] = ""
    for key, text in given.items():
        if key not in out:
            out[key] = text.strip()
    return out, pending
