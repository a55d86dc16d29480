"""Config, errors, logging and the contract checks, through the test harness."""

import pytest

import wasmprep_plugin as wp
from wasmprep_plugin import Config, Failure, InvalidConfig, InvalidInput, log
from wasmprep_plugin.testing import Harness


class FarePerKm(wp.Plugin):
    """Divides fares by distances, drops rows without distance, labels rows."""

    def configure(self, config):
        self.output = config.get("output", "fare_per_km")
        self.max_fare = config.get_float("max_fare", 1000.0)
        log.info(f"max fare {self.max_fare}")
        return (
            wp.Contract("fare-per-km", "0.1.0")
            .input("fare_amount", wp.DataType.FLOAT64)
            .required_input("trip_km", "float32")
            .input("vendor", "utf8")
            .output(self.output, wp.DataType.FLOAT64)
            .nullable_output("label", "utf8")
            .filters()
        )

    def process(self, batch):
        fare, km, vendor = batch["fare_amount"], batch["trip_km"], batch["vendor"]
        fares, kms, vendors = fare.f64(), km.f32(), vendor.text()
        per = wp.Float64Builder()
        label = wp.Utf8Builder()
        for row in range(len(batch)):
            if fare.valid(row) and fares[row] > self.max_fare:
                raise InvalidInput(f"fare {fares[row]} above {self.max_fare}", "fare_amount", row)
            ok = fare.valid(row) and kms[row] > 0
            per.append(fares[row] / kms[row] if ok else 0.0)
            label.append_option(vendors[row].upper() if vendor.valid(row) else None)
        if len(batch) > 2:
            log.warn(f"{len(batch)} rows")
        keep = wp.Selection.from_fn(len(batch), lambda row: kms[row] > 0)
        return wp.Output(per.finish()).column(label.finish()).select(keep)


def test_a_plugin_end_to_end():
    p = Harness(FarePerKm, {"max_fare": 100})
    out = p.process(fare_amount=[10.0, None, 30.0], trip_km=[2.0, 1.0, 0.0], vendor=["a", "b", None])
    assert out["fare_per_km"] == [5.0, 0.0, 0.0]
    assert out["label"] == ["A", "B", None]
    assert out.kept_rows == [0, 1]
    assert out.kept("label") == ["A", "B"]
    assert p.take_logs() == [(log.Level.INFO, "max fare 100.0"), (log.Level.WARN, "3 rows")]
    assert p.take_logs() == []


def test_invalid_input_names_column_and_row():
    p = Harness(FarePerKm)
    with pytest.raises(InvalidInput) as e:
        p.process(fare_amount=[1.0, 5000.0], trip_km=[1.0, 1.0], vendor=["a", "b"])
    assert (e.value.column, e.value.row) == ("fare_amount", 1)
    assert str(e.value) == "invalid input in column `fare_amount` at row 1: fare 5000.0 above 1000.0"


def test_config_errors():
    with pytest.raises(InvalidConfig, match=r"`max_fare` = 'lots' is not a valid number"):
        Harness(FarePerKm, {"max_fare": "lots"})
    with pytest.raises(InvalidConfig, match=r"unknown key\(s\): outptu, x"):
        Harness(FarePerKm, [("outptu", "a"), ("x", "1")])


def test_config_reads_and_marks_keys():
    c = Config([("a", "1"), ("b", "true"), ("c", "[1, 2]"), ("d", " 2.5 "), ("e", "x")])
    assert c.get_int("a") == 1 and c.get_bool("b") is True and c.get_json("c") == [1, 2]
    assert c.get_float("d") == 2.5 and c.get_int("missing", 7) == 7 and c.get("nope") is None
    assert "e" in c and c.unknown() == ["e"]
    with pytest.raises(InvalidConfig, match="unknown key"):
        c.finish()
    assert c.entries()[-1] == ("e", "x")
    c.finish()
    with pytest.raises(InvalidConfig, match="not a valid bool"):
        Config({"b": "yes"}).get_bool("b")
    assert Config({"b": False, "n": 3, "l": [1]}).entries() == [("b", "false"), ("n", "3"), ("l", "[1]")]


class Returns(wp.Plugin):
    """Returns whatever the test puts in `result`, for the output checks."""

    result = None
    contract = wp.Contract("returns", "0.1.0").input("x", "int32").output("y", "int64")

    def configure(self, config):
        return Returns.contract

    def process(self, batch):
        return Returns.result(batch) if callable(Returns.result) else Returns.result


