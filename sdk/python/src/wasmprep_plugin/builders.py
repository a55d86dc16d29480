"""Builders that produce Arrow buffers: values, offsets and a validity bitmap.

    out = Float32Builder(len(batch))
    for row in range(len(batch)):
        out.append(x) if ok else out.append_null()
    return Output(out.finish())

Values go into an `array.array` (one C value per element), nulls into a
bitmap with its null count, so `finish()` hands the host its buffers as
they are. For the fastest path, fill an `array` yourself and wrap it:
`Column.from_array(DataType.FLOAT32, values, validity)`.
"""

from __future__ import annotations

from array import array
from typing import Any, Iterable, List, Optional, Sequence, Union

from .column import Bitmap, Buffer, Column, bitmap_len
from .errors import Failure
from .types import DataType, TimeUnit, TypeLike, as_data_type


class ValidityBuilder:
    """A validity bitmap built row by row, counting nulls."""

    __slots__ = ("bits", "len", "null_count")

    def __init__(self) -> None:
        self.bits = bytearray()
        self.len = 0
        self.null_count = 0

    @staticmethod
    def all_valid(rows: int) -> "ValidityBuilder":
        """`rows` valid rows, to clear with `set_null`."""
        v = ValidityBuilder()
        v.bits = bytearray(b"\xff" * bitmap_len(rows))
        v.len = rows
        return v

    def append(self, valid: bool) -> None:
        n = self.len
        if n & 7 == 0:
            self.bits.append(0)
        if valid:
            self.bits[-1] |= 1 << (n & 7)
        else:
            self.null_count += 1
        self.len = n + 1

    def set_null(self, row: int) -> None:
        """Marks an already appended (or pre-sized) valid row null."""
        mask = 1 << (row & 7)
        if self.bits[row >> 3] & mask:
            self.bits[row >> 3] &= ~mask & 0xFF
            self.null_count += 1

    def __len__(self) -> int:
        return self.len

    def finish(self) -> Optional[Bitmap]:
        """The bitmap, or None when no row is null."""
        if self.null_count == 0:
            return None
        if self.len & 7:
            self.bits[-1] &= (1 << (self.len & 7)) - 1
        return Bitmap(bytes(self.bits), self.len)


class PrimitiveBuilder:
    """Builds a fixed-width column (integers, floats, date32, timestamp, duration)."""

    def __init__(self, data_type: TypeLike, capacity: int = 0):
        self.data_type = as_data_type(data_type)
        if self.data_type.layout != "fixed":
            raise Failure(f"a {self.data_type} column is not built with a PrimitiveBuilder")
        self.values = array(self.data_type.format)
        self.validity = ValidityBuilder()
        del capacity  # `array` grows geometrically; kept for symmetry with the Rust kit

    def append(self, value: Any) -> None:
        self.values.append(value)
        self.validity.append(True)

    def append_null(self) -> None:
        self.values.append(0)
        self.validity.append(False)

    def append_option(self, value: Any) -> None:
        """Appends `value`, or a null when it is None."""
        if value is None:
            self.append_null()
        else:
            self.append(value)

    def extend(self, values: Iterable[Any]) -> "PrimitiveBuilder":
        """Appends every value, None as null."""
        for v in values:
            self.append_option(v)
        return self

    def __len__(self) -> int:
        return len(self.values)

    def finish(self) -> Column:
        n = len(self.values)
        validity = self.validity.finish()
        return Column(self.data_type, n, self.values.tobytes(), None, validity, self.validity.null_count)


def _typed(name: str, data_type: DataType, doc: str) -> type:
    def __init__(self, capacity: int = 0):
        PrimitiveBuilder.__init__(self, data_type, capacity)

    return type(name, (PrimitiveBuilder,), {"__init__": __init__, "__doc__": doc})


