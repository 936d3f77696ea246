"""Reports for many cases at once: ``jixiao report-batch DIR --out DIR``.

Every ``case.yaml`` under DIR is rendered into ``OUT/<case id>/`` by a pool of worker processes
(one per core by default); each worker compiles a framework once and reuses the compiled Word
template. A case that fails is reported with its reason and does not stop the others. PDFs, when
asked for, are made afterwards by a few LibreOffice processes, each converting a share of the
documents in one run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.reports import pdf
from jixiao.reports.render import REPORT_STEM, Outputs, render_case

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(slots=True)
class BatchResult:
    outputs: list[Outputs] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (case file, reason)
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pdf_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Job:
    case: Path
    out: Path
    template: Path | None
    charts: bool
    stem: str


def find_cases(root: Path) -> list[Path]:
    """Case files under ``root`` (``case.yaml`` in any folder), in a stable order."""
    if root.is_file():
        return [root]
    return sorted(root.rglob("case.yaml"))


def _run(job: Job) -> Outputs | tuple[str, str]:
    try:
        return render_case(
            job.case, job.out, template=job.template, with_charts=job.charts, stem=job.stem
        )
    except Exception as exc:  # reported per case; one bad case must not stop a batch
        return (str(job.case), f"{type(exc).__name__}: {exc}")


def _out_dir(case: Path, root: Path, out: Path) -> Path:
    folder = case.parent if case.name == "case.yaml" else case.with_suffix("")
    base = root if root.is_dir() else root.parent
    try:
        relative = folder.relative_to(base)
    except ValueError:
        relative = Path(folder.name)
    return out / (relative if str(relative) != "." else Path(folder.name))


def render_batch(
    root: Path,
    out: Path,
    *,
    jobs: int | None = None,
    template: Path | None = None,
    charts: bool = True,
    with_pdf: bool = False,
    stem: str = REPORT_STEM,
    progress: Progress | None = None,
    cases: Sequence[Path] | None = None,
) -> BatchResult:
    """Render every case under ``root`` into ``out``; ``jobs`` worker processes (default: cores)."""
    started = time.perf_counter()
    files = list(cases) if cases is not None else find_cases(root)
    workers = max(1, jobs or os.cpu_count() or 1)
    result = BatchResult()
    todo = [Job(f, _out_dir(f, root, out), template, charts, stem) for f in files]
    if workers == 1 or len(todo) <= 1:
        for n, job in enumerate(todo, 1):
            _collect(result, _run(job))
            if progress:
                progress("报告", n, len(todo))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures: list[Future[Outputs | tuple[str, str]]] = [
                pool.submit(_run, job) for job in todo
            ]
            for n, future in enumerate(as_completed(futures), 1):
                _collect(result, future.result())
                if progress:
                    progress("报告", n, len(todo))
    result.outputs.sort(key=lambda o: o.case)
    result.seconds = time.perf_counter() - started
    if with_pdf:
        pdf_started = time.perf_counter()
        _pdfs(result, workers, progress)
        result.pdf_seconds = time.perf_counter() - pdf_started
    return result


def _collect(result: BatchResult, outcome: Outputs | tuple[str, str]) -> None:
    if isinstance(outcome, Outputs):
        result.outputs.append(outcome)
    else:
        result.errors.append(outcome)


def _pdfs(result: BatchResult, workers: int, progress: Progress | None) -> None:
    if not pdf.available():
        result.messages.append(pdf.MISSING)
        return
    docs = [o for o in result.outputs if o.docx is not None]
    if not docs:
        return
    shares = min(workers, len(docs))
    chunks = [docs[k::shares] for k in range(shares)]
    done = 0

    def convert(chunk: list[Outputs]) -> list[Outputs]:
        produced = pdf.convert([o.docx for o in chunk if o.docx is not None])
        for o, p in zip(chunk, produced, strict=True):
            o.pdf = p
        return chunk

    with ThreadPoolExecutor(max_workers=shares) as pool:
        for future in as_completed([pool.submit(convert, c) for c in chunks]):
            try:
                done += len(future.result())
            except (pdf.PdfError, FileNotFoundError) as exc:
                result.messages.append(str(exc))
            if progress:
                progress("PDF", done, len(docs))
