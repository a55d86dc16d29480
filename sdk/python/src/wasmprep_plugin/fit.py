"""Fitting: plugins that learn from all of the data before they transform
it (the WIT's `fit` interface): a mean and a deviation, quantiles, a
vocabulary.

An `Aggregate` folds batches into a state, merges states and finishes one
into fitted parameters. The host folds each partition's batches from
`empty()`, merges the partitions' states in partition order (so `merge`
must be associative: any grouping of the same states in the same order
gives the same state) and finishes the merged state; then every transform
instance is configured with the parameters through the plugin's
`configure_fitted(config, parameters)`.

    class Mean(wp.Aggregate):
        def configure(self, config):
            self.column = config.get("column")
            return wp.FitContract().input(self.column, "float64")

        def empty(self):
            return (0, 0.0)

        def update(self, state, batch):
            n, total = state
            values = [v for v in batch[self.column].to_list() if v is not None]
            return (n + len(values), total + sum(values))

        def merge(self, left, right):
            return (left[0] + right[0], left[1] + right[1])

        def finish(self, state):
            return wp.Fitted(struct.pack("<d", state[1] / max(state[0], 1)))

    Transform, Fit = wp.export_fitting(Centre, Mean)
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Type

from .batch import Config
from .errors import Failure
from .plugin import check_contract, make_batch
from .types import ColumnSpec, Contract, Inputs


@dataclass
class Fitted:
    """What a fit learned: `parameters` (bytes, read back by the plugin's
    `configure_fitted`; put a version in them) and, optionally, the same
    parameters as JSON for people (the host writes it beside them)."""

    parameters: bytes
    json: Optional[str] = None


@dataclass
class FitContract(Inputs):
    """The columns `update` reads, in order: `.input(name, type)` and
    `.required_input(name, type)`, as a `Contract` declares its inputs."""

    inputs: List[ColumnSpec] = field(default_factory=list)


class Aggregate:
    """Subclass this for the fit side of a plugin; the kit creates one
    instance per fit instance.

    - `configure(config)` reads the step's configuration and returns a
      `FitContract`;
    - `empty()` returns the state of no rows (any Python value);
    - `update(state, batch)` returns the state with one more batch (a
      `Batch` of the fit contract's inputs) folded in; returning None keeps
      `state`, changed in place;
    - `merge(left, right)` returns the state of `left`'s rows followed by
      `right`'s;
    - `finish(state)` returns the `Fitted` parameters (or just their bytes).

    States cross the sandbox (and ranks) as bytes: `encode` and `decode`
    default to pickle, which holds any plain Python value. States never
    outlive a job; the parameters `finish` returns do, so give those a
    layout of your own with a version.
    """

    def configure(self, config: Config) -> FitContract:
        raise NotImplementedError("an aggregate defines configure(self, config) -> FitContract")

    def empty(self) -> Any:
        raise NotImplementedError("an aggregate defines empty(self) -> state")

    def update(self, state: Any, batch: Any) -> Any:
        raise NotImplementedError("an aggregate defines update(self, state, batch) -> state")

    def merge(self, left: Any, right: Any) -> Any:
        raise NotImplementedError("an aggregate defines merge(self, left, right) -> state")

    def finish(self, state: Any) -> Fitted:
        raise NotImplementedError("an aggregate defines finish(self, state) -> Fitted")

    def encode(self, state: Any) -> bytes:
        return pickle.dumps(state, protocol=4)

    def decode(self, data: bytes) -> Any:
        return pickle.loads(data)


class FitInstance:
    """A configured aggregate, with states as bytes: what the component
    glue and `testing.FitHarness` both call, with the same checks."""

    def __init__(self, aggregate_class: Type[Aggregate], pairs: Any = None):
        config = pairs if isinstance(pairs, Config) else Config(pairs)
        self.aggregate = aggregate_class()
        contract = self.aggregate.configure(config)
        if not isinstance(contract, FitContract):
            raise Failure(f"configure returned {type(contract).__name__}, not a FitContract")
        config.finish()
        self.contract = Contract("fit", "0", inputs=list(contract.inputs))
        check_contract(self.contract)

    def empty(self) -> bytes:
        return self._encode(self.aggregate.empty())

    def update(self, state: bytes, columns: Sequence[Any]) -> bytes:
        batch = make_batch(self.contract, columns)
        old = self._decode(state)
        new = self.aggregate.update(old, batch)
        return self._encode(old if new is None else new)

    def merge(self, left: bytes, right: bytes) -> bytes:
        merged = self.aggregate.merge(self._decode(left), self._decode(right))
        return self._encode(merged)

    def finish(self, state: bytes) -> Fitted:
        fitted = self.aggregate.finish(self._decode(state))
        if isinstance(fitted, (bytes, bytearray, memoryview)):
            fitted = Fitted(bytes(fitted))
        if not isinstance(fitted, Fitted):
            raise Failure(f"finish returned {type(fitted).__name__}, not Fitted (or bytes)")
        if not isinstance(fitted.parameters, (bytes, bytearray, memoryview)):
            raise Failure(f"the fitted parameters are a {type(fitted.parameters).__name__}, not bytes")
        if fitted.json is not None and not isinstance(fitted.json, str):
            raise Failure(f"the fitted JSON view is a {type(fitted.json).__name__}, not a str")
        return Fitted(bytes(fitted.parameters), fitted.json)

    def _encode(self, state: Any) -> bytes:
        data = self.aggregate.encode(state)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise Failure(f"encode returned {type(data).__name__}, not bytes")
        return bytes(data)

    def _decode(self, data: bytes) -> Any:
        try:
            return self.aggregate.decode(bytes(data))
        except Exception as e:  # noqa: BLE001 - a state that does not decode is the plugin's failure
            raise Failure(f"a state that does not decode ({type(e).__name__}: {e})") from e
