"""Import problems: every one names the sheet, the cell and the reason, in Chinese.

An import collects all problems of a file (not just the first) and raises ``WorkbookError``
with the whole list; nothing is written unless the list is empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

# Every problem code an import can raise, with what it means (docs/excel.md lists the same).
CODES: Final[dict[str, str]] = {
    "excel.not_found": "找不到文件",
    "excel.not_xlsx": "不是 xlsx 工作簿",
    "excel.xls": "旧版 .xls 格式，须另存为 .xlsx",
    "excel.encrypted": "工作簿已加密（设有打开密码）",
    "excel.too_large": "文件过大",
    "excel.zip_bomb": "压缩包解压后异常庞大（疑似压缩炸弹）",
    "excel.corrupt": "文件已损坏，无法读取",
    "excel.empty": "文件为空",
    "excel.layout_unknown": "认不出表格格式",
    "excel.sheet_missing": "缺少必需的工作表",
    "excel.header_missing": "缺少必需的列",
    "excel.header_duplicate": "列名重复",
    "excel.not_number": "不是数字",
    "excel.negative": "金额为负数",
    "excel.percent": "百分数写法有歧义（95 与 0.95）",
    "excel.date_text": "日期写成了文字",
    "excel.date_not_number": "应为数字的单元格是日期",
    "excel.not_date": "不是日期",
    "excel.not_bool": "不是“是/否”",
    "excel.choice": "不在可选值中",
    "excel.required": "必填项为空",
    "excel.formula_no_value": "公式没有计算结果（未保存计算值）",
    "excel.formula_error": "公式结果为错误值",
    "excel.merged": "合并单元格跨越多行数据",
    "excel.unit": "金额单位无法识别",
    "excel.unit_mix": "元与万元混用（合计与分项相差约10000倍）",
    "excel.duplicate": "重复的行",
    "excel.unknown_field": "未知的字段",
    "excel.invalid": "内容不符合要求",
    "excel.yaml": "“其他内容”一栏不是有效的 YAML",
    "excel.framework_missing": "未注明指标体系",
    "excel.text_too_long": "文字过长",
    "excel.too_many_rows": "行数超过上限",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an imported file: ``项目表!C12：「九十」不是数字``."""

    code: str
    message: str
    sheet: str = ""
    cell: str = ""

    @property
    def place(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def __str__(self) -> str:
        return f"{self.place}：{self.message}" if self.place else self.message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "sheet": self.sheet, "cell": self.cell, "message": self.message}


class WorkbookError(ValueError):
    """A file that cannot be imported; ``problems`` lists every problem found in it."""

    def __init__(self, problems: Iterable[Problem], file: str = "") -> None:
        self.problems = list(problems)
        self.file = file
        head = f"「{file}」" if file else "工作簿"
        lines = [f"{head}有{len(self.problems)}处问题，未导入任何数据："]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


class Problems:
    """Collects problems while reading; ``raise_if_any`` ends the import when there are some."""

    def __init__(self, file: str = "", limit: int = 1000) -> None:
        self.items: list[Problem] = []
        self.file = file
        self.limit = limit
        self.dropped = 0

    def add(self, code: str, message: str, sheet: str = "", cell: str = "") -> None:
        assert code in CODES, code
        if len(self.items) >= self.limit:
            self.dropped += 1
            return
        self.items.append(Problem(code, message, sheet, cell))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.dropped:
            items.append(
                Problem(
                    "excel.invalid", f"另有{self.dropped}处问题未列出（只列出前{self.limit}处）"
                )
            )
        raise WorkbookError(items, self.file)
