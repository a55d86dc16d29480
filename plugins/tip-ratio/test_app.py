"""Unit tests of tip-ratio in plain CPython: `pytest plugins/tip-ratio`."""

import pytest

from app import TipRatio
from wasmprep_plugin import InvalidConfig, log
from wasmprep_plugin.testing import Harness


def test_ratio_is_null_where_an_input_is_null_or_the_fare_not_positive():
    plugin = Harness(TipRatio)
    out = plugin.process(
        tip_amount=[1.0, None, 2.0, 3.0, 0.5],
        fare_amount=[4.0, 5.0, None, 0.0, -2.0],
    )
    assert out["tip_ratio"] == [0.25, None, None, None, None]
    assert out.column("tip_ratio").null_count == 4


def test_output_renames_the_column_and_is_logged():
    plugin = Harness(TipRatio, {"output": "tip_share"})
    assert [c.name for c in plugin.contract.outputs] == ["tip_share"]
    assert plugin.take_logs() == [(log.Level.DEBUG, "tip-ratio writes `tip_share`")]
    out = plugin.process(tip_amount=[3.0], fare_amount=[12.0])
    assert out["tip_share"] == [0.25]


def test_unknown_key_is_refused():
    with pytest.raises(InvalidConfig, match="unknown key\\(s\\): outptu"):
        Harness(TipRatio, {"outptu": "x"})


def test_float32_precision():
    out = Harness(TipRatio).process(tip_amount=[1.0], fare_amount=[3.0])
    assert out["tip_ratio"][0] == pytest.approx(1 / 3, rel=1e-6)


def test_empty_batch():
    assert Harness(TipRatio).process(tip_amount=[], fare_amount=[])["tip_ratio"] == []
