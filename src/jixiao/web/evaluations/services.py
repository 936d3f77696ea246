"""Mutations of evaluations, each in one transaction with its audit records.

Views call these and only these to change data: saving a form section (with optimistic locking),
workflow actions (with snapshots and new versions), review scores, evidence files, deadlines.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from jixiao.engine.numbers import format_number
from jixiao.web import access
from jixiao.web.evaluations import catalog, documents, scoring
from jixiao.web.evaluations.models import (
    Change,
    Evaluation,
    Event,
    Evidence,
    FactVersion,
    ReviewScore,
)
from jixiao.web.workflow import STATE_LABELS, State, WorkflowError, transition


def current_document(version: FactVersion) -> dict[str, Any]:
    return documents.compose(version.facts, version.given, version.not_applicable)


def role_value(user: Any) -> str:
    role = access.role_of(user)
    return role.value if role else ""


# --- saving a section --------------------------------------------------------------------------


@dataclass
class SaveOutcome:
    saved: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    conflict: list[Change] | None = None  # the other saves that overtook this one
    revision: int = 0
    message: str = ""


def _record_changes(
    evaluation: Evaluation,
    version: FactVersion,
    user: Any,
    differences: list[tuple[str, Any, Any]],
    section: str,
    revision: int,
    label: Callable[[str, Any], str],
) -> list[Change]:
    """One audit row per changed field (old and new value), written together."""
    now = timezone.now()
    changes = [
        Change(
            evaluation=evaluation,
            version=version.number,
            kind="given" if path.startswith(("given", "not_applicable")) else "fact",
            section=section,
            revision=revision,
            field=path,
            label=label(path, new),
            old=old,
            new=new,
            user=user,
            role=role_value(user),
            at=now,
        )
        for path, old, new in differences
    ]
    Change.objects.bulk_create(changes)
    return changes


def section_revision(version: FactVersion, key: str) -> int:
    return int(version.section_revisions.get(key, 0))


def save_section(
    evaluation_id: int,
    user: Any,
    section_key: str,
    data: QueryDict,
    base_revision: int,
    base_version: int,
) -> SaveOutcome:
    """Save one form section; refuse (keeping nothing half-done) on conflict or invalid input."""
    with transaction.atomic():
        evaluation = access.evaluation_or_404(user, evaluation_id, for_update=True)
        access.require_edit(user, evaluation)
        version = FactVersion.objects.select_for_update().get(pk=evaluation.current_id)
        compiled = scoring.compiled(evaluation.framework)
        doc = current_document(version)
        section = _section(compiled, doc, section_key)
        revision = section_revision(version, section_key)
        if base_version != version.number or base_revision != revision:
            overtaken = Change.objects.filter(
                evaluation=evaluation, version=version.number, section=section_key
            )
            if base_version == version.number:
                overtaken = overtaken.filter(revision__gt=base_revision)
            others = list(overtaken.select_related("user").order_by("at", "id"))
            who = "、".join(sorted({c.user.get_full_name() or c.user.username for c in others}))
            return SaveOutcome(
                conflict=others,
                revision=revision,
                message=(
                    f"保存被拒绝：在您打开此页之后，「{section.title}」已被{who or '他人'}修改。"
                    "您填写的内容仍保留在下方表单中，请对照他人的修改核对后再保存。"
                ),
            )
        parsed = section.parse(data, doc)
        if parsed.errors:
            return SaveOutcome(errors=parsed.errors, warnings=parsed.warnings, revision=revision)
        new_doc = section.apply(doc, parsed)
        facts, given, not_applicable = documents.split(new_doc)
        facts["year"] = evaluation.round.year
        unit_year, errors = documents.validate(facts)
        _, given_errors = scoring.given_entries(given)
        errors.update(given_errors)
        if unit_year is None or errors:
            return SaveOutcome(errors=errors, warnings=parsed.warnings, revision=revision)
        facts = documents.dump_facts(unit_year)
        new_doc = documents.compose(facts, given, not_applicable)
        differences = documents.diff(doc, new_doc)
        if not differences:
            return SaveOutcome(
                saved=True, warnings=parsed.warnings, revision=revision, message="没有修改"
            )
        revision += 1
        version.facts, version.given, version.not_applicable = facts, given, not_applicable
        version.section_revisions = {**version.section_revisions, section_key: revision}
        version.save(update_fields=["facts", "given", "not_applicable", "section_revisions"])
        changes = _record_changes(
            evaluation,
            version,
            user,
            differences,
            section_key,
            revision,
            lambda path, new: catalog.label_for(
                path, new_doc if new is not None else doc, compiled
            ),
        )
        return SaveOutcome(
            saved=True,
            warnings=parsed.warnings,
            changes=changes,
            revision=revision,
            message=f"已保存「{section.title}」，修改{len(changes)}处",
        )


def _section(compiled: Any, doc: dict[str, Any], key: str) -> catalog.Section:
    for section in catalog.sections_for(compiled, doc):
        if section.key == key:
            return section
    raise KeyError(key)


def replace_facts(
    evaluation_id: int,
    user: Any,
    facts: dict[str, Any],
    base_version: int,
    source: str,
    *,
    given: dict[str, Any] | None = None,
    not_applicable: dict[str, Any] | None = None,
) -> SaveOutcome:
    """Replace the facts wholesale (Excel import): validated, audited field by field."""
    with transaction.atomic():
        evaluation = access.evaluation_or_404(user, evaluation_id, for_update=True)
        access.require_edit(user, evaluation)
        version = FactVersion.objects.select_for_update().get(pk=evaluation.current_id)
        if version.number != base_version:
            return SaveOutcome(message="导入被拒绝：评价已生成新版本，请刷新后重新导入")
        facts = dict(facts)
        facts["year"] = evaluation.round.year
        unit_year, errors = documents.validate(facts)
        if unit_year is None:
            return SaveOutcome(errors=errors)
        old_doc = current_document(version)
        clean = documents.dump_facts(unit_year)
        new_given = version.given if given is None else given
        new_na = version.not_applicable if not_applicable is None else not_applicable
        _, given_errors = scoring.given_entries(new_given)
        if given_errors:
            return SaveOutcome(errors=given_errors)
        new_doc = documents.compose(clean, new_given, new_na)
        differences = documents.diff(old_doc, new_doc)
        compiled = scoring.compiled(evaluation.framework)
        revisions = dict(version.section_revisions)
        for section in catalog.sections_for(compiled, new_doc):
            revisions[section.key] = int(revisions.get(section.key, 0)) + 1
        version.facts, version.section_revisions = clean, revisions
        version.given, version.not_applicable = new_given, new_na
        version.save(update_fields=["facts", "given", "not_applicable", "section_revisions"])
        changes = _record_changes(
            evaluation,
            version,
            user,
            differences,
            "import",
            0,
            lambda path, new: f"{catalog.label_for(path, new_doc, compiled)}（{source}）",
        )
        return SaveOutcome(saved=True, changes=changes, message=f"已导入，修改{len(changes)}处")


# --- workflow ---------------------------------------------------------------------------------


def perform(evaluation_id: int, user: Any, key: str, reason: str = "") -> tuple[Evaluation, str]:
    """Take a workflow action; returns the evaluation and a message.  Raises on refusal."""
    with transaction.atomic():
        evaluation = access.evaluation_or_404(user, evaluation_id, for_update=True)
        access.require_action(user, evaluation, key)
        profile = access.profile_of(user)
        assert profile is not None
        before = evaluation.workflow_state
        action, after = transition(before, key, profile.user_role, reason)
        version = FactVersion.objects.select_for_update().get(pk=evaluation.current_id)
        if action.freezes:
            if evaluation.deadline_passed:
                raise WorkflowError("已过本单位的截止时间，不能提交；如需延期请联系财政局")
            problem = freeze(evaluation, version, user)
            if problem:
                raise WorkflowError(problem)
            evaluation.return_reason = ""
        if action.new_version:
            version = FactVersion.objects.create(
                evaluation=evaluation,
                number=version.number + 1,
                facts=version.facts,
                given=version.given,
                not_applicable=version.not_applicable,
                section_revisions={},
                created_by=user,
                created_reason=f"{action.label}：{reason}",
            )
            evaluation.current = version
            evaluation.return_reason = reason
        evaluation.state = after.value
        evaluation.state_changed_at = timezone.now()
        evaluation.save(update_fields=["state", "state_changed_at", "current", "return_reason"])
        Event.objects.create(
            evaluation=evaluation,
            action=action.key,
            label=action.label,
            from_state=before.value,
            to_state=after.value,
            reason=reason.strip(),
            version=version.number,
            user=user,
            role=profile.role,
        )
        Change.objects.create(
            evaluation=evaluation,
            version=version.number,
            kind="state",
            section="workflow",
            field="state",
            label=f"状态（{action.label}）",
            old=STATE_LABELS[before],
            new=STATE_LABELS[after],
            user=user,
            role=profile.role,
        )
        message = f"已{action.label}：{STATE_LABELS[before]} → {STATE_LABELS[after]}"
        if action.new_version:
            message += f"；已生成第{version.number}版供单位修改"
        return evaluation, message


def freeze(evaluation: Evaluation, version: FactVersion, user: Any) -> str | None:
    """Freeze the version: snapshot of facts + framework version + results.  Returns a problem."""
    scored = scoring.score_document(evaluation.framework, current_document(version))
    if scored.result is None:
        return "事实数据未通过校验，不能提交：" + "；".join(
            f"{k}：{v}" for k, v in list(scored.errors.items())[:5]
        )
    if scored.errors:
        return "评价人给分缺少理由或依据，不能提交"
    missing = [i.name for i in scored.result.leaves() if i.status == "missing_data"]
    if missing:
        listed = "、".join(missing[:8]) + ("等" if len(missing) > 8 else "")
        return f"有{len(missing)}个指标缺少数据（{listed}），须补齐或标为不适用后才能提交"
    fw = evaluation.framework
    evidence = [
        {"id": e.pk, "target": e.target, "name": e.original_name, "sha256": e.sha256}
        for e in evaluation.evidence.filter(removed_at__isnull=True)
    ]
    version.snapshot = {
        "facts": version.facts,
        "given": version.given,
        "not_applicable": version.not_applicable,
        "framework": {
            "pk": fw.pk,
            "id": fw.framework_id,
            "version": fw.version,
            "title": fw.title,
            "sha256": fw.sha256,
        },
        "result": scored.result.to_dict(),
        "evidence": evidence,
    }
    version.frozen_at = timezone.now()
    version.frozen_by = user
    version.save()
    return None


def changes_since_approval(evaluation: Evaluation) -> tuple[int, Event | None]:
    """Field changes since the last approval (or since the first submission, if none yet)."""
    approvals = ("unit_approve", "dept_approve", "finance_approve")
    last = evaluation.events.filter(action__in=approvals).order_by("-at", "-id").first()
    since = last or evaluation.events.filter(action="submit").order_by("at", "id").first()
    changes = evaluation.changes.filter(kind__in=("fact", "given", "evidence"))
    if since is not None:
        changes = changes.filter(at__gt=since.at)
    return changes.count(), last


# --- review scores ----------------------------------------------------------------------------


def save_review_score(
    evaluation_id: int,
    user: Any,
    code: str,
    raw_score: str,
    reason: str,
    base_revision: int,
) -> tuple[ReviewScore | None, str | None]:
    """Record or change a reviewer's score for one indicator.  Returns (score, problem)."""
    with transaction.atomic():
        evaluation = access.evaluation_or_404(user, evaluation_id, for_update=True)
        if not access.can_review(user, evaluation):
            raise PermissionDenied("当前状态下您不能录入复核评分")
        compiled = scoring.compiled(evaluation.framework)
        node = compiled.node(code)
        if node is None or node.children:
            return None, f"「{code}」不是本指标体系的末级指标"
        try:
            score = Decimal(raw_score.strip())
        except (InvalidOperation, AttributeError):
            return None, f"「{raw_score}」不是数字"
        if not Decimal(0) <= score <= node.weight:
            return None, f"复核得分应在0-{format_number(node.weight)}分之间"
        if not reason.strip():
            return None, "复核评分须填写理由"
        existing = (
            ReviewScore.objects.select_for_update()
            .filter(evaluation=evaluation, indicator_code=code, reviewer=user)
            .first()
        )
        current = existing.revision if existing else 0
        if base_revision != current:
            return None, (
                "保存被拒绝：该复核评分在您打开此页后已被修改（可能在另一窗口），"
                "您填写的内容仍保留，请核对后再保存"
            )
        old = (
            {"score": format_number(existing.score), "reason": existing.reason}
            if existing
            else None
        )
        if existing is None:
            existing = ReviewScore(
                evaluation=evaluation,
                indicator_code=code,
                indicator_name=node.name,
                reviewer=user,
                role=role_value(user),
            )
        existing.score, existing.reason = score, reason.strip()
        existing.version = evaluation.current.number if evaluation.current else 0
        existing.revision = current + 1
        existing.save()
        new = {"score": format_number(score), "reason": reason.strip()}
        if old != new:
            Change.objects.create(
                evaluation=evaluation,
                version=existing.version,
                kind="review",
                section="review",
                field=documents.join(["review", code]),
                label=f"复核评分「{node.name}」",
                old=old,
                new=new,
                user=user,
                role=role_value(user),
            )
        return existing, None


