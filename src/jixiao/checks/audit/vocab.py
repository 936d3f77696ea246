"""The audit's vocabulary (header words, score phrasings, actual/plan words) from YAML."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

VOCAB_FILE = Path(__file__).with_name("audit_vocab.yaml")
NUM = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_headers: list[str]
    score_headers: list[str]
    rule_headers: list[str]
    level_headers: list[str]
    total_rows: list[str]
    narrative_max: list[str]
    narrative_score: list[str]
    narrative_full_marks: list[str]
    total_prefixes: list[str]
    full_marks: int
    actual_over_plan_rates: list[str]
    actual_words: list[str]
    plan_words: list[str]

    def alternation(self, words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    def is_actual(self, label: str) -> bool:
        return any(w in label for w in self.actual_words) and not self.is_plan(label)

    def is_plan(self, label: str) -> bool:
        return any(w in label for w in self.plan_words)


@cache
def vocabulary(path: Path = VOCAB_FILE) -> Vocabulary:
    return Vocabulary.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
