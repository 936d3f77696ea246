"""The merged-cell layout of the 评分表's level columns (一级/二级/三级/四级), for Excel and Word.

A leaf's name sits in its own level's column and spans the deeper level columns; the names of its
ancestors fill the columns to the left, merged vertically over every row of that ancestor (its
leaves and the subtotals below them). A branch's subtotal row reads ``目标设定小计``.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.reports.context import ScoreRow

SUBTOTAL_SUFFIX = "小计"


@dataclass(slots=True)
class LevelCell:
    text: str
    role: str = "single"  # "single" | "start" | "continue" (vertical merge)
    rows: int = 1  # rows covered when role == "start"
    span: int = 1  # columns covered (the row's own label spans the deeper levels)
    covered: bool = False  # inside another cell's horizontal span: write nothing


def label(row: ScoreRow) -> str:
    return row.name if row.kind == "leaf" else f"{row.name}{SUBTOTAL_SUFFIX}"


def level_cells(rows: list[ScoreRow], depth: int) -> list[list[LevelCell]]:
    grid: list[list[LevelCell]] = []
    keys: list[list[tuple[str, ...] | None]] = []
    for r in rows:
        start = r.level - 1
        line: list[LevelCell] = []
        line_keys: list[tuple[str, ...] | None] = []
        for j in range(depth):
            if j < start:
                line.append(LevelCell(r.path[j]))
                line_keys.append(tuple(r.path[: j + 1]))
            elif j == start:
                line.append(LevelCell(label(r), span=depth - start))
                line_keys.append(None)
            else:
                line.append(LevelCell("", covered=True))
                line_keys.append(None)
        grid.append(line)
        keys.append(line_keys)
    for j in range(depth):
        i = 0
        while i < len(rows):
            key = keys[i][j]
            if key is None:
                i += 1
                continue
            end = i
            while end + 1 < len(rows) and keys[end + 1][j] == key:
                end += 1
            if end > i:
                grid[i][j].role, grid[i][j].rows = "start", end - i + 1
                for k in range(i + 1, end + 1):
                    grid[k][j].role = "continue"
            i = end + 1
    return grid
