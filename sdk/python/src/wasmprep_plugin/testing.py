"""Run a plugin in plain CPython, for pytest: no WebAssembly needed.

    from wasmprep_plugin.testing import Harness
    from app import TipRatio

    def test_ratio():
        plugin = Harness(TipRatio)
        out = plugin.process(tip_amount=[1.0, None], fare_amount=[4.0, 5.0])
        assert out["tip_ratio"] == [0.25, None]

Input lists are converted to the types the contract declares (None is a
null); the columns then cross a simulated boundary (plain `bytes`, as the
component receives them) and the plugin's output is checked against its
contract exactly as in the component.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

from . import log
from .builders import column_from_list
from .column import Column
from .errors import Failure
from .fit import Aggregate, FitInstance, Fitted
from .plugin import Instance, Plugin, run_reporting
from .types import Contract


class WireColumn:
    """A column as the host sends it (the shape of wit_world's `Column`)."""

    __slots__ = ("len", "null_count", "validity", "offsets", "values")

    def __init__(self, column: Column):
        self.len = column.len
        self.null_count = column.null_count
        self.validity = None if column.validity is None else column.validity.to_bytes()
        self.offsets = None if column.offsets is None else bytes(column.offsets)
        self.values = bytes(column.values)


ConfigLike = Union[Mapping[str, Any], List[Tuple[str, str]], None]


def wire_columns(contract: Contract, columns: Optional[Mapping[str, Any]], named: Mapping[str, Any]) -> List[WireColumn]:
    """The contract's inputs from lists (None = null) or `Column`s by name,
    as the host sends them; a missing or extra name is an error."""
    given: Dict[str, Any] = dict(columns or {})
    given.update(named)
    wire = []
    for spec in contract.inputs:
        if spec.name not in given:
            raise KeyError(f"no values for input `{spec.name}`")
        value = given.pop(spec.name)
        column = value if isinstance(value, Column) else column_from_list(spec.data_type, value)
        if not spec.nullable and column.null_count:
            raise ValueError(f"input `{spec.name}` is declared without nulls; the host would refuse this batch")
        wire.append(WireColumn(column))
    if given:
        raise KeyError(f"not inputs of the contract: {', '.join(sorted(given))}")
    return wire


class Harness:
    """A configured plugin, run natively.

    `Harness(MyPlugin, {"output": "x"})` configures it (raising
    `InvalidConfig` and friends as the component would report them);
    `Harness(MyPlugin, config, parameters=fitted.parameters)` configures it
    with fitted parameters (`configure_fitted`), as a job's transform pass.
    """

    def __init__(
        self,
        plugin_class: Type[Plugin],
        config: ConfigLike = None,
        parameters: Optional[bytes] = None,
    ):
        log.take_captured()
        self.instance: Instance = run_reporting(Instance, plugin_class, config, parameters)
        self.logs: List[Tuple[log.Level, str]] = log.take_captured()

    @property
    def contract(self) -> Contract:
        return self.instance.contract

    @property
    def plugin(self) -> Plugin:
        """The plugin object, to inspect its state."""
        return self.instance.plugin

    def process(self, columns: Optional[Mapping[str, Any]] = None, **named: Any) -> "Result":
        """Runs one batch: each input by name, as a list (None = null) or a `Column`."""
        wire = wire_columns(self.contract, columns, named)
        out, selection = run_reporting(self.instance.process, wire)
        self.logs.extend(log.take_captured())
        rows = wire[0].len if wire else 0
        return Result(self.contract, out, selection, rows)

    def take_logs(self) -> List[Tuple[log.Level, str]]:
        """Messages logged since the last call (or since the harness was made)."""
        out, self.logs = self.logs, []
        return out


class FitHarness:
    """A configured aggregate, run natively, with states as bytes exactly
    as the host holds them.

        fit = FitHarness(Vocab, {"column": "city"})
        a = fit.partition({"city": ["x", "y"]}, {"city": ["x"]})
        b = fit.partition({"city": ["z"]})
        fitted = fit.finish(fit.merge(a, b))
        plugin = Harness(Encoder, {"column": "city"}, parameters=fitted.parameters)
    """

    def __init__(self, aggregate_class: Type[Aggregate], config: ConfigLike = None):
        log.take_captured()
        self.instance: FitInstance = run_reporting(FitInstance, aggregate_class, config)
        self.logs: List[Tuple[log.Level, str]] = log.take_captured()

    @property
    def inputs(self) -> List[Any]:
        """The fit contract's inputs (`ColumnSpec`s)."""
        return self.instance.contract.inputs

    @property
    def aggregate(self) -> Aggregate:
        return self.instance.aggregate

    def empty(self) -> bytes:
        return self._run(self.instance.empty)

    def update(self, state: bytes, columns: Optional[Mapping[str, Any]] = None, **named: Any) -> bytes:
        """`state` with one batch folded in: each input by name, as in `Harness.process`."""
        wire = wire_columns(self.instance.contract, columns, named)
        return self._run(self.instance.update, state, wire)

    def merge(self, left: bytes, right: bytes) -> bytes:
        return self._run(self.instance.merge, left, right)

    def finish(self, state: bytes) -> Fitted:
        return self._run(self.instance.finish, state)

    def partition(self, *batches: Mapping[str, Any]) -> bytes:
        """The state of a partition: its batches folded from `empty()`."""
        state = self.empty()
        for batch in batches:
            state = self.update(state, batch)
        return state

    def fit(self, *partitions: Sequence[Mapping[str, Any]]) -> Fitted:
        """What the host does: each partition's state (a list of batches),
        merged in order from `empty()`, then finished."""
        merged = self.empty()
        for batches in partitions:
            merged = self.merge(merged, self.partition(*batches))
        return self.finish(merged)

    def state(self, data: bytes) -> Any:
        """A state's bytes decoded, to inspect it."""
        return self.instance.aggregate.decode(data)

    def take_logs(self) -> List[Tuple[log.Level, str]]:
        out, self.logs = self.logs, []
        return out

    def _run(self, call: Any, *args: Any) -> Any:
        result = run_reporting(call, *args)
        self.logs.extend(log.take_captured())
        return result


class Result:
    """What one `process` call returned, read back as Python values."""

    def __init__(self, contract: Contract, columns: List[Column], selection: Optional[bytes], rows: int):
        self.rows = rows
        self.columns = {spec.name: c for spec, c in zip(contract.outputs, columns)}
        self._selection = selection

    def __getitem__(self, name: str) -> List[Any]:
        """Every value of output `name` (kept or not), None for nulls."""
        return self.column(name).to_list()

    def column(self, name: str) -> Column:
        if name not in self.columns:
            raise Failure(f"no output `{name}` (outputs: {', '.join(self.columns)})")
        return self.columns[name]

    @property
    def kept_rows(self) -> Optional[List[int]]:
        """Rows the selection keeps, or None when the contract does not filter."""
        s = self._selection
        if s is None:
            return None
        return [r for r in range(self.rows) if (s[r >> 3] >> (r & 7)) & 1]

    def kept(self, name: str) -> List[Any]:
        """Values of output `name` in the rows kept (all rows when not filtering)."""
        values = self[name]
        rows = self.kept_rows
        return values if rows is None else [values[r] for r in rows]
