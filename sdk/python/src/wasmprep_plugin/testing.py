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

from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, Union

from . import log
from .builders import column_from_list
from .column import Column
from .errors import Failure
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


class Harness:
    """A configured plugin, run natively.

    `Harness(MyPlugin, {"output": "x"})` configures it (raising
    `InvalidConfig` and friends as the component would report them).
    """

    def __init__(self, plugin_class: Type[Plugin], config: Union[Mapping[str, Any], List[Tuple[str, str]], None] = None):
        log.take_captured()
        self.instance: Instance = run_reporting(Instance, plugin_class, config)
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
        given: Dict[str, Any] = dict(columns or {})
        given.update(named)
        wire = []
        for spec in self.contract.inputs:
            if spec.name not in given:
                raise KeyError(f"no values for input `{spec.name}`")
            value = given.pop(spec.name)
            column = value if isinstance(value, Column) else column_from_list(spec.data_type, value)
            if not spec.nullable and column.null_count:
                raise ValueError(f"input `{spec.name}` is declared without nulls; the host would refuse this batch")
            wire.append(WireColumn(column))
        if given:
            raise KeyError(f"not inputs of the contract: {', '.join(sorted(given))}")
        out, selection = run_reporting(self.instance.process, wire)
        self.logs.extend(log.take_captured())
        rows = wire[0].len if wire else 0
        return Result(self.contract, out, selection, rows)

    def take_logs(self) -> List[Tuple[log.Level, str]]:
        """Messages logged since the last call (or since the harness was made)."""
        out, self.logs = self.logs, []
        return out


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
