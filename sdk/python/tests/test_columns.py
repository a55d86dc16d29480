from array import array

import pytest

from wasmprep_plugin import Bitmap, Column, DataType, Failure, TimeUnit, column_from_list


def test_fixed_views_are_zero_copy_memoryview_casts():
    values = bytearray(array("f", [1.5, -2.0, 3.25]).tobytes())
    col = Column(DataType.FLOAT32, 3, values)
    view = col.f32()
    assert isinstance(view, memoryview) and view.format == "f"
    assert list(view) == [1.5, -2.0, 3.25]
    values[0:4] = array("f", [9.0]).tobytes()
    assert view[0] == 9.0  # the view reads the buffer itself


@pytest.mark.parametrize(
    "t,method,values",
    [
        (DataType.INT8, "i8", [-128, 0, 127]),
        (DataType.INT16, "i16", [-32768, 1, 32767]),
        (DataType.INT32, "i32", [-(2**31), 2, 2**31 - 1]),
        (DataType.INT64, "i64", [-(2**63), 3, 2**63 - 1]),
        (DataType.UINT8, "u8", [0, 1, 255]),
        (DataType.UINT16, "u16", [0, 1, 65535]),
        (DataType.UINT32, "u32", [0, 1, 2**32 - 1]),
        (DataType.UINT64, "u64", [0, 1, 2**64 - 1]),
        (DataType.FLOAT64, "f64", [0.1, -1e300, 2.5]),
        (DataType.DATE32, "i32", [-1, 0, 19000]),
        (DataType.timestamp(TimeUnit.MILLISECOND, "UTC"), "i64", [0, 1_700_000_000_000, -5]),
        (DataType.duration(TimeUnit.SECOND), "i64", [0, 60, -60]),
    ],
)
def test_every_fixed_type_reads_back(t, method, values):
    col = column_from_list(t, values)
    assert list(getattr(col, method)()) == values
    assert col.to_list() == values


def test_a_view_of_the_wrong_type_is_a_failure():
    col = column_from_list(DataType.FLOAT32, [1.0])
    with pytest.raises(Failure, match="float32 column read as float64"):
        col.f64()
    with pytest.raises(Failure, match="no fixed-width values"):
        column_from_list("utf8", ["a"]).view()


def test_validity():
    bits = bytes([0b0000_0101])
    col = Column(DataType.INT32, 3, array("i", [7, 0, 9]), validity=bits)
    assert col.null_count == 1
    assert [col.valid(r) for r in range(3)] == [True, False, True]
    assert col.is_null(1)
    assert col.to_list() == [7, None, 9]
    assert list(col.validity) == [True, False, True]


def test_no_nulls_means_no_bitmap():
    col = Column(DataType.INT32, 2, array("i", [1, 2]), validity=b"\x03")
    assert col.validity is None and col.null_count == 0
    assert col.valid(0) and col.valid(1)


def test_buffers_too_short_are_refused():
    with pytest.raises(Failure, match="needs 12 bytes of values"):
        Column(DataType.FLOAT32, 3, b"\0" * 8)
    with pytest.raises(Failure, match="bytes of offsets"):
        Column(DataType.UTF8, 2, b"ab", offsets=array("i", [0, 1]).tobytes())
    with pytest.raises(Failure, match="bitmap"):
        Column(DataType.INT8, 9, b"\0" * 9, validity=b"\x01")


def test_text_and_binary_views_read_through_offsets():
    col = column_from_list("utf8", ["héllo", None, "", "wörld"])
    assert col.null_count == 1
    text = col.text()
    assert text[0] == "héllo" and text[2] == "" and text[3] == "wörld"
    assert list(col.binary().offsets) == [0, 6, 6, 6, 12]
    raw = col.binary()[3]
    assert isinstance(raw, memoryview) and bytes(raw) == "wörld".encode()
    assert col.to_list() == ["héllo", None, "", "wörld"]

    large = column_from_list("large_binary", [b"\x00\x01", None, b"z"])
    assert large.binary().offsets.format == "q"
    assert large.to_list() == [b"\x00\x01", None, b"z"]
    with pytest.raises(Failure, match="read as text"):
        large.text()


def test_bool_values_are_bits():
    col = column_from_list(DataType.BOOL, [True, False, None, True] * 3)
    assert col.values == bytes([0b1001_1001, 0b1001])  # least significant bit first
    assert col.to_list() == [True, False, None, True] * 3
    assert col.null_count == 3


def test_bitmap():
    b = Bitmap.from_bools([True, False, True, True, False, False, False, False, True])
    assert len(b) == 9 and b.to_bytes() == bytes([0b0000_1101, 0b1])
    assert b.count_set() == 4
    assert b[8] and not b[1]
    with pytest.raises(IndexError):
        b[9]
    # Bits past the length are ignored.
    assert Bitmap(b"\xff\xff", 3).count_set() == 3
    assert Bitmap(b"\xff", 3) == Bitmap.from_bools([True] * 3)