# --- evidence ----------------------------------------------------------------------------------

# Allowed evidence types: extension → (content type, magic-byte prefixes).
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}


class EvidenceRejected(ValueError):
    pass


def check_evidence(name: str, head: bytes, size: int) -> str:
    """The content type for an acceptable upload; raises ``EvidenceRejected`` with the reason."""
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = "、".join(sorted(s.lstrip(".") for s in EVIDENCE_TYPES))
        raise EvidenceRejected(f"不支持的文件类型「{suffix or '无扩展名'}」，可上传：{allowed}")
    if size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise EvidenceRejected(f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不超过{limit} MB")
    if size == 0:
        raise EvidenceRejected("文件为空")
    content_type, magics = EVIDENCE_TYPES[suffix]
    if not head.startswith(magics):
        raise EvidenceRejected(f"文件内容与扩展名「{suffix}」不符，已拒绝（防止伪装的网页或脚本）")
    return content_type


def add_evidence(
    evaluation_id: int, user: Any, target: str, target_label: str, upload: Any
) -> Evidence:
    with transaction.atomic():
        evaluation = access.evaluation_or_404(user, evaluation_id, for_update=True)
        access.require_edit(user, evaluation)
        head = upload.read(16)
        upload.seek(0)
        content_type = check_evidence(upload.name, head, upload.size)
        stored_name = uuid.uuid4().hex
        directory = settings.EVIDENCE_DIR
        directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        path = directory / stored_name
        with path.open("xb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        path.chmod(0o600)
        name = Path(upload.name).name[:200]
        evidence = Evidence.objects.create(
            evaluation=evaluation,
            version=evaluation.current.number if evaluation.current else 0,
            target=target,
            target_label=target_label,
            original_name=name,
            stored_name=stored_name,
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=user,
        )
        Change.objects.create(
            evaluation=evaluation,
            version=evidence.version,
            kind="evidence",
            section="evidence",
            field=documents.join(["evidence", target]),
            label=f"佐证材料「{target_label}」",
            old=None,
            new=f"{name}（{evidence.size}字节，sha256 {evidence.sha256[:12]}…）",
            user=user,
            role=role_value(user),
        )
        return evidence


def remove_evidence(evaluation_id: int, user: Any, evidence_id: int) -> Evidence:
    with transaction.atomic():
        evaluation = access.evaluation_or_404(user, evaluation_id, for_update=True)
        access.require_edit(user, evaluation)
        evidence = Evidence.objects.select_for_update().get(
            pk=evidence_id, evaluation=evaluation, removed_at__isnull=True
        )
        evidence.removed_at = timezone.now()
        evidence.removed_by = user
        evidence.save(update_fields=["removed_at", "removed_by"])
        Change.objects.create(
            evaluation=evaluation,
            version=evaluation.current.number if evaluation.current else 0,
            kind="evidence",
            section="evidence",
            field=documents.join(["evidence", evidence.target]),
            label=f"佐证材料「{evidence.target_label}」",
            old=evidence.original_name,
            new=None,
            user=user,
            role=role_value(user),
        )
        return evidence


def evidence_path(evidence: Evidence) -> Path:
    return Path(settings.EVIDENCE_DIR) / evidence.stored_name


# --- deadlines and assignments -----------------------------------------------------------------


def extend_deadline(evaluation_id: int, user: Any, deadline: datetime, reason: str) -> Evaluation:
    with transaction.atomic():
        evaluation = access.evaluation_or_404(user, evaluation_id, for_update=True)
        access.require_round_manager(user, evaluation.round)
        old = evaluation.deadline
        evaluation.deadline = deadline
        evaluation.save(update_fields=["deadline"])
        Change.objects.create(
            evaluation=evaluation,
            version=evaluation.current.number if evaluation.current else 0,
            kind="deadline",
            section="round",
            field="deadline",
            label=f"本单位截止时间（{reason.strip() or '未注明理由'}）",
            old=timezone.localtime(old).strftime("%Y-%m-%d %H:%M"),
            new=timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
            user=user,
            role=role_value(user),
        )
        return evaluation


def history(evaluation: Evaluation, field_path: str | None = None) -> QuerySet[Change]:
    changes = evaluation.changes.select_related("user")
    if field_path:
        changes = (
            changes.filter(field=field_path)
            | changes.filter(field__startswith=field_path + ".")
            | changes.filter(field__startswith=field_path + "[")
        )
    return changes.order_by("-at", "-id")


def is_editable_state(evaluation: Evaluation) -> bool:
    return evaluation.workflow_state in (State.DRAFT, State.RETURNED)