Int8Builder = _typed("Int8Builder", DataType.INT8, "Builds an int8 column.")
Int16Builder = _typed("Int16Builder", DataType.INT16, "Builds an int16 column.")
Int32Builder = _typed("Int32Builder", DataType.INT32, "Builds an int32 column.")
Int64Builder = _typed("Int64Builder", DataType.INT64, "Builds an int64 column.")
UInt8Builder = _typed("UInt8Builder", DataType.UINT8, "Builds a uint8 column.")
UInt16Builder = _typed("UInt16Builder", DataType.UINT16, "Builds a uint16 column.")
UInt32Builder = _typed("UInt32Builder", DataType.UINT32, "Builds a uint32 column.")
UInt64Builder = _typed("UInt64Builder", DataType.UINT64, "Builds a uint64 column.")
Float32Builder = _typed("Float32Builder", DataType.FLOAT32, "Builds a float32 column.")
Float64Builder = _typed("Float64Builder", DataType.FLOAT64, "Builds a float64 column.")
Date32Builder = _typed("Date32Builder", DataType.DATE32, "Builds a date32 column (days since 1970-01-01).")
# Short names.
I8Builder, I16Builder, I32Builder, I64Builder = Int8Builder, Int16Builder, Int32Builder, Int64Builder
U8Builder, U16Builder, U32Builder, U64Builder = UInt8Builder, UInt16Builder, UInt32Builder, UInt64Builder
F32Builder, F64Builder = Float32Builder, Float64Builder


class TimestampBuilder(PrimitiveBuilder):
    """Builds a timestamp column: int64 counts of `unit` since the epoch."""

    def __init__(self, unit: TimeUnit, timezone: Optional[str] = None, capacity: int = 0):
        super().__init__(DataType.timestamp(unit, timezone), capacity)


class DurationBuilder(PrimitiveBuilder):
    """Builds a duration column: int64 counts of `unit`."""

    def __init__(self, unit: TimeUnit, capacity: int = 0):
        super().__init__(DataType.duration(unit), capacity)


class BoolBuilder:
    """Builds a bool column (values packed as bits)."""

    def __init__(self, capacity: int = 0):
        self.data_type = DataType.BOOL
        self.bits = ValidityBuilder()
        self.validity = ValidityBuilder()

    def append(self, value: bool) -> None:
        self.bits.append(bool(value))
        self.validity.append(True)

    def append_null(self) -> None:
        self.bits.append(False)
        self.validity.append(False)

    def append_option(self, value: Optional[bool]) -> None:
        if value is None:
            self.append_null()
        else:
            self.append(value)

    def extend(self, values: Iterable[Optional[bool]]) -> "BoolBuilder":
        for v in values:
            self.append_option(v)
        return self

    def __len__(self) -> int:
        return self.bits.len

    def finish(self) -> Column:
        n = self.bits.len
        validity = self.validity.finish()
        return Column(DataType.BOOL, n, bytes(self.bits.bits), None, validity, self.validity.null_count)


class BytesBuilder:
    """Builds a utf8, large_utf8, binary or large_binary column: offsets and bytes."""

    def __init__(self, data_type: TypeLike, capacity: int = 0):
        self.data_type = as_data_type(data_type)
        if self.data_type.layout != "variable":
            raise Failure(f"a {self.data_type} column is not built with a BytesBuilder")
        self.offsets = array(self.data_type.format, [0])
        self.data = bytearray()
        self.validity = ValidityBuilder()

    def append(self, value: Union[str, Buffer]) -> None:
        """Appends text (encoded as UTF-8) or bytes."""
        self.data += value.encode("utf-8") if isinstance(value, str) else value
        self.offsets.append(len(self.data))
        self.validity.append(True)

    def append_null(self) -> None:
        self.offsets.append(len(self.data))
        self.validity.append(False)

    def append_option(self, value: Optional[Union[str, Buffer]]) -> None:
        if value is None:
            self.append_null()
        else:
            self.append(value)

    def extend(self, values: Iterable[Optional[Union[str, Buffer]]]) -> "BytesBuilder":
        for v in values:
            self.append_option(v)
        return self

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def finish(self) -> Column:
        try:
            offsets = self.offsets.tobytes()
        except OverflowError as e:  # pragma: no cover - only past 2 GiB
            raise Failure(f"{self.data_type} column too large: {e}") from e
        validity = self.validity.finish()
        return Column(self.data_type, len(self), bytes(self.data), offsets, validity, self.validity.null_count)


