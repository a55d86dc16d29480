"""Columns as Arrow buffers, read through zero-copy views.

A `Column` holds the buffers the host sent (or a builder made): `values`,
`offsets` for text and binary, `validity` (a `Bitmap`, or None when there
are no nulls). Typed views are `memoryview` casts of those buffers, so
reading a float32 column costs no conversion until you index it:

    fares = batch["fare_amount"].f32()      # memoryview of 'f'
    for row in range(len(fares)):
        if batch["fare_amount"].valid(row):
            total += fares[row]
"""

from __future__ import annotations

import sys
from typing import Any, Iterator, List, Optional, Union

from .errors import Failure
from .types import DataType

Buffer = Union[bytes, bytearray, memoryview]

if sys.byteorder != "little":  # pragma: no cover - Arrow buffers are little endian
    raise ImportError("wasmprep_plugin reads Arrow buffers as native values: it needs a little-endian machine")


def as_bytes(buffer: Buffer) -> Buffer:
    """`buffer` itself when it is bytes or bytearray, else a byte view of it (an `array`, a typed memoryview)."""
    if isinstance(buffer, (bytes, bytearray)):
        return buffer
    view = memoryview(buffer)
    return view if view.format == "B" and view.ndim == 1 else view.cast("B")


def bitmap_len(rows: int) -> int:
    """Bytes of a bitmap of `rows` bits."""
    return (rows + 7) >> 3


class Bitmap:
    """Packed bits, least significant bit first (Arrow's validity and boolean layout)."""

    __slots__ = ("bits", "len")

    def __init__(self, bits: Buffer, length: int):
        bits = as_bytes(bits)
        if len(bits) < bitmap_len(length):
            raise Failure(f"bitmap of {len(bits)} bytes is too short for {length} rows")
        self.bits = bits
        self.len = length

    @staticmethod
    def from_bools(values) -> "Bitmap":
        """A bitmap from an iterable of truth values."""
        bits = bytearray()
        n = 0
        for v in values:
            if n & 7 == 0:
                bits.append(0)
            if v:
                bits[-1] |= 1 << (n & 7)
            n += 1
        return Bitmap(bytes(bits), n)

    def __len__(self) -> int:
        return self.len

    def __getitem__(self, row: int) -> bool:
        if not 0 <= row < self.len:
            raise IndexError(f"row {row} out of a bitmap of {self.len}")
        return (self.bits[row >> 3] >> (row & 7)) & 1 == 1

    def __iter__(self) -> Iterator[bool]:
        bits = self.bits
        return (((bits[i >> 3] >> (i & 7)) & 1) == 1 for i in range(self.len))

    def count_set(self) -> int:
        """Number of bits set among the first `len`."""
        n = bitmap_len(self.len)
        total = int.from_bytes(bytes(self.bits[:n]), "little")
        return (total & ((1 << self.len) - 1)).bit_count()

    def to_bytes(self) -> bytes:
        """The bitmap's bytes, exactly ceil(len / 8) of them."""
        return bytes(self.bits[: bitmap_len(self.len)])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bitmap) and self.len == other.len and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Bitmap({''.join('1' if b else '0' for b in self)})"


