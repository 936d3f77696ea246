"""Framework versions (指标体系版本): YAML as written, the resolved framework, draft or published.

A published version never changes: editing creates a new draft version, and rounds and
evaluations pin the exact version they use.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from jixiao.engine.model import KIND_LABELS


class FrameworkVersion(models.Model):
    DRAFT = "draft"
    PUBLISHED = "published"
    STATUS_CHOICES = [(DRAFT, "草稿"), (PUBLISHED, "已发布")]

    framework_id = models.CharField("指标体系编号", max_length=100, db_index=True)
    version = models.PositiveIntegerField("版本号")
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=30)
    year = models.IntegerField("年度", null=True, blank=True)
    locality = models.CharField("地区", max_length=100, blank=True)
    yaml_text = models.TextField("YAML 原文")
    # The validated framework after inheritance (``extends``) is resolved: what evaluations use.
    resolved = models.JSONField("解析后的指标体系")
    sha256 = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    owner = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所属财政局",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="为空表示随系统提供的指标体系（只读）",
    )
    note = models.CharField("修改说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "指标体系版本"
        verbose_name_plural = "指标体系版本"
        ordering = ["framework_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["framework_id", "version"], name="framework_version")
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.framework_id} 第{self.version}版）"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_published(self) -> bool:
        return self.status == self.PUBLISHED

    @property
    def label(self) -> str:
        return f"{self.title} · 第{self.version}版"

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("status", "sha256").first()
            if stored and stored["status"] == self.PUBLISHED and stored["sha256"] != self.sha256:
                raise ValidationError("已发布的指标体系版本不可修改，请另存为新版本")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