class Utf8Builder(BytesBuilder):
    """Builds a utf8 column (large_utf8 with `large=True`)."""

    def __init__(self, capacity: int = 0, large: bool = False):
        super().__init__(DataType.LARGE_UTF8 if large else DataType.UTF8, capacity)


class BinaryBuilder(BytesBuilder):
    """Builds a binary column (large_binary with `large=True`)."""

    def __init__(self, capacity: int = 0, large: bool = False):
        super().__init__(DataType.LARGE_BINARY if large else DataType.BINARY, capacity)


def builder_for(data_type: TypeLike) -> Union[PrimitiveBuilder, BoolBuilder, BytesBuilder]:
    """A builder for any boundary type."""
    t = as_data_type(data_type)
    if t.layout == "bits":
        return BoolBuilder()
    if t.layout == "variable":
        return BytesBuilder(t)
    return PrimitiveBuilder(t)


def column_from_list(data_type: TypeLike, values: Sequence[Any]) -> Column:
    """A column from Python values, None for nulls (for tests and small columns)."""
    return builder_for(data_type).extend(values).finish()


def column_from_array(data_type: TypeLike, values: Buffer, validity: Union[None, Bitmap, ValidityBuilder, Buffer] = None) -> Column:
    """A fixed-width column over a filled buffer (an `array`, bytes...), one copy at most.

    `validity` is a `Bitmap`, a `ValidityBuilder`, raw bitmap bytes, or None
    when no row is null.
    """
    t = as_data_type(data_type)
    if t.layout != "fixed":
        raise Failure(f"from_array builds fixed-width columns, not {t}")
    if isinstance(values, array):
        if values.itemsize != t.width:
            raise Failure(f"an array of {values.itemsize}-byte items cannot hold {t} values")
        rows = len(values)
        values = values.tobytes()
    else:
        rows = len(memoryview(values).cast("B")) // t.width
    if isinstance(validity, ValidityBuilder):
        if validity.len != rows:
            raise Failure(f"validity of {validity.len} rows for {rows} values")
        validity = validity.finish()
    return Column(t, rows, values, None, validity)


class Selection:
    """The rows to keep, for a contract that filters: a bitmap, 1 = keep.

        Selection.from_fn(len(batch), lambda row: fares[row] > 0)
    """

    __slots__ = ("_bits",)

    def __init__(self, rows: int, keep: bool = False):
        self._bits = ValidityBuilder.all_valid(rows) if keep else _zeros(rows)

    @staticmethod
    def all(rows: int) -> "Selection":
        return Selection(rows, True)

    @staticmethod
    def none(rows: int) -> "Selection":
        return Selection(rows, False)

    @staticmethod
    def from_fn(rows: int, keep) -> "Selection":
        """Keeps the rows for which `keep(row)` is true."""
        return Selection.from_bools(keep(row) for row in range(rows))

    @staticmethod
    def from_bools(values: Iterable[Any]) -> "Selection":
        s = Selection(0)
        for v in values:
            s._bits.append(bool(v))
        return s

    def keep(self, row: int) -> None:
        self._bits.bits[row >> 3] |= 1 << (row & 7)

    def drop(self, row: int) -> None:
        self._bits.bits[row >> 3] &= ~(1 << (row & 7)) & 0xFF

    def __getitem__(self, row: int) -> bool:
        if not 0 <= row < self._bits.len:
            raise IndexError(f"row {row} out of a selection of {self._bits.len}")
        return (self._bits.bits[row >> 3] >> (row & 7)) & 1 == 1

    def __len__(self) -> int:
        return self._bits.len

    def count(self) -> int:
        """Number of rows kept."""
        return Bitmap(self._bits.bits, self._bits.len).count_set()

    def kept_rows(self) -> List[int]:
        return [row for row in range(len(self)) if self[row]]

    def to_bytes(self) -> bytes:
        n = self._bits.len
        bits = bytearray(self._bits.bits[: bitmap_len(n)])
        if n & 7:
            bits[-1] &= (1 << (n & 7)) - 1
        return bytes(bits)

    def __repr__(self) -> str:
        return f"Selection(kept {self.kept_rows()} of {len(self)})"


def _zeros(rows: int) -> ValidityBuilder:
    v = ValidityBuilder()
    v.bits = bytearray(bitmap_len(rows))
    v.len = rows
    return v
