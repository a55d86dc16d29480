import pytest
from wasmprep_plugin import InvalidConfig
from wasmprep_plugin.testing import Harness

from app import Scale


def test_scales_and_keeps_nulls():
    out = Harness(Scale, {"factor": "3"}).process(value=[1.5, None, -2.0])
    assert out["scaled"] == [4.5, None, -6.0]


def test_a_typo_in_the_config_is_refused():
    with pytest.raises(InvalidConfig, match="unknown key"):
        Harness(Scale, {"facter": "3"})
