"""Rewrite one benchmark's section of docs/performance.md, leaving the rest as it is."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def replace_section(heading: str, section: str, docs: Path = DOCS) -> None:
    """Replace the section under ``heading`` (up to the next ``## ``), or append it."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# 性能\n"
    if heading in text:
        head, _, rest = text.partition(heading)
        following = rest.find("\n## ")
        tail = rest[following + 1 :] if following >= 0 else ""
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    docs.write_text(text, encoding="utf-8")