class Column:
    """One column of `len` rows: its type and its Arrow buffers.

    - `values`: the values buffer (bytes-like);
    - `offsets`: the offsets buffer of text and binary types, else None;
    - `validity`: a `Bitmap` (1 = valid), or None when no row is null;
    - `null_count`: the number of nulls.
    """

    __slots__ = ("data_type", "len", "null_count", "validity", "offsets", "values")

    def __init__(
        self,
        data_type: DataType,
        length: int,
        values: Buffer,
        offsets: Optional[Buffer] = None,
        validity: Optional[Union[Bitmap, Buffer]] = None,
        null_count: Optional[int] = None,
    ):
        self.data_type = data_type
        self.len = length
        self.values = as_bytes(values)
        self.offsets = None if offsets is None else as_bytes(offsets)
        if validity is not None and not isinstance(validity, Bitmap):
            validity = Bitmap(validity, length)
        if null_count is None:
            null_count = 0 if validity is None else length - validity.count_set()
        if null_count == 0:
            validity = None
        elif validity is None:
            raise Failure(f"a column with {null_count} nulls needs a validity bitmap")
        self.validity = validity
        self.null_count = null_count
        self._check()

    def _check(self) -> None:
        t, n = self.data_type, self.len
        if t.layout == "bits":
            need = bitmap_len(n)
        elif t.layout == "fixed":
            need = n * t.width
        else:
            if self.offsets is None or len(self.offsets) < (n + 1) * t.width:
                raise Failure(f"{t} column of {n} rows needs {(n + 1) * t.width} bytes of offsets")
            need = 0
        if len(self.values) < need:
            raise Failure(f"{t} column of {n} rows needs {need} bytes of values, has {len(self.values)}")

    def __len__(self) -> int:
        return self.len

    def valid(self, row: int) -> bool:
        """Whether `row` holds a value (is not null)."""
        v = self.validity
        return v is None or (v.bits[row >> 3] >> (row & 7)) & 1 == 1

    def is_null(self, row: int) -> bool:
        return not self.valid(row)

    def retyped(self, data_type: DataType) -> "Column":
        """The same buffers read as `data_type`, which must have the same layout."""
        if not data_type.same_layout(self.data_type):
            raise Failure(f"a {self.data_type} column cannot be read as {data_type}")
        return Column(data_type, self.len, self.values, self.offsets, self.validity, self.null_count)

    # Typed views -------------------------------------------------------

    def view(self) -> memoryview:
        """The values as a typed memoryview (fixed-width types), without a copy."""
        t = self.data_type
        if t.layout != "fixed":
            raise Failure(f"a {t} column has no fixed-width values; use text(), binary() or bools()")
        return memoryview(self.values)[: self.len * t.width].cast(t.format)

    def _typed(self, *kinds: str) -> memoryview:
        if self.data_type.kind not in kinds:
            raise Failure(f"a {self.data_type} column read as {' or '.join(kinds)}")
        return self.view()

    def i8(self) -> memoryview:
        return self._typed("int8")

    def i16(self) -> memoryview:
        return self._typed("int16")

    def i32(self) -> memoryview:
        """int32 values (and date32's days since the epoch)."""
        return self._typed("int32", "date32")

    def i64(self) -> memoryview:
        """int64 values (and timestamps' and durations' counts of units)."""
        return self._typed("int64", "timestamp", "duration")

    def u8(self) -> memoryview:
        return self._typed("uint8")

    def u16(self) -> memoryview:
        return self._typed("uint16")

    def u32(self) -> memoryview:
        return self._typed("uint32")

    def u64(self) -> memoryview:
        return self._typed("uint64")

    def f32(self) -> memoryview:
        return self._typed("float32")

    def f64(self) -> memoryview:
        return self._typed("float64")

    def bools(self) -> Bitmap:
        """A bool column's values as a bitmap (nulls read as whatever bit is stored)."""
        if self.data_type.kind != "bool":
            raise Failure(f"a {self.data_type} column read as bool")
        return Bitmap(self.values, self.len)

    def binary(self) -> "BinaryView":
        """Values of a binary (or text) column as `memoryview` slices."""
        if self.data_type.layout != "variable":
            raise Failure(f"a {self.data_type} column read as binary")
        return BinaryView(self)

    def text(self) -> "TextView":
        """Values of a utf8 column as `str`."""
        if not self.data_type.is_text:
            raise Failure(f"a {self.data_type} column read as text")
        return TextView(self)

    def get(self, row: int) -> Any:
        """The value at `row` as a Python object (None for a null)."""
        if not 0 <= row < self.len:
            raise IndexError(f"row {row} out of a column of {self.len}")
        if not self.valid(row):
            return None
        t = self.data_type
        if t.layout == "bits":
            return self.bools()[row]
        if t.layout == "variable":
            return self.text()[row] if t.is_text else bytes(self.binary()[row])
        return self.view()[row]

    def to_list(self) -> List[Any]:
        """Every value, None for nulls (a copy: for tests and small columns)."""
        return [self.get(row) for row in range(self.len)]

    def __repr__(self) -> str:
        shown = self.to_list()[:8]
        more = ", ..." if self.len > 8 else ""
        return f"Column({self.data_type}, {self.len} rows, {self.null_count} nulls: {shown}{more})"


class BinaryView:
    """The values of a variable-length column, row by row, without copying the bytes."""

    __slots__ = ("offsets", "data", "len")

    def __init__(self, column: Column):
        t = column.data_type
        self.offsets = memoryview(column.offsets)[: (column.len + 1) * t.width].cast(t.format)
        self.data = memoryview(column.values)
        self.len = column.len
        if self.offsets[0] != 0 or self.offsets[self.len] > len(self.data):
            raise Failure(f"offsets of a {t} column do not fit its {len(self.data)} bytes of values")

    def __len__(self) -> int:
        return self.len

    def __getitem__(self, row: int) -> memoryview:
        if not 0 <= row < self.len:
            raise IndexError(f"row {row} out of a column of {self.len}")
        return self.data[self.offsets[row] : self.offsets[row + 1]]

    def __iter__(self) -> Iterator[memoryview]:
        return (self[row] for row in range(self.len))


class TextView(BinaryView):
    """The values of a utf8 column as `str` (decoded when read)."""

    def __getitem__(self, row: int) -> str:  # type: ignore[override]
        return str(super().__getitem__(row), "utf-8")

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return (self[row] for row in range(self.len))
