"""Fitting plugins: the Aggregate driven natively (FitHarness, as the host
holds states: bytes) and the component glue of the fitting-plugin world
against the bindings componentize-py generates."""

import json
import struct

import pytest

import wasmprep_plugin as wp
from conftest import wire
from wasmprep_plugin.testing import FitHarness, Harness


class Mean(wp.Aggregate):
    def configure(self, config):
        self.column = config.get("column", "x")
        self.broken = config.get("broken", "")
        return wp.FitContract().input(self.column, "float64")

    def empty(self):
        return [0, 0.0]

    def update(self, state, batch):
        if self.broken == "update":
            raise ValueError("asked to")
        values = [v for v in batch[self.column].to_list() if v is not None]
        if any(v < 0 for v in values):
            raise wp.InvalidInput("negative", self.column, 0)
        state[0] += len(values)  # changed in place: update returns None
        state[1] += sum(values)

    def merge(self, left, right):
        return [left[0] + right[0], left[1] + right[1]]

    def finish(self, state):
        if self.broken == "finish":
            return {"not": "fitted"}
        mean = state[1] / state[0] if state[0] else 0.0
        if self.broken == "bytes":
            return struct.pack("<d", mean)
        return wp.Fitted(struct.pack("<d", mean), json.dumps({"mean": mean}))


class Centre(wp.Plugin):
    def configure(self, config):
        self.column = config.get("column", "x")
        self.mean = None
        return wp.Contract("centre", "1.0.0").input(self.column, "float64").nullable_output("c", "float64")

    def configure_fitted(self, config, parameters):
        contract = self.configure(config)
        (self.mean,) = struct.unpack("<d", parameters)
        return contract

    def process(self, batch):
        if self.mean is None:
            raise wp.Failure("not fitted")
        values = batch[self.column].to_list()
        return wp.Float64Builder().extend(None if v is None else v - self.mean for v in values).finish()


def test_the_harness_folds_merges_and_finishes_as_the_host_does():
    fit = FitHarness(Mean)
    assert [s.name for s in fit.inputs] == ["x"]
    a = fit.partition({"x": [1.0, None]}, {"x": [2.0]})
    b = fit.partition({"x": [6.0]})
    assert isinstance(a, bytes) and fit.state(a) == [2, 3.0]
    fitted = fit.finish(fit.merge(a, b))
    assert fitted == fit.fit([{"x": [1.0, None]}, {"x": [2.0]}], [{"x": [6.0]}])
    assert json.loads(fitted.json) == {"mean": 3.0}
    out = Harness(Centre, parameters=fitted.parameters).process(x=[4.0, None])
    assert out["c"] == [1.0, None]


def test_finish_may_return_bare_bytes_and_nothing_else():
    assert FitHarness(Mean, {"broken": "bytes"}).fit([{"x": [2.0]}]) == wp.Fitted(struct.pack("<d", 2.0))
    with pytest.raises(wp.Failure, match="finish returned dict, not Fitted"):
        FitHarness(Mean, {"broken": "finish"}).fit([])


def test_errors_are_the_plugins_and_name_where_they_arose():
    with pytest.raises(wp.InvalidConfig, match="unknown key"):
        FitHarness(Mean, {"colour": "x"})
    fit = FitHarness(Mean)
    with pytest.raises(wp.InvalidInput, match="negative"):
        fit.partition({"x": [-1.0]})
    with pytest.raises(wp.Failure, match=r"ValueError: asked to \(in update, test_fit.py:"):
        FitHarness(Mean, {"broken": "update"}).partition({"x": [1.0]})
    with pytest.raises(wp.Failure, match="a state that does not decode"):
        fit.merge(b"not a pickle", fit.empty())
    with pytest.raises(wp.Failure, match="reads no fitted parameters"):
        Harness(Half, parameters=b"")


class Half(wp.Plugin):
    def configure(self, config):
        return wp.Contract("half", "0").input("x", "float64").output("h", "float64")


def test_a_fit_contract_must_be_one():
    class Wrong(Mean):
        def configure(self, config):
            return wp.Contract("x", "0").input("x", "float64")

    with pytest.raises(wp.Failure, match="not a FitContract"):
        FitHarness(Wrong)

    class Twice(Mean):
        def configure(self, config):
            return wp.FitContract().input("x", "float64").required_input("x", "float64")

    with pytest.raises(wp.Failure, match="declared twice"):
        FitHarness(Twice)


def test_outside_a_component_the_exports_are_placeholders():
    Transform, Fit = wp.export_fitting(Centre, Mean)
    assert (Transform.__name__, Fit.__name__) == ("Transform", "Fit")
    with pytest.raises(RuntimeError, match="FitHarness"):
        Fit()


def test_the_fit_export_runs_the_aggregate_and_configures_the_transform(fit_glue):
    from componentize_py_types import Err

    wit = fit_glue.wit
    Transform, Fit = wp.export_fitting(Centre, Mean)
    f = Fit()
    contract = f.configure_fit([("column", "x")])
    assert contract == fit_glue.wit_fit.FitContract(
        inputs=[wit.ColumnSpec(name="x", data_type=wit.DataType_Float64(), nullable=True)]
    )
    a = f.update(f.empty(), [wire(wit, [1.0, 2.0])])
    b = f.update(f.empty(), [wire(wit, [None, 6.0])])
    fitted = f.finish(f.merge(a, b))
    assert isinstance(fitted, fit_glue.wit_fit.Fitted)
    assert struct.unpack("<d", fitted.parameters) == (3.0,) and json.loads(fitted.json) == {"mean": 3.0}

    t = Transform()
    assert f.configure_fitted([("column", "x")], fitted.parameters).name == "centre"
    (col,) = t.process([wire(wit, [5.0])]).columns
    assert struct.unpack("<d", col.values) == (2.0,)

    with pytest.raises(Err) as e:
        f.update(a, [wire(wit, [-1.0])])
    assert e.value.value == wit.Error_InvalidInput(wit.InputError(message="negative", row=0, column="x"))
    with pytest.raises(Err) as e:
        f.configure_fit([("nope", "1")])
    assert e.value.value == wit.Error_InvalidConfig("unknown key(s): nope")


def test_a_fit_call_before_configure_fit_is_a_failure(fit_glue):
    _, Fit = wp.export_fitting(Centre, Mean)
    Fit._instance = None
    from componentize_py_types import Err

    with pytest.raises(Err) as e:
        Fit().empty()
    assert e.value.value == fit_glue.wit.Error_Failure("a fit function was called before configure-fit")
