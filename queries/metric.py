"""What a metric is: names (中文 / English), unit, definition, parameters, output columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

QUERY_DIR = Path(__file__).parent

SEGMENT_BY_HELP = "segment to split by (product, region, risk_grade, …); empty = whole book"


@dataclass(frozen=True)
class Param:
    """A metric parameter. kind: date, int, int_list, date_list, str, str_list, choice."""

    name: str
    kind: str
    default: object
    help: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    name: str
    zh: str
    en: str
    unit: str
    definition_en: str
    definition_zh: str
    columns: tuple[str, ...]
    params: tuple[Param, ...] = field(default_factory=tuple)
    grouping: str = ""  # the result column that carries $by's value ('' = none)

    @property
    def sql_path(self) -> Path:
        return QUERY_DIR / f"{self.name}.sql"

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


AS_OF = Param("as_of", "date", None, "as-of date (default: the import's)")
FILTERS = Param("filters", "str_list", (), "segment filters as 'segment=value'")
BY = Param("by", "str", "", SEGMENT_BY_HELP)
PERIOD_START = Param("period_start", "date", None, "first day of the period (default: open)")
PERIOD_END = Param("period_end", "date", None, "last day of the period (default: open)")
SEGMENTED = (AS_OF, FILTERS, BY)
BUCKETS = ("M1", "M2", "M3", "M4", "M5", "M6")
BUCKET = Param(
    "bucket",
    "choice",
    "",
    "bucket at action time (state at the end of the day before); '' = every bucket",
    ("", "M0", *BUCKETS, "WO", "closed"),
)
