"""The component glue against the real bindings componentize-py generates
(`componentize-py bindings`), run natively: what the component calls.
The whole plugin in the real sandbox is tested by the repository's golden
tests (`cargo test -p wasmprep --test all -- golden::`)."""

from array import array

import pytest

import wasmprep_plugin as wp
from conftest import wire


class Half(wp.Plugin):
    def configure(self, config):
        self.fail = config.get_bool("fail", False)
        return wp.Contract("half", "1.2.3").input("x", "float64").nullable_output("h", "float64").filters()

    def process(self, batch):
        if self.fail:
            raise ValueError("asked to")
        x = batch["x"]
        if len(batch) and x.valid(0) and x.f64()[0] < 0:
            raise wp.InvalidInput("negative", "x", 0)
        out = wp.Float64Builder().extend(v / 2 if v is not None else None for v in x.to_list()).finish()
        return wp.Output(out, selection=wp.Selection.from_fn(len(batch), x.valid))


def test_every_type_converts_to_its_wit_case(glue):
    wit = glue.wit
    assert isinstance(glue.data_type_to_wit(wp.DataType.UINT16), wit.DataType_Uint16)
    assert isinstance(glue.data_type_to_wit(wp.DataType.LARGE_UTF8), wit.DataType_LargeUtf8)
    assert isinstance(glue.data_type_to_wit(wp.DataType.BOOL), wit.DataType_Boolean)
    ts = glue.data_type_to_wit(wp.DataType.parse("timestamp[us, UTC]"))
    assert ts == wit.DataType_Timestamp(wit.TimestampType(unit=wit.TimeUnit.MICROSECOND, timezone="UTC"))
    assert glue.data_type_to_wit(wp.DataType.parse("duration[ns]")) == wit.DataType_Duration(wit.TimeUnit.NANOSECOND)
    cases = {name for name in dir(wit) if name.startswith("DataType_")}
    made = {type(glue.data_type_to_wit(wp.DataType.parse(n))).__name__ for n in [
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64",
        "utf8", "large_utf8", "binary", "large_binary", "date32", "timestamp[s]", "duration[s]"]}
    assert made == cases  # every case of the WIT variant, and nothing else


def test_transform_configures_and_processes(glue):
    wit = glue.wit
    Transform = wp.export(Half)
    assert Transform.plugin is Half
    t = Transform()
    contract = t.configure([])
    assert contract == wit.Contract(
        name="half",
        version="1.2.3",
        inputs=[wit.ColumnSpec(name="x", data_type=wit.DataType_Float64(), nullable=True)],
        outputs=[wit.ColumnSpec(name="h", data_type=wit.DataType_Float64(), nullable=True)],
        filters=True,
    )
    out = t.process([wire(wit, [4.0, None, 1.0])])
    assert isinstance(out, wit.BatchOutput)
    (col,) = out.columns
    assert (col.len, col.null_count, col.validity, col.offsets) == (3, 1, bytes([0b101]), None)
    assert array("d", col.values).tolist() == [2.0, 0.0, 0.5]
    assert out.selection == bytes([0b101])


def test_text_columns_cross_with_exact_buffers(glue):
    col = glue.column_to_wit(wp.column_from_list("utf8", ["ab", None, "c"]))
    assert col.offsets == array("i", [0, 2, 2, 3]).tobytes() and col.values == b"abc"
    assert col.validity == bytes([0b101]) and col.null_count == 1
    bools = glue.column_to_wit(wp.column_from_list("bool", [True] * 9))
    assert bools.values == b"\xff\x01" and bools.validity is None


def test_errors_become_wit_errors(glue):
    from componentize_py_types import Err

    wit = glue.wit
    t = wp.export(Half)()
    with pytest.raises(Err) as e:
        t.configure([("nope", "1")])
    assert e.value.value == wit.Error_InvalidConfig("unknown key(s): nope")
    t.configure([])
    with pytest.raises(Err) as e:
        t.process([wire(wit, [-1.0])])
    assert e.value.value == wit.Error_InvalidInput(wit.InputError(message="negative", row=0, column="x"))
    t.configure([("fail", "true")])
    with pytest.raises(Err) as e:
        t.process([wire(wit, [1.0])])
    assert isinstance(e.value.value, wit.Error_Failure)
    assert e.value.value.value.startswith("ValueError: asked to (in process, test_glue.py:")


def test_input_error_fields_that_do_not_fit_the_wit_are_left_out(glue):
    wit = glue.wit
    assert glue.error_to_wit(wp.InvalidInput("m", row=-1)) == wit.Error_InvalidInput(
        wit.InputError(message="m", row=None, column=None)
    )
    assert glue.error_to_wit(wp.InvalidInput("m", "c", 2**32)).value.row is None
    assert glue.error_to_wit(wp.Failure(42)) == wit.Error_Failure("42")


def test_process_before_configure_is_a_failure(glue):
    from componentize_py_types import Err

    with pytest.raises(Err) as e:
        wp.export(Half)().process([])
    assert e.value.value == glue.wit.Error_Failure("process was called before configure")


def test_natively_logs_stay_captured(glue):
    assert wp.log._sink is None
