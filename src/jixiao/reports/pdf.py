"""PDF through LibreOffice headless (``soffice --convert-to pdf``), when it is installed.

The documents name their simplified-Chinese fonts (Noto Serif/Sans CJK SC), so LibreOffice does
not fall back to the Japanese face of the Noto collection. One ``soffice`` run converts many files
(a cold start costs seconds, each further document a fraction of that); every run gets its own
throw-away user profile so that runs can go in parallel and never touch a user's LibreOffice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

SOFFICE_NAMES = ("soffice", "libreoffice")
MISSING = (
    "未找到 LibreOffice（soffice），未生成 PDF；.docx 和 .xlsx 已生成。"
    "安装：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk"
)


class PdfError(RuntimeError):
    """LibreOffice ran but did not produce every PDF."""


def soffice() -> str | None:
    """The LibreOffice executable, or None. ``JIXIAO_SOFFICE`` overrides (empty: none)."""
    override = os.environ.get("JIXIAO_SOFFICE")
    if override is not None:
        return shutil.which(override) if override else None
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> bool:
    return soffice() is not None


def convert(files: Sequence[Path], timeout: float | None = None) -> list[Path]:
    """Convert ``files`` (.docx/.xlsx) to PDF next to each file, in one LibreOffice run.

    ``x.docx`` becomes ``x.pdf``; when two files share a stem, ``x-docx.pdf`` and ``x-xlsx.pdf``.

    Returns the PDFs in the order of ``files``. Raises ``FileNotFoundError`` without LibreOffice
    and ``PdfError`` if it fails or leaves a PDF out.
    """
    exe = soffice()
    if exe is None:
        raise FileNotFoundError(MISSING)
    if not files:
        return []
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        work = Path(tmp)
        inputs, outputs = work / "in", work / "out"
        inputs.mkdir()
        staged = []
        for n, file in enumerate(files):
            link = inputs / f"{n:06d}{file.suffix}"
            shutil.copyfile(file, link)
            staged.append(link)
        profile = (work / "profile").as_uri()
        command = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outputs),
            *map(str, staged),
        ]
        limit = timeout if timeout is not None else 120 + 15 * len(files)
        env = {**os.environ, "HOME": str(work), "LC_ALL": os.environ.get("LC_ALL", "C.UTF-8")}
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=limit, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice 转换超时（{limit:.0f}秒）") from None
        results = []
        missing = []
        targets = [file.with_suffix(".pdf") for file in files]
        for file, link, target in zip(files, staged, targets, strict=True):
            produced = outputs / f"{link.stem}.pdf"
            if targets.count(target) > 1:  # 比较.docx and 比较.xlsx side by side
                target = file.with_name(f"{file.stem}-{file.suffix.lstrip('.')}.pdf")
            if produced.exists() and produced.stat().st_size > 0:
                shutil.move(str(produced), target)
                results.append(target)
            else:
                missing.append(file.name)
        if missing:
            detail = (done.stderr or done.stdout).strip()[-500:]
            raise PdfError(
                f"LibreOffice 未能转换：{'、'.join(missing)}（退出码{done.returncode}）{detail}"
            )
        return results
