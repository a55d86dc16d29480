import pytest

from wasmprep_plugin import Contract, DataType, TimeUnit


def test_names_parse_and_print_as_the_host_writes_them():
    for name in ["bool", "int8", "uint64", "float32", "large_utf8", "binary", "date32", "timestamp[ms]",
                 "timestamp[us, UTC]", "timestamp[ns, +01:00]", "duration[s]"]:
        assert str(DataType.parse(name)) == name
    assert DataType.parse("timestamp[ms, UTC]") == DataType.timestamp(TimeUnit.MILLISECOND, "UTC")
    assert DataType.parse(" double ") == DataType.FLOAT64


@pytest.mark.parametrize(
    "alias,canonical",
    [("int", "int32"), ("float", "float32"), ("double", "float64"), ("date", "date32"),
     ("boolean", "bool"), ("string", "utf8")],
)
def test_aliases(alias, canonical):
    assert DataType.parse(alias) == DataType.parse(canonical)


@pytest.mark.parametrize("bad", ["float16", "timestamp", "timestamp[h]", "duration[ms, UTC]", "timestamp[ms, ]"])
def test_unknown_names_list_the_known_ones(bad):
    with pytest.raises(ValueError, match="known: bool, int8"):
        DataType.parse(bad)


def test_layouts():
    assert DataType.FLOAT32.layout == "fixed" and DataType.FLOAT32.format == "f"
    assert DataType.BOOL.layout == "bits"
    assert DataType.LARGE_BINARY.layout == "variable" and DataType.LARGE_BINARY.width == 8
    assert DataType.INT64.same_layout(DataType.timestamp(TimeUnit.SECOND))
    assert DataType.DATE32.same_layout(DataType.INT32)
    assert not DataType.FLOAT32.same_layout(DataType.INT32)
    assert DataType.UTF8.same_layout(DataType.BINARY)
    assert not DataType.UTF8.same_layout(DataType.LARGE_UTF8)


def test_types_are_values():
    assert DataType.duration(TimeUnit.NANOSECOND) == DataType.parse("duration[ns]")
    assert len({DataType.INT8, DataType.parse("int8"), DataType.INT16}) == 2
    with pytest.raises(ValueError):
        DataType("timestamp")


def test_contract_builder():
    c = (
        Contract("fare-per-km", "0.2.0")
        .input("fare_amount", DataType.FLOAT32)
        .required_input("trip_distance", "double")
        .output("fare_per_km", DataType.FLOAT64)
        .nullable_output("note", "string")
        .filters()
    )
    assert [(s.name, str(s.data_type), s.nullable) for s in c.inputs] == [
        ("fare_amount", "float32", True),
        ("trip_distance", "float64", False),
    ]
    assert [(s.name, str(s.data_type), s.nullable) for s in c.outputs] == [
        ("fare_per_km", "float64", False),
        ("note", "utf8", True),
    ]
    assert c.filters_rows
    assert c.input_index("trip_distance") == 1 and c.input_index("x") is None
    assert not Contract("x", "1.0.0").filters_rows