@pytest.mark.parametrize(
    "result,message",
    [
        (lambda b: wp.Output(), "returned 0 columns, the contract declares 1 outputs"),
        (lambda b: wp.column_from_list("int64", [1]), "output `y` has 1 rows, the batch 2"),
        (lambda b: wp.column_from_list("int64", [1, None]), "output `y` has 1 nulls but is declared without nulls"),
        (lambda b: wp.column_from_list("float64", [1, 2]), "output `y` is float64, the contract declares int64"),
        (lambda b: wp.Output(wp.column_from_list("int64", [1, 2]), selection=wp.Selection.all(2)),
         "a selection was returned but the contract does not filter"),
        (lambda b: 42, "process returned int, not an Output"),
        (lambda b: 1 / 0, r"ZeroDivisionError: division by zero \(in <lambda>, test_plugin.py:\d+\)"),
        (lambda b: b["z"], "no input `z` in the batch \\(the contract declares `x`\\)"),
    ],
)
def test_output_is_checked_against_the_contract(result, message):
    Returns.result = result
    with pytest.raises(Failure, match=message):
        Harness(Returns).process(x=[1, 2])


def test_same_layout_outputs_take_the_declared_type_and_lists_are_outputs():
    contract = wp.Contract("ts", "0.1.0").input("x", "int64").output("t", "timestamp[ms]").output("u", "int64")

    class Ts(wp.Plugin):
        def configure(self, config):
            return contract

        def process(self, batch):
            return [wp.column_from_list("int64", [5]), wp.column_from_list("int64", [6])]

    out = Harness(Ts).process(x=[0])
    assert str(out.column("t").data_type) == "timestamp[ms]" and out["t"] == [5]


def test_filter_checks():
    contract = wp.Contract("f", "0.1.0").input("x", "int32").filters()

    class F(wp.Plugin):
        def configure(self, config):
            return contract

        def process(self, batch):
            return wp.Output(selection=self.selection(len(batch)))

    F.selection = lambda self, n: wp.Selection.from_fn(n, lambda r: r > 0)
    assert Harness(F).process(x=[1, 2, 3]).kept_rows == [1, 2]
    F.selection = lambda self, n: None
    with pytest.raises(Failure, match="the contract filters but no selection was returned"):
        Harness(F).process(x=[1])
    F.selection = lambda self, n: wp.Selection.all(n + 1)
    with pytest.raises(Failure, match="selection has 2 rows, the batch 1"):
        Harness(F).process(x=[1])


def test_configure_must_return_a_contract_without_duplicates():
    class NoContract(wp.Plugin):
        def configure(self, config):
            return None

    with pytest.raises(Failure, match="configure returned NoneType, not a Contract"):
        Harness(NoContract)

    class Twice(wp.Plugin):
        def configure(self, config):
            return wp.Contract("t", "0.1.0").input("a", "int8").input("a", "int8")

    with pytest.raises(Failure, match="input `a` declared twice"):
        Harness(Twice)


def test_harness_input_checks():
    p = Harness(FarePerKm)
    with pytest.raises(KeyError, match="no values for input `vendor`"):
        p.process(fare_amount=[1.0], trip_km=[1.0])
    with pytest.raises(KeyError, match="not inputs of the contract: extra"):
        p.process(fare_amount=[1.0], trip_km=[1.0], vendor=["a"], extra=[1])
    with pytest.raises(ValueError, match="declared without nulls"):
        p.process(fare_amount=[1.0], trip_km=[None], vendor=["a"])
    with pytest.raises(Failure, match="input `trip_km` has 2 rows, the first input 1"):
        p.process(fare_amount=[1.0], trip_km=[1.0, 2.0], vendor=["a"])
    # A Column may be given instead of a list.
    out = p.process({"fare_amount": wp.column_from_list("float64", [4.0])}, trip_km=[2.0], vendor=["v"])
    assert out["fare_per_km"] == [2.0]


def test_errors_print_like_the_host():
    assert str(InvalidConfig("bad")) == "invalid config: bad"
    assert str(Failure("oops")) == "failure: oops"
    assert str(InvalidInput("neg")) == "invalid input: neg"
    assert str(InvalidInput("neg", column="c")) == "invalid input in column `c`: neg"
    assert isinstance(InvalidInput("x"), wp.PluginError)


def test_logging_outside_a_component_is_captured_and_forwarded(caplog):
    log.take_captured()
    with caplog.at_level("DEBUG", logger="wasmprep_plugin"):
        log.debug("d")
        log.error("e")
        log.trace("t")
    assert log.take_captured() == [(log.Level.DEBUG, "d"), (log.Level.ERROR, "e"), (log.Level.TRACE, "t")]
    assert [r.getMessage() for r in caplog.records] == ["d", "e"]


def test_export_outside_a_component_is_a_placeholder():
    Transform = wp.export(FarePerKm)
    assert Transform.plugin is FarePerKm
    with pytest.raises(RuntimeError, match="testing.Harness"):
        Transform()
