"""Template filters: look up values by keys that are document paths (dots, brackets, Chinese)."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ errors|get:name }}``: a mapping's value for ``key`` (``None`` when absent)."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def show(value: Any) -> str:
    """An audit value for display: JSON for structures, ``（空）`` for nothing."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


@register.filter
def status_label(status: str) -> str:
    return {
        "scored": "计算得分",
        "given": "评价人给分",
        "not_applicable": "不适用",
        "missing_data": "缺少数据",
    }.get(status, status)


@register.filter
def severity_label(severity: str) -> str:
    return {"error": "错误", "warning": "警告", "info": "提示"}.get(str(severity), str(severity))


@register.simple_tag
def panel_rows(result: dict[str, Any]) -> SafeString:
    """The live panel's indicator rows (score, status, explanation), built without per-row
    template overhead: the panel is re-rendered on every keystroke pause."""
    rows = []
    for i in result["indicators"]:
        branch = "" if i["is_leaf"] else " branch"
        status = (
            format_html('<span class="status {}">{}</span>', i["status"], status_label(i["status"]))
            if i["is_leaf"]
            else ""
        )
        rows.append(
            format_html(
                '<tr class="lvl-{}{} st-{}" data-code="{}"><td class="indent-{}">{}</td>'
                '<td class="num score">{}<span class="muted">/{}</span></td><td>{}</td></tr>',
                i["level"],
                branch,
                i["status"],
                i["code"],
                i["level"],
                i["name"],
                i["score"],
                i["max"],
                status,
            )
        )
        if i["is_leaf"]:
            rows.append(
                format_html(
                    '<tr class="explain-row st-{}"><td colspan="3" class="explain">{}</td></tr>',
                    i["status"],
                    i["explanation"],
                )
            )
    return format_html_join("", "{}", ((r,) for r in rows))
