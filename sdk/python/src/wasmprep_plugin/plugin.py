"""The plugin base class and the instance that drives it: what the component
glue and the test harness both call, with the same checks."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple, Type

from .batch import Batch, Config, Output
from .builders import Selection
from .column import Column
from .errors import Failure, PluginError
from .types import Contract


class Plugin:
    """Subclass this; the kit creates one instance per sandbox instance.

    - `configure(config)` reads the configuration (a `Config`) and returns
      the `Contract`: the columns read and written, whether rows are filtered.
    - `process(batch)` receives the declared inputs (a `Batch`) and returns
      an `Output` (or a single `Column`, or a list of columns).

    A plugin that fits (see `Aggregate`) also defines
    `configure_fitted(config, parameters)`: the configuration and the
    fitted parameters (bytes), returning the contract `configure` returns
    for the same configuration (the host plans the job with that one,
    before anything is fitted).

    Raise `InvalidConfig`, `InvalidInput` or `Failure` to report an error.
    """

    def configure(self, config: Config) -> Contract:
        raise NotImplementedError("a plugin defines configure(self, config) -> Contract")

    def configure_fitted(self, config: Config, parameters: bytes) -> Contract:
        raise Failure(f"{type(self).__name__} reads no fitted parameters (it defines no configure_fitted)")

    def process(self, batch: Batch) -> Any:
        raise NotImplementedError("a plugin defines process(self, batch) -> Output")


class Instance:
    """A configured plugin and its contract.

    `process` takes the host's columns: objects with `len`, `null_count`,
    `validity`, `offsets` and `values` (wit_world's `Column`, or the
    testing harness's), and returns kit `Column`s and the selection bytes.
    """

    def __init__(self, plugin_class: Type[Plugin], pairs: Any = None, parameters: Optional[bytes] = None):
        config = pairs if isinstance(pairs, Config) else Config(pairs)
        self.plugin = plugin_class()
        if parameters is None:
            contract = self.plugin.configure(config)
        else:
            contract = self.plugin.configure_fitted(config, bytes(parameters))
        if not isinstance(contract, Contract):
            raise Failure(f"configure returned {type(contract).__name__}, not a Contract")
        config.finish()
        check_contract(contract)
        self.contract = contract

    def process(self, columns: Sequence[Any]) -> Tuple[List[Column], Optional[bytes]]:
        batch = make_batch(self.contract, columns)
        output = self.plugin.process(batch)
        return check_output(self.contract, as_output(output), len(batch))


def make_batch(contract: Contract, columns: Sequence[Any]) -> Batch:
    """The host's columns as a `Batch` of `contract`'s inputs, after
    checking their count and lengths."""
    inputs = contract.inputs
    if len(columns) != len(inputs):
        raise Failure(f"received {len(columns)} columns, the contract declares {len(inputs)} inputs")
    rows = columns[0].len if columns else 0
    typed = []
    for spec, c in zip(inputs, columns):
        if c.len != rows:
            raise Failure(f"input `{spec.name}` has {c.len} rows, the first input {rows}")
        validity = c.validity if c.null_count else None
        try:
            typed.append(Column(spec.data_type, c.len, c.values, c.offsets, validity, c.null_count))
        except Failure as e:
            raise Failure(f"input `{spec.name}`: {e.message}") from None
    return Batch(contract, typed)


def check_contract(contract: Contract) -> None:
    for what, specs in (("input", contract.inputs), ("output", contract.outputs)):
        seen = set()
        for spec in specs:
            if spec.name in seen:
                raise Failure(f"{what} `{spec.name}` declared twice")
            seen.add(spec.name)


def as_output(value: Any) -> Output:
    if isinstance(value, Output):
        return value
    if isinstance(value, Column):
        return Output(value)
    if isinstance(value, (list, tuple)) and all(isinstance(c, Column) for c in value):
        return Output(*value)
    raise Failure(f"process returned {type(value).__name__}, not an Output (or Column, or list of columns)")


def check_output(contract: Contract, output: Output, rows: int) -> Tuple[List[Column], Optional[bytes]]:
    """The output's columns, typed as declared, and its selection bitmap,
    after checking count, lengths, types, nulls and the selection."""
    if len(output.columns) != len(contract.outputs):
        raise Failure(f"returned {len(output.columns)} columns, the contract declares {len(contract.outputs)} outputs")
    columns = []
    for spec, column in zip(contract.outputs, output.columns):
        if not isinstance(column, Column):
            raise Failure(f"output `{spec.name}` is a {type(column).__name__}, not a Column")
        if column.len != rows:
            raise Failure(f"output `{spec.name}` has {column.len} rows, the batch {rows}")
        if not spec.nullable and column.null_count > 0:
            raise Failure(f"output `{spec.name}` has {column.null_count} nulls but is declared without nulls")
        if column.data_type != spec.data_type:
            if not spec.data_type.same_layout(column.data_type):
                raise Failure(f"output `{spec.name}` is {column.data_type}, the contract declares {spec.data_type}")
            column = column.retyped(spec.data_type)
        columns.append(column)
    selection = output.selection
    if contract.filters_rows:
        if selection is None:
            raise Failure("the contract filters but no selection was returned")
        if not isinstance(selection, Selection):
            raise Failure(f"the selection is a {type(selection).__name__}, not a Selection")
        if len(selection) != rows:
            raise Failure(f"selection has {len(selection)} rows, the batch {rows}")
        return columns, selection.to_bytes()
    if selection is not None:
        raise Failure("a selection was returned but the contract does not filter")
    return columns, None


def describe_unexpected(e: BaseException) -> str:
    """An exception that is not a PluginError, as a failure message naming where it was raised."""
    text = f"{type(e).__name__}: {e}"
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        code = tb.tb_frame.f_code
        text += f" (in {code.co_name}, {code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno})"
    return text


def run_reporting(call, *args) -> Any:
    """Calls `call`, turning an unexpected exception into a `Failure`."""
    try:
        return call(*args)
    except PluginError:
        raise
    except Exception as e:  # noqa: BLE001 - every error reaches the user as a failure
        raise Failure(describe_unexpected(e)) from e

