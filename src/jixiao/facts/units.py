"""Amount units (元/万元): which fact fields are amounts, and exact conversion between units.

Fields that hold money are annotated ``Amount`` (a ``Number`` with the ``AMOUNT`` marker), or
``SignedAmount`` where a negative value is legitimate (a budget cut). Conversion multiplies or
divides by 10 000 with ``Decimal.scaleb``, which is exact: ``2570000.00`` 元 is ``257.000000`` 万元
and converting back gives ``2570000.00`` again. Counts, rates and scores are never converted.
"""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from jixiao.engine.numbers import parse_decimal

AmountUnit = Literal["元", "万元"]
UNITS: Final[tuple[AmountUnit, ...]] = ("元", "万元")
_EXPONENT: Final[dict[str, int]] = {"元": 0, "万元": 4}


class _AmountMarker:
    """Metadata marking a field as money; ``signed`` allows negative values."""

    __slots__ = ("signed",)

    def __init__(self, signed: bool) -> None:
        self.signed = signed

    def __repr__(self) -> str:
        return "SignedAmount" if self.signed else "Amount"


AMOUNT: Final = _AmountMarker(signed=False)
SIGNED_AMOUNT: Final = _AmountMarker(signed=True)


def _lenient(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ValueError(f"「{raw}」不是数字")
    return parse_decimal(raw)


class _Decimal:
    """Validation like the engine's ``Number`` (``1,440.56``, ``64%``, full-width digits), but a
    value that already is a ``Decimal`` passes in pydantic's core without a Python call: an
    imported project table has hundreds of thousands of amounts."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.union_schema(
            [
                core_schema.is_instance_schema(Decimal),
                core_schema.no_info_plain_validator_function(_lenient),
            ],
            mode="left_to_right",
            custom_error_type="decimal_parsing",
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"anyOf": [{"type": "number"}, {"type": "string"}]}


Amount = Annotated[Decimal, _Decimal, AMOUNT]
"""Money in the unit-year's ``amount_unit``; negative values are input errors."""

SignedAmount = Annotated[Decimal, _Decimal, SIGNED_AMOUNT]
"""Money that may be negative (an adjustment that cut the budget)."""


def convert(value: Decimal, source: str, target: str) -> Decimal:
    """Convert ``value`` from unit ``source`` to ``target`` exactly (元 ↔ 万元)."""
    if source not in _EXPONENT or target not in _EXPONENT:
        raise ValueError(f"不认识的金额单位「{source if source not in _EXPONENT else target}」")
    shift = _EXPONENT[source] - _EXPONENT[target]
    if shift == 0:
        return value
    result = value.scaleb(shift)
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        result = result.quantize(Decimal(1))  # 4.00239E+7 → 40023900, still exact
    return result


_UNIT_TEXT = re.compile(r"^[(（\[【]?\s*(?:金额)?(?:单位\s*[:：])?\s*(万元|元)\s*[)）\]】]?$")
_UNIT_IN_BRACKETS = re.compile(r"[(（\[【]\s*(?:金额)?(?:单位\s*[:：])?\s*(万元|元)\s*[)）\]】]")


def parse_unit(text: str) -> AmountUnit | None:
    """``（万元）``、``单位：元``、``元`` → the unit; ``美元``、``千元`` or no unit → None."""
    cleaned = text.replace(" ", "").replace("\u3000", "")
    found = _UNIT_TEXT.match(cleaned) or _UNIT_IN_BRACKETS.search(cleaned)
    if found is None:
        return None
    return "万元" if found.group(1) == "万元" else "元"


def names_other_unit(text: str) -> bool:
    """True when ``text`` names a money unit jixiao does not take (``千元``、``美元``)."""
    return "元" in text and parse_unit(text) is None


def amount_marker(annotation: Any) -> _AmountMarker | None:
    """The amount marker of a field annotation (also inside ``X | None`` and ``dict[str, X]``)."""
    if typing.get_origin(annotation) is Annotated:
        for meta in typing.get_args(annotation)[1:]:
            if isinstance(meta, _AmountMarker):
                return meta
        return amount_marker(typing.get_args(annotation)[0])
    for arg in typing.get_args(annotation):
        found = amount_marker(arg)
        if found is not None:
            return found
    return None


@cache
def _hints(model: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(model, include_extras=True)


def _is_model_type(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_is_model_type(arg) for arg in typing.get_args(annotation))


@cache
def amount_fields(model: type[BaseModel]) -> dict[str, _AmountMarker]:
    """Field name → marker, for the amount fields declared directly on ``model``."""
    found: dict[str, _AmountMarker] = {}
    for name, hint in _hints(model).items():
        if name not in model.model_fields:
            continue
        marker = amount_marker(hint)
        if marker is not None and not _is_model_type(hint):
            found[name] = marker
    return found


M = TypeVar("M", bound=BaseModel)


def convert_model(model: M, source: str, target: str) -> M:
    """A copy of ``model`` with every amount (at any depth) converted from ``source`` to ``target``."""
    if source == target:
        return model
    return typing.cast(M, _convert(model, source, target))


def _convert(value: Any, source: str, target: str) -> Any:
    if isinstance(value, BaseModel):
        amounts = amount_fields(type(value))
        changes: dict[str, Any] = {}
        for name in type(value).model_fields:
            item = getattr(value, name)
            if name in amounts:
                changes[name] = _convert_amount(item, source, target)
            elif isinstance(item, BaseModel | list | dict):
                changes[name] = _convert(item, source, target)
        return value.model_copy(update=changes)
    if isinstance(value, list):
        return [_convert(v, source, target) for v in value]
    if isinstance(value, dict):
        return {k: _convert(v, source, target) for k, v in value.items()}
    return value


def _convert_amount(value: Any, source: str, target: str) -> Any:
    if isinstance(value, Decimal):
        return convert(value, source, target)
    if isinstance(value, dict):
        return {k: _convert_amount(v, source, target) for k, v in value.items()}
    return value
