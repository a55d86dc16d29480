"""vocab-encoder's unit tests, in plain CPython (no WebAssembly): the fit
through the kit's FitHarness (states as bytes, as the host holds them), the
transform through Harness with the fitted parameters."""

import itertools
import json
import random

import pytest
from wasmprep_plugin import Failure, InvalidConfig
from wasmprep_plugin.testing import FitHarness, Harness

from app import Vocabulary, VocabEncoder

CONFIG = {"column": "city"}


def vocabulary(fitted):
    return [value for value, _ in json.loads(fitted.parameters)["vocabulary"]]


def test_ids_follow_frequency_then_value_and_unseen_values_get_the_configured_id():
    fit = FitHarness(Vocabulary, CONFIG)
    fitted = fit.fit([{"city": ["b", "a", None, "c"]}, {"city": ["a", "c"]}], [{"city": ["a", "b", "d"]}])
    assert vocabulary(fitted) == ["a", "b", "c", "d"]  # 3, 2, 2, 1: b before c by value
    assert json.loads(fitted.json)["vocabulary"][0] == ["a", 3]
    plugin = Harness(VocabEncoder, {**CONFIG, "unseen": "99"}, parameters=fitted.parameters)
    out = plugin.process(city=["d", None, "a", "zzz", "c"])
    assert out["city_id"] == [3, None, 0, 99, 2]


def test_merge_is_associative_and_any_partitioning_fits_the_same_parameters():
    rng = random.Random(7)
    rows = [rng.choice(["x", "y", "z", "w", "é", None]) for _ in range(400)]
    fit = FitHarness(Vocabulary, CONFIG)
    a, b, c = (fit.partition({"city": rows[s:e]}) for s, e in ((0, 130), (130, 260), (260, 400)))
    left = fit.finish(fit.merge(fit.merge(a, b), c))
    right = fit.finish(fit.merge(a, fit.merge(b, c)))
    assert left == right
    for cuts in itertools.combinations(range(1, 400, 37), 3):
        bounds = (0, *cuts, 400)
        parts = [[{"city": rows[s:e]}] for s, e in zip(bounds, bounds[1:])]
        assert fit.fit(*parts) == left
    assert fit.state(fit.merge(fit.empty(), a)) == fit.state(a)  # empty is the identity


def test_max_size_and_min_count_trim_the_vocabulary():
    batch = {"city": ["a"] * 5 + ["b"] * 3 + ["c"] * 2 + ["d"]}
    assert vocabulary(FitHarness(Vocabulary, {**CONFIG, "max_size": "2"}).fit([batch])) == ["a", "b"]
    assert vocabulary(FitHarness(Vocabulary, {**CONFIG, "min_count": "2"}).fit([batch])) == ["a", "b", "c"]


def test_parameters_fitted_on_another_column_or_version_are_refused():
    fitted = FitHarness(Vocabulary, CONFIG).fit([{"city": ["a"]}])
    with pytest.raises(InvalidConfig, match="fitted on `city`"):
        Harness(VocabEncoder, {"column": "town"}, parameters=fitted.parameters)
    with pytest.raises(InvalidConfig, match="version 2"):
        Harness(VocabEncoder, CONFIG, parameters=b'{"version": 2, "column": "city", "vocabulary": []}')
    with pytest.raises(InvalidConfig, match="not a vocabulary"):
        Harness(VocabEncoder, CONFIG, parameters=b"\xff")


def test_configuration_errors_name_the_key():
    with pytest.raises(InvalidConfig, match="`column` is required"):
        FitHarness(Vocabulary, {})
    with pytest.raises(InvalidConfig, match="unknown key"):
        FitHarness(Vocabulary, {**CONFIG, "colour": "x"})
    with pytest.raises(InvalidConfig, match="int32"):
        Harness(VocabEncoder, {**CONFIG, "unseen": str(2**31)})


def test_unfitted_transform_says_how_to_fit():
    plugin = Harness(VocabEncoder, CONFIG)
    assert [s.name for s in plugin.contract.outputs] == ["city_id"]
    with pytest.raises(Failure, match="not fitted"):
        plugin.process(city=["a"])
