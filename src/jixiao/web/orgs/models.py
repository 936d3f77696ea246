"""Organisations (财政局 → 主管部门 → 预算单位, plus 第三方机构) and each user's role in one of them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from jixiao.web.roles import ORG_KIND_LABELS, PARENT_KIND, ROLE_LABELS, ROLE_ORG_KIND, OrgKind, Role


class Organisation(models.Model):
    name = models.CharField("名称", max_length=100)
    code = models.CharField("统一社会信用代码/单位编码", max_length=40, blank=True)
    kind = models.CharField(
        "类型", max_length=20, choices=[(k.value, v) for k, v in ORG_KIND_LABELS.items()]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The finance bureau this organisation belongs to (itself for a bureau); kept for fast scoping.
    bureau = models.ForeignKey(
        "self",
        verbose_name="所属财政局",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    bureau_id: int | None  # set by Django for the foreign key above

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def org_kind(self) -> OrgKind:
        return OrgKind(self.kind)

    @property
    def kind_label(self) -> str:
        return ORG_KIND_LABELS[self.org_kind]

    def clean(self) -> None:
        expected = PARENT_KIND[self.org_kind]
        parent_kind = OrgKind(self.parent.kind) if self.parent else None
        if expected != parent_kind:
            wanted = ORG_KIND_LABELS[expected] if expected else "无"
            raise ValidationError({"parent": f"{self.kind_label}的上级应为{wanted}"})

    def save(self, *args: object, **kwargs: object) -> None:
        if self.org_kind is OrgKind.BUREAU:
            self.bureau = None  # filled after the first save (needs a pk)
        elif self.parent is not None:
            self.bureau = self.parent.bureau if self.parent.bureau_id else self.parent
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if self.org_kind is OrgKind.BUREAU and self.bureau_id != self.pk:
            type(self).objects.filter(pk=self.pk).update(bureau=self.pk)
            self.bureau_id = self.pk

    def is_within(self, ancestor: Organisation) -> bool:
        node: Organisation | None = self
        while node is not None:
            if node.pk == ancestor.pk:
                return True
            node = node.parent
        return False


class Profile(models.Model):
    """The one organisation and role of a user (a person with two roles has two accounts)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    org = models.ForeignKey(
        Organisation, verbose_name="所属组织", on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(
        "角色", max_length=20, choices=[(r.value, label) for r, label in ROLE_LABELS.items()]
    )

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.org.name} {self.role_label}）"

    @property
    def user_role(self) -> Role:
        return Role(self.role)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.user_role]

    def clean(self) -> None:
        expected = ROLE_ORG_KIND[self.user_role]
        if self.org_id and OrgKind(self.org.kind) is not expected:
            raise ValidationError(
                {
                    "org": f"{self.role_label}应属于{ORG_KIND_LABELS[expected]}，而不是{self.org.kind_label}"
                }
            )


class LoginFailure(models.Model):
    """A failed login, for throttling (by account name and by client address)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=45, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
