"""The simplified-Chinese fonts reports are set in, named explicitly everywhere.

With only Debian's ``fonts-noto-cjk`` installed, an unnamed CJK font resolves to the *Japanese*
face of the Noto collection (some Han characters then take Japanese forms). Reports therefore
name the SC faces: Word and LibreOffice by family name, matplotlib by file and face index.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SERIF = "Noto Serif CJK SC"  # body text (宋体-like)
SANS = "Noto Sans CJK SC"  # headings, tables, charts (黑体-like)
LATIN = "Times New Roman"
LANGUAGE = "zh-CN"

_KNOWN_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)


@dataclass(frozen=True, slots=True)
class FontFile:
    """A font face on disk: a file and, for a collection (.ttc), the index of the face."""

    path: Path
    index: int
    family: str


class FontNotFound(RuntimeError):
    """No simplified-Chinese font is installed; charts cannot be drawn without one."""


def _fc_match(family: str) -> FontFile | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\t%{index}\t%{family}", family],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\t")
    if len(parts) != 3 or not parts[0]:
        return None
    families = [f.strip() for f in parts[2].split(",")]
    if family not in families:  # fontconfig substituted another font
        return None
    return FontFile(Path(parts[0]), int(parts[1] or 0), family)


@cache
def cjk_font(family: str = SANS) -> FontFile:
    """Locate ``family`` (default Noto Sans CJK SC) via fontconfig, else in the usual places."""
    found = _fc_match(family)
    if found is not None:
        return found
    from matplotlib import ft2font

    for candidate in _KNOWN_FILES:
        path = Path(candidate)
        if not path.exists():
            continue
        first = ft2font.FT2Font(str(path))
        for index in range(first.num_faces):
            face = ft2font.FT2Font(str(path), face_index=index)
            if face.family_name == family:
                return FontFile(path, index, family)
    raise FontNotFound(
        f"找不到字体「{family}」：请安装 fonts-noto-cjk（Debian/Ubuntu：apt-get install fonts-noto-cjk）"
    )
