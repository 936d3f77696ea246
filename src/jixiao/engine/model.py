"""The framework (指标体系) schema: what a framework YAML file may say, checked strictly."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from jixiao.engine.numbers import Number, format_number

FrameworkKind = Literal["unit_overall", "project", "management_work"]
NAPolicy = Literal["full_marks", "rescale", "redistribute"]
WeightMismatch = Literal["rescale", "cap", "sum"]
MAX_LEVELS = 4

KIND_LABELS = {
    "unit_overall": "部门整体支出",
    "project": "项目支出",
    "management_work": "预算绩效管理工作考核",
}
NA_LABELS = {
    "full_marks": "不适用指标按满分计",
    "rescale": "不考核不适用指标，按适用指标得分折算为百分制",
    "redistribute": "不适用指标的分值按比例分给同级指标",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GradeBand(Strict):
    """A grade and its lower bound (inclusive); ``max`` (exclusive, top band inclusive) is optional."""

    grade: str
    min: Number
    max: Number | None = None


DEFAULT_GRADES = [
    GradeBand(grade="优", min=Decimal(90)),
    GradeBand(grade="良", min=Decimal(80)),
    GradeBand(grade="中", min=Decimal(60)),
    GradeBand(grade="差", min=Decimal(0)),
]


class Rounding(Strict):
    places: int = Field(2, ge=0, le=6)
    mode: Literal["half_up", "half_even", "down"] = "half_up"
    percent_places: int = Field(2, ge=0, le=6)


class Indicator(Strict):
    """One node of the indicator tree; a leaf carries a scoring rule."""

    name: str
    code: str | None = None
    weight: Number | None = None
    definition: str | None = None
    formula_text: str | None = None
    standard: str | None = None
    rule: dict[str, Any] | None = None
    na_policy: NAPolicy | None = None
    children: list[Indicator] = []

    @field_validator("name")
    @classmethod
    def _named(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("指标名称不能为空")
        return name.strip()

    @field_validator("weight")
    @classmethod
    def _non_negative(cls, weight: Decimal | None) -> Decimal | None:
        if weight is not None and weight < 0:
            raise ValueError("权重不能为负数")
        return weight

    @model_validator(mode="after")
    def _leaf_or_branch(self) -> Indicator:
        if self.children and self.rule is not None:
            raise ValueError(
                f"指标「{self.name}」有下级指标，不能同时有评分规则（规则写在末级指标上；"
                "要把继承来的末级指标细分为下级指标时，在 overrides 中给它写 rule: null）"
            )
        return self


class Addition(Strict):
    """An indicator an extending framework adds under ``under`` (a parent code; omit for top level)."""

    under: str | None = None
    before: str | None = None
    indicator: Indicator


class Framework(Strict):
    id: str
    title: str
    locality: str = ""
    year: int | None = None
    kind: FrameworkKind
    source: str = ""
    description: str = ""
    extends: str | None = None
    abstract: bool = False
    total: Number | None = None
    grades: list[GradeBand] = DEFAULT_GRADES
    rounding: Rounding = Rounding()
    na_policy: NAPolicy = "full_marks"
    weight_mismatch: WeightMismatch = "rescale"
    indicators: list[Indicator] = []
    overrides: dict[str, dict[str, Any]] = {}
    remove: list[str] = []
    add: list[Addition] = []

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not value or any(c.isspace() or c in "/\\" for c in value):
            raise ValueError("id 须为不含空格和斜杠的标识，如 liucheng-2021-reeval")
        return value

    @field_validator("grades")
    @classmethod
    def _grades_are_contiguous(cls, grades: list[GradeBand]) -> list[GradeBand]:
        if not grades:
            raise ValueError("至少需要一个等级")
        ordered = sorted(grades, key=lambda g: g.min, reverse=True)
        if ordered != grades:
            raise ValueError("等级须按下限从高到低排列（如 优、良、中、差）")
        for higher, lower in pairwise(grades):
            if higher.min == lower.min:
                raise ValueError(f"等级「{higher.grade}」与「{lower.grade}」的下限相同")
            if lower.max is not None and lower.max != higher.min:
                raise ValueError(
                    f"等级档位不连续：「{lower.grade}」上限为{format_number(lower.max)}，"
                    f"而「{higher.grade}」自{format_number(higher.min)}起"
                )
        if grades[-1].min > 0:
            raise ValueError(f"最低等级「{grades[-1].grade}」的下限应为0，否则低分没有等级")
        return grades

    @model_validator(mode="after")
    def _extension_keys(self) -> Framework:
        if self.extends is None and (self.overrides or self.remove or self.add):
            raise ValueError("overrides/remove/add 只能用于继承其他指标体系（extends）的框架")
        return self
