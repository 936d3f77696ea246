"""YAML parsing that remembers where every key and item came from (file and line)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Place:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file} 第{self.line}行"


class LocatedDict(dict[str, Any]):
    """A mapping that knows the line of itself and of each of its keys."""

    place: Place
    key_places: dict[str, Place]


class LocatedList(list[Any]):
    place: Place
    item_places: list[Place]


class YamlError(ValueError):
    def __init__(self, place: Place, message: str) -> None:
        super().__init__(f"{place}：{message}")
        self.place = place
        self.message = message


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text; numbers with decimals become ``Decimal`` (never binary floats)."""
    loader = _Loader(text)
    loader.file = file
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(Place(file, line), f"YAML 格式错误：{exc.problem or exc.context}") from None
    finally:
        loader.dispose()


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    file = ""

    def place(self, node: yaml.Node) -> Place:
        return Place(self.file, node.start_mark.line + 1)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LocatedDict:
        result = LocatedDict()
        result.place = self.place(node)
        result.key_places = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = str(self.construct_object(key_node, deep=True))
            if key in result:
                raise YamlError(self.place(key_node), f"键「{key}」重复出现")
            result[key] = self.construct_object(value_node, deep=True)
            result.key_places[key] = self.place(key_node)
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LocatedList:
        result = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        result.place = self.place(node)
        result.item_places = [self.place(child) for child in node.value]
        return result

    def construct_decimal(self, node: yaml.ScalarNode) -> Decimal:
        return Decimal(str(node.value).replace("_", ""))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_decimal)


def place_of(data: Any, loc: tuple[int | str, ...], default: Place) -> Place:
    """The place of the deepest node on ``loc`` that YAML parsing located."""
    best, node = getattr(data, "place", default), data
    for step in loc:
        if isinstance(node, LocatedDict) and isinstance(step, str) and step in node:
            best = node.key_places.get(step, best)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
            best = node.item_places[step]
            node = node[step]
        else:
            break
    return best
