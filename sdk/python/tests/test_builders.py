from array import array

import pytest

import wasmprep_plugin as wp
from wasmprep_plugin import DataType, Failure, Selection, TimeUnit, ValidityBuilder


def test_builder_with_nulls_makes_a_bitmap_and_counts_them():
    b = wp.Float32Builder()
    for v in [1.5, None, 2.5, None]:
        b.append_option(v)
    col = b.finish()
    assert col.data_type == DataType.FLOAT32 and col.len == 4
    assert col.null_count == 2
    assert col.validity.to_bytes() == bytes([0b0101])
    assert col.values == array("f", [1.5, 0, 2.5, 0]).tobytes()


def test_builder_without_nulls_has_no_bitmap():
    col = wp.I64Builder().extend([1, 2, 3]).finish()
    assert col.validity is None and col.null_count == 0
    assert list(col.i64()) == [1, 2, 3]


def test_short_names_are_the_same_builders():
    assert wp.F32Builder is wp.Float32Builder and wp.U8Builder is wp.UInt8Builder


def test_integer_out_of_range_raises():
    with pytest.raises(OverflowError):
        wp.Int8Builder().append(128)


def test_timestamp_and_duration_builders_carry_their_type():
    ts = wp.TimestampBuilder(TimeUnit.MICROSECOND, "UTC").extend([1, None]).finish()
    assert str(ts.data_type) == "timestamp[us, UTC]" and ts.to_list() == [1, None]
    d = wp.DurationBuilder(TimeUnit.SECOND).extend([60]).finish()
    assert str(d.data_type) == "duration[s]"
    assert wp.Date32Builder().extend([19000]).finish().data_type == DataType.DATE32


def test_text_builder():
    b = wp.Utf8Builder()
    b.append("a")
    b.append_null()
    b.append("ñ")
    col = b.finish()
    assert col.to_list() == ["a", None, "ñ"]
    assert col.offsets == array("i", [0, 1, 1, 3]).tobytes()
    large = wp.Utf8Builder(large=True).extend(["x"]).finish()
    assert large.data_type == DataType.LARGE_UTF8 and large.offsets == array("q", [0, 1]).tobytes()
    assert wp.BinaryBuilder().extend([b"\x00", bytearray(b"yz")]).finish().to_list() == [b"\x00", b"yz"]


def test_bool_builder():
    col = wp.BoolBuilder().extend([True, None, False, True]).finish()
    assert col.to_list() == [True, None, False, True]
    assert col.values == bytes([0b1001]) and col.validity.to_bytes() == bytes([0b1101])


def test_builder_for_every_type():
    for name in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32",
                 "float64", "utf8", "large_utf8", "binary", "large_binary", "date32", "timestamp[ns]", "duration[ms]"]:
        t = DataType.parse(name)
        sample = {"bits": True, "fixed": 1, "variable": "v" if t.is_text else b"v"}[t.layout]
        col = wp.builder_for(t).extend([sample, None]).finish()
        assert col.data_type == t and col.to_list() == [sample, None], name
    with pytest.raises(Failure):
        wp.PrimitiveBuilder("utf8")
    with pytest.raises(Failure):
        wp.BytesBuilder("int8")


def test_column_from_array():
    values = array("d", [1.0, 2.0, 3.0])
    validity = ValidityBuilder.all_valid(3)
    validity.set_null(1)
    validity.set_null(1)  # twice counts once
    col = wp.column_from_array(DataType.FLOAT64, values, validity)
    assert col.to_list() == [1.0, None, 3.0] and col.null_count == 1
    assert wp.column_from_array("float64", values).validity is None
    with pytest.raises(Failure, match="4-byte items"):
        wp.column_from_array(DataType.FLOAT64, array("f", [1.0]))
    with pytest.raises(Failure, match="validity of 2 rows"):
        wp.column_from_array(DataType.FLOAT64, values, ValidityBuilder.all_valid(2))


def test_validity_builder_masks_trailing_bits():
    v = ValidityBuilder.all_valid(10)
    v.set_null(0)
    assert v.finish().to_bytes() == bytes([0b1111_1110, 0b11])
    assert ValidityBuilder.all_valid(5).finish() is None


def test_selection():
    s = Selection.from_fn(10, lambda row: row % 3 == 0)
    assert s.kept_rows() == [0, 3, 6, 9] and s.count() == 4 and len(s) == 10
    assert s.to_bytes() == bytes([0b0100_1001, 0b10])
    s.drop(0)
    s.keep(1)
    assert s.kept_rows() == [1, 3, 6, 9]
    assert Selection.all(9).to_bytes() == bytes([0xFF, 0x01])
    assert Selection.none(3).kept_rows() == []
    assert Selection.from_bools([0, 1, "x", None]).kept_rows() == [1, 2]
    with pytest.raises(IndexError):
        s[10]
