"""Rounds (评价任务), evaluations, their fact versions, the audit trail, review scores, evidence."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from jixiao.web.workflow import STATE_LABELS, State

ROUND_KINDS = [
    ("unit_self", "部门整体支出绩效自评"),
    ("project_self", "项目支出绩效自评"),
    ("reevaluation", "部门整体支出绩效再评价"),
    ("management_work", "预算绩效管理工作考核"),
]


class Round(models.Model):
    """A round the finance bureau launches: year, kind, pinned framework, units, deadline."""

    bureau = models.ForeignKey(
        "orgs.Organisation", verbose_name="财政局", on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.IntegerField("评价年度")
    kind = models.CharField("评价类型", max_length=30, choices=ROUND_KINDS)
    title = models.CharField("任务名称", max_length=200)
    framework = models.ForeignKey(
        "frameworks.FrameworkVersion",
        verbose_name="指标体系（锁定版本）",
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    deadline = models.DateTimeField("截止时间")
    instructions = models.TextField("填报说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评价任务"
        verbose_name_plural = "评价任务"
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return dict(ROUND_KINDS).get(self.kind, self.kind)


class Evaluation(models.Model):
    """One unit's evaluation within a round: its workflow state and its current fact version."""

    round = models.ForeignKey(
        Round, verbose_name="评价任务", on_delete=models.PROTECT, related_name="evaluations"
    )
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="预算单位",
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    framework = models.ForeignKey(
        "frameworks.FrameworkVersion",
        verbose_name="适用指标体系（锁定版本）",
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    deadline = models.DateTimeField("本单位截止时间")
    third_party = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="第三方评价机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_evaluations",
    )
    state = models.CharField(
        "状态",
        max_length=20,
        choices=[(s.value, label) for s, label in STATE_LABELS.items()],
        default=State.DRAFT.value,
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    return_reason = models.TextField("退回理由", blank=True)
    current = models.ForeignKey(
        "FactVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="当前版本",
    )

    class Meta:
        verbose_name = "单位评价"
        verbose_name_plural = "单位评价"
        ordering = ["round", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="one_evaluation_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.round.title} · {self.unit.name}"

    @property
    def workflow_state(self) -> State:
        return State(self.state)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.workflow_state]

    @property
    def deadline_passed(self) -> bool:
        return timezone.now() > self.deadline

    @property
    def days_left(self) -> int:
        return (self.deadline - timezone.now()).days


class FactVersion(models.Model):
    """One version of a unit-year's facts, stored as validated ``UnitYear`` JSON.

    ``section_revisions`` counts saves per form section (optimistic locking).  Submission sets
    ``frozen_at`` and ``snapshot`` (facts + framework version + results); a frozen version never
    changes again, and reopening the evaluation creates the next version.
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    facts = models.JSONField("事实")
    given = models.JSONField("评价人给分", default=dict)
    not_applicable = models.JSONField("不适用指标", default=dict)
    section_revisions = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_reason = models.CharField(max_length=300, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "事实版本"
        verbose_name_plural = "事实版本"
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="fact_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} 第{self.number}版"

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("frozen_at").first()
            if stored and stored["frozen_at"] is not None:
                raise ValidationError(f"第{self.number}版已于提交时冻结，不可修改")
        super().save(*args, **kwargs)


class AppendOnly(models.Model):
    """Rows that are written once and never updated or deleted (audit and event logs)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise ValidationError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("审计记录只能追加，不能删除")


class Change(AppendOnly):
    """One changed field: facts, targets, given scores, review scores, states, deadlines, files."""

    KINDS = [
        ("fact", "事实"),
        ("given", "评价人给分"),
        ("review", "复核评分"),
        ("state", "状态"),
        ("evidence", "佐证材料"),
        ("deadline", "截止时间"),
        ("assignment", "任务分配"),
    ]
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="changes")
    version = models.PositiveIntegerField("版本号")
    kind = models.CharField(max_length=10, choices=KINDS)
    section = models.CharField(max_length=30, blank=True)
    revision = models.PositiveIntegerField(default=0)  # the section's revision after this save
    field = models.CharField("字段", max_length=300, db_index=True)
    label = models.CharField("名称", max_length=300)
    old = models.JSONField("原值", null=True)
    new = models.JSONField("新值", null=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "修改记录"
        verbose_name_plural = "修改记录"
        ordering = ["-at", "-id"]


class Event(AppendOnly):
    """A workflow action: who moved the evaluation from which state to which, and why."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=30)
    label = models.CharField(max_length=100)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    version = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["-at", "-id"]

    @property
    def from_label(self) -> str:
        return STATE_LABELS[State(self.from_state)]

    @property
    def to_label(self) -> str:
        return STATE_LABELS[State(self.to_state)]


class ReviewScore(models.Model):
    """A reviewer's score for one indicator, with the reason (the basis for 复核)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="review_scores"
    )
    indicator_code = models.CharField(max_length=100)
    indicator_name = models.CharField(max_length=200)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=20)
    score = models.DecimalField("复核得分", max_digits=9, decimal_places=2)
    reason = models.TextField("理由")
    version = models.PositiveIntegerField("评分时的事实版本")
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "复核评分"
        verbose_name_plural = "复核评分"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator_code", "reviewer"], name="one_review_score"
            )
        ]


class Evidence(models.Model):
    """A 佐证材料 file attached to a fact (field path) or an indicator, stored outside the web root."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="evidence")
    version = models.PositiveIntegerField("上传时的版本")
    target = models.CharField("所属事实或指标", max_length=300)
    target_label = models.CharField(max_length=300)
    original_name = models.CharField("文件名", max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["target", "uploaded_at"]
