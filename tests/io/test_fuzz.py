"""Mutated workbooks fed to the importer: it either imports or raises its own ``WorkbookError``.

Three kinds of mutation: cell values and merges changed as a user might (openpyxl), the sheet
XML changed as no program would (tags, types, formulas, cached values), and the file's bytes
flipped or cut. Nothing else may escape the importer.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.io.excel import WorkbookError, read_workbook, write_workbook
from tests.io._support import example


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("fuzz")
    reeval = example("liucheng-2021-reeval")
    self_eval = example("liucheng-2021-self")
    return {
        "facts": _fixed_time(write_workbook(root / "f.xlsx", reeval.case, "facts", reeval.sources)),
        "form": _fixed_time(write_workbook(root / "p.xlsx", self_eval.case, "mof10-project")),
        "sichuan": _fixed_time(write_workbook(root / "s.xlsx", self_eval.case, "sichuan-project")),
    }


_STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _fixed_time(path: Path) -> bytes:
    """The workbook with a fixed creation time: the same bytes, so the same mutations, every run."""
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(b"2021-01-01T00:00:00Z", content)
            target.writestr(info, content)
    return out.getvalue()


def _import(path: Path) -> None:
    try:
        read_workbook(path)
    except WorkbookError as exc:
        assert exc.problems, "a WorkbookError always lists its problems"
        for problem in exc.problems:
            assert problem.code and problem.message


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12
) | st.sampled_from(
    [
        "九十",
        "95%",
        "９５％",
        "=A1/0",
        "=SUM(A1:A3)",
        "-",
        "—",
        "/",
        "是",
        "否",
        "≥95%",
        "2020年2月12日",
        "1,440.56",
        "定性",
        "合计",
        "{level: [",
        "万元",
        "元",
    ]
)
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.booleans(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
)
EDIT = st.tuples(st.integers(0, 40), st.integers(1, 30), st.integers(1, 14), VALUES)


@fuzz_settings(20)
@given(
    base=st.sampled_from(["facts", "form", "sichuan"]),
    edits=st.lists(EDIT, min_size=1, max_size=6),
    merge=st.none()
    | st.tuples(
        st.integers(0, 40),
        st.integers(1, 25),
        st.integers(1, 10),
        st.integers(0, 3),
        st.integers(0, 3),
    ),
    drop=st.none() | st.integers(0, 40),
)
def test_cell_mutations(
    bases: dict[str, bytes],
    tmp_path: Path,
    base: str,
    edits: list[tuple[int, int, int, object]],
    merge: tuple[int, int, int, int, int] | None,
    drop: int | None,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(bases[base]))
    names = book.sheetnames
    for sheet_index, row, col, value in edits:
        sheet = book[names[sheet_index % len(names)]]
        cell = sheet.cell(row, col)
        if type(cell).__name__ == "MergedCell":
            continue
        cell.value = value
    if merge is not None:
        sheet_index, row, col, down, right = merge
        sheet = book[names[sheet_index % len(names)]]
        with contextlib.suppress(ValueError):
            sheet.merge_cells(
                start_row=row, start_column=col, end_row=row + down, end_column=col + right
            )
    if drop is not None and len(book.sheetnames) > 1:
        del book[book.sheetnames[drop % len(book.sheetnames)]]
    path = tmp_path / "m.xlsx"
    book.save(path)
    _import(path)


SNIPPETS = [
    b"",
    b"<f>1/0</f>",
    b'<c r="A1" t="e"><v>#REF!</v></c>',
    b'<c r="B9"><f>A1</f></c>',
    b"<v>abc</v>",
    b'<c r="ZZZ99999999" s="99999"><v>1</v></c>',
    b"</c>",
    b"<row>",
    b"&#0;",
    b'<mergeCell ref="A1:XFD1048576"/>',
    b'<!DOCTYPE x [<!ENTITY e "e">]>',
    "九十".encode(),
    b'<c r="A1" t="s"><v>999999999</v></c>',
    b'<c r="A0"><v>1</v></c>',
    b'<row r="0">',
    b'<c r="B2" t="d"><v>not a date</v></c>',
    b'<c r="C3" t="n"><v>1e999</v></c>',
]


@fuzz_settings(150)
@given(
    base=st.sampled_from(["facts", "form", "sichuan"]),
    picks=st.lists(
        st.tuples(st.integers(0, 10**9), st.integers(0, 40), st.sampled_from(SNIPPETS)),
        min_size=1,
        max_size=4,
    ),
    member_pick=st.integers(0, 10**6),
)
def test_xml_mutations(
    bases: dict[str, bytes],
    tmp_path: Path,
    base: str,
    picks: list[tuple[int, int, bytes]],
    member_pick: int,
) -> None:
    source = zipfile.ZipFile(io.BytesIO(bases[base]))
    members = [m for m in source.namelist() if m.endswith(".xml")]
    target_member = members[member_pick % len(members)]
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == target_member:
                for position, length, snippet in picks:
                    at = position % (len(data) + 1)
                    data = data[:at] + snippet + data[at + length :]
            out.writestr(info, data)
    _import(path)


@fuzz_settings(100)
@given(
    base=st.sampled_from(["facts", "form"]),
    flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), max_size=8),
    cut=st.none() | st.integers(0, 10**9),
)
def test_byte_mutations(
    bases: dict[str, bytes],
    tmp_path: Path,
    base: str,
    flips: list[tuple[int, int]],
    cut: int | None,
) -> None:
    data = bytearray(bases[base])
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    path = tmp_path / "b.xlsx"
    path.write_bytes(bytes(data))
    _import(path)


def test_random_garbage_files(tmp_path: Path) -> None:
    rng = random.Random(7)
    for index in range(20):
        path = tmp_path / f"g{index}.xlsx"
        path.write_bytes(bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3000))))
        _import(path)
