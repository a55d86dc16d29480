"""The contract's vocabulary: data types, column specs, the contract builder.

Types are named as the host names them (`float32`, `timestamp[ms, UTC]`,
aliases `int`, `float`, `double`, `string`, `boolean`, `date`), so a name
from a job file or a golden case's schema reads back with `DataType.parse`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import List, Optional, TypeVar, Union


class TimeUnit(enum.Enum):
    """Resolution of timestamps and durations."""

    SECOND = "s"
    MILLISECOND = "ms"
    MICROSECOND = "us"
    NANOSECOND = "ns"


# kind -> (layout, bytes per value or offset, memoryview format)
_LAYOUTS = {
    "bool": ("bits", 0, None),
    "int8": ("fixed", 1, "b"),
    "int16": ("fixed", 2, "h"),
    "int32": ("fixed", 4, "i"),
    "int64": ("fixed", 8, "q"),
    "uint8": ("fixed", 1, "B"),
    "uint16": ("fixed", 2, "H"),
    "uint32": ("fixed", 4, "I"),
    "uint64": ("fixed", 8, "Q"),
    "float32": ("fixed", 4, "f"),
    "float64": ("fixed", 8, "d"),
    "utf8": ("variable", 4, "i"),
    "large_utf8": ("variable", 8, "q"),
    "binary": ("variable", 4, "i"),
    "large_binary": ("variable", 8, "q"),
    "date32": ("fixed", 4, "i"),
    "timestamp": ("fixed", 8, "q"),
    "duration": ("fixed", 8, "q"),
}

_ALIASES = {
    "boolean": "bool",
    "string": "utf8",
    "int": "int32",
    "float": "float32",
    "double": "float64",
    "date": "date32",
}

TYPE_NAMES = (
    "bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, "
    "utf8, large_utf8, binary, large_binary, date32, timestamp[s|ms|us|ns] or "
    "timestamp[ms, ZONE], duration[s|ms|us|ns] (aliases: boolean, string, int, float, double, date)"
)


class DataType:
    """An Arrow type a column may have at the plugin boundary.

    The plain types are constants (`DataType.FLOAT32`, `DataType.UTF8`, ...);
    `DataType.timestamp(unit, timezone)` and `DataType.duration(unit)` take
    parameters; `DataType.parse("timestamp[ms, UTC]")` reads a name.
    """

    __slots__ = ("kind", "unit", "timezone")

    BOOL: "DataType"
    INT8: "DataType"
    INT16: "DataType"
    INT32: "DataType"
    INT64: "DataType"
    UINT8: "DataType"
    UINT16: "DataType"
    UINT32: "DataType"
    UINT64: "DataType"
    FLOAT32: "DataType"
    FLOAT64: "DataType"
    UTF8: "DataType"
    LARGE_UTF8: "DataType"
    BINARY: "DataType"
    LARGE_BINARY: "DataType"
    DATE32: "DataType"

    def __init__(self, kind: str, unit: Optional[TimeUnit] = None, timezone: Optional[str] = None):
        if kind not in _LAYOUTS:
            raise ValueError(f"unknown data type kind {kind!r}")
        if (kind in ("timestamp", "duration")) != (unit is not None):
            raise ValueError(f"{kind} {'needs' if unit is None else 'takes no'} time unit")
        if timezone is not None and kind != "timestamp":
            raise ValueError("only timestamps have a time zone")
        self.kind = kind
        self.unit = unit
        self.timezone = timezone

    @staticmethod
    def timestamp(unit: TimeUnit, timezone: Optional[str] = None) -> "DataType":
        return DataType("timestamp", unit, timezone)

    @staticmethod
    def duration(unit: TimeUnit) -> "DataType":
        return DataType("duration", unit)

    @staticmethod
    def parse(name: str) -> "DataType":
        """Reads a type name; raises ValueError naming the accepted names."""
        text = name.strip()
        plain = _ALIASES.get(text, text)
        if plain in _LAYOUTS and plain not in ("timestamp", "duration"):
            return DataType(plain)
        for kind in ("timestamp", "duration"):
            if text.startswith(kind + "[") and text.endswith("]"):
                parts = [p.strip() for p in text[len(kind) + 1 : -1].split(",", 1)]
                unit = next((u for u in TimeUnit if u.value == parts[0]), None)
                zone = parts[1] if len(parts) == 2 else None
                if unit is not None and (kind == "timestamp" or zone is None) and zone != "":
                    return DataType(kind, unit, zone)
        raise ValueError(f"unknown type {name!r}; known: {TYPE_NAMES}")

    @property
    def layout(self) -> str:
        """`bits` (bool), `fixed` (one value per row) or `variable` (offsets and bytes)."""
        return _LAYOUTS[self.kind][0]

    @property
    def width(self) -> int:
        """Bytes per value (fixed) or per offset (variable); 0 for bool."""
        return _LAYOUTS[self.kind][1]

    @property
    def format(self) -> Optional[str]:
        """The `memoryview.cast` / `array` code of the values (or offsets)."""
        return _LAYOUTS[self.kind][2]

    @property
    def is_text(self) -> bool:
        return self.kind in ("utf8", "large_utf8")

    def same_layout(self, other: "DataType") -> bool:
        """Whether buffers of `other` read as this type (int64 and timestamp do)."""
        return _LAYOUTS[self.kind] == _LAYOUTS[other.kind]

    def __str__(self) -> str:
        if self.kind == "timestamp":
            zone = f", {self.timezone}" if self.timezone else ""
            return f"timestamp[{self.unit.value}{zone}]"
        if self.kind == "duration":
            return f"duration[{self.unit.value}]"
        return self.kind

    def __repr__(self) -> str:
        return f"DataType({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataType) and (self.kind, self.unit, self.timezone) == (
            other.kind,
            other.unit,
            other.timezone,
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.unit, self.timezone))


for _kind in _LAYOUTS:
    if _kind not in ("timestamp", "duration"):
        setattr(DataType, _kind.upper(), DataType(_kind))
DataType.BOOLEAN = DataType.BOOL  # type: ignore[attr-defined]

TypeLike = Union[DataType, str]


def as_data_type(t: TypeLike) -> DataType:
    """A `DataType`, or a type name parsed."""
    return t if isinstance(t, DataType) else DataType.parse(t)


@dataclass(frozen=True)
class ColumnSpec:
    """A column the plugin reads or writes.

    For an input, `nullable` says whether nulls are accepted; for an output,
    whether the plugin may produce them.
    """

    name: str
    data_type: DataType
    nullable: bool


Builder = TypeVar("Builder", bound="Inputs")


class Inputs:
    """The columns a plugin reads, declared in order: what a `Contract` and
    a fit's `FitContract` both build."""

    inputs: List[ColumnSpec]

    def input(self: Builder, name: str, data_type: TypeLike) -> Builder:
        """Reads a column that may hold nulls."""
        self.inputs.append(ColumnSpec(name, as_data_type(data_type), True))
        return self

    def required_input(self: Builder, name: str, data_type: TypeLike) -> Builder:
        """Reads a column that must not hold nulls (the host refuses a batch that has some)."""
        self.inputs.append(ColumnSpec(name, as_data_type(data_type), False))
        return self


@dataclass
class Contract(Inputs):
    """What a plugin does with its configuration: a builder.

        Contract("tip-ratio", "0.1.0")
            .input("tip_amount", DataType.FLOAT32)
            .input("fare_amount", "float32")
            .nullable_output("tip_ratio", DataType.FLOAT32)

    Inputs arrive in `process` in declaration order; outputs are returned in
    declaration order. An output named like an existing column replaces it.
    """

    name: str
    version: str
    inputs: List[ColumnSpec] = field(default_factory=list)
    outputs: List[ColumnSpec] = field(default_factory=list)
    filters_rows: bool = False

    def output(self, name: str, data_type: TypeLike) -> "Contract":
        """Writes a column without nulls."""
        self.outputs.append(ColumnSpec(name, as_data_type(data_type), False))
        return self

    def nullable_output(self, name: str, data_type: TypeLike) -> "Contract":
        """Writes a column that may hold nulls."""
        self.outputs.append(ColumnSpec(name, as_data_type(data_type), True))
        return self

    def filters(self) -> "Contract":
        """Declares that `process` returns a row selection."""
        self.filters_rows = True
        return self

    def input_index(self, name: str) -> Optional[int]:
        return next((i for i, c in enumerate(self.inputs) if c.name == name), None)
