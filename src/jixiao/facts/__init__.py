"""Unit-year facts: the typed model, flattening to fact names, and the engine's input."""

from jixiao.facts.flatten import fact_values
from jixiao.facts.model import UnitYear

__all__ = ["UnitYear", "fact_values"]
