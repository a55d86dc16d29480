"""Adapts a `Plugin` class to the bindings componentize-py generates
(`wit_world`): the exported `Transform` class and the conversions between
kit types and WIT types.

Imported by `wasmprep_plugin.export` only where `wit_world` exists: inside
a component build, or natively next to `componentize-py bindings` output.
"""

from __future__ import annotations

from typing import Any, Dict, List, Type

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import host
from wit_world.imports import types as wit

from . import log
from .column import Column, bitmap_len
from .errors import Failure, InvalidConfig, InvalidInput, PluginError
from .plugin import Instance, Plugin, run_reporting
from .types import ColumnSpec, Contract, DataType, TimeUnit

_UNITS = {
    TimeUnit.SECOND: wit.TimeUnit.SECOND,
    TimeUnit.MILLISECOND: wit.TimeUnit.MILLISECOND,
    TimeUnit.MICROSECOND: wit.TimeUnit.MICROSECOND,
    TimeUnit.NANOSECOND: wit.TimeUnit.NANOSECOND,
}

# Kit kind -> the generated variant case's class.
_PLAIN: Dict[str, Any] = {
    "bool": wit.DataType_Boolean,
    "int8": wit.DataType_Int8,
    "int16": wit.DataType_Int16,
    "int32": wit.DataType_Int32,
    "int64": wit.DataType_Int64,
    "uint8": wit.DataType_Uint8,
    "uint16": wit.DataType_Uint16,
    "uint32": wit.DataType_Uint32,
    "uint64": wit.DataType_Uint64,
    "float32": wit.DataType_Float32,
    "float64": wit.DataType_Float64,
    "utf8": wit.DataType_Utf8,
    "large_utf8": wit.DataType_LargeUtf8,
    "binary": wit.DataType_Binary,
    "large_binary": wit.DataType_LargeBinary,
    "date32": wit.DataType_Date32,
}

_LEVELS = {
    log.Level.TRACE: wit.LogLevel.TRACE,
    log.Level.DEBUG: wit.LogLevel.DEBUG,
    log.Level.INFO: wit.LogLevel.INFO,
    log.Level.WARN: wit.LogLevel.WARN,
    log.Level.ERROR: wit.LogLevel.ERROR,
}


def data_type_to_wit(t: DataType) -> Any:
    if t.kind == "timestamp":
        return wit.DataType_Timestamp(wit.TimestampType(unit=_UNITS[t.unit], timezone=t.timezone))
    if t.kind == "duration":
        return wit.DataType_Duration(_UNITS[t.unit])
    return _PLAIN[t.kind]()


def spec_to_wit(spec: ColumnSpec) -> Any:
    return wit.ColumnSpec(name=spec.name, data_type=data_type_to_wit(spec.data_type), nullable=spec.nullable)


def contract_to_wit(contract: Contract) -> Any:
    return wit.Contract(
        name=contract.name,
        version=contract.version,
        inputs=[spec_to_wit(s) for s in contract.inputs],
        outputs=[spec_to_wit(s) for s in contract.outputs],
        filters=contract.filters_rows,
    )


def _exact(buffer: Any, size: int) -> bytes:
    """The first `size` bytes of `buffer` as `bytes`, without a copy when it already is that."""
    if isinstance(buffer, bytes) and len(buffer) == size:
        return buffer
    return bytes(memoryview(buffer)[:size])


def column_to_wit(column: Column) -> Any:
    t, n = column.data_type, column.len
    offsets = None
    if t.layout == "bits":
        size = bitmap_len(n)
    elif t.layout == "fixed":
        size = n * t.width
    else:
        size = column.binary().offsets[n]
        offsets = _exact(column.offsets, (n + 1) * t.width)
    validity = None if column.validity is None else column.validity.to_bytes()
    return wit.Column(
        len=n,
        null_count=column.null_count,
        validity=validity,
        offsets=offsets,
        values=_exact(column.values, size),
    )


def _columns_to_wit(columns: List[Column]) -> List[Any]:
    return [column_to_wit(c) for c in columns]


def error_to_wit(e: PluginError) -> Any:
    if isinstance(e, InvalidConfig):
        return wit.Error_InvalidConfig(e.message)
    if isinstance(e, InvalidInput):
        # The WIT's row is a u32 and its column a string: anything else is left out.
        row = e.row if isinstance(e.row, int) and 0 <= e.row < 2**32 else None
        column = None if e.column is None else str(e.column)
        return wit.Error_InvalidInput(wit.InputError(message=e.message, row=row, column=column))
    return wit.Error_Failure(e.message)


def _host_log(level: log.Level, message: str) -> None:
    host.log(_LEVELS[level], message)


try:  # Only inside a component: natively, messages stay captured for tests.
    import componentize_py_runtime  # noqa: F401

    log._sink = _host_log
except ImportError:
    pass


def transform_class(plugin_class: Type[Plugin]) -> type:
    """The class componentize-py exports as `Transform` for `plugin_class`."""

    class Transform(exports.Transform):
        plugin = plugin_class
        _instance = None

        def configure(self, config):
            try:
                instance = run_reporting(Instance, plugin_class, config)
            except PluginError as e:
                raise Err(error_to_wit(e)) from None
            Transform._instance = instance
            return contract_to_wit(instance.contract)

        def process(self, columns):
            instance = Transform._instance
            try:
                if instance is None:
                    raise Failure("process was called before configure")
                out, selection = run_reporting(instance.process, columns)
                return wit.BatchOutput(columns=run_reporting(_columns_to_wit, out), selection=selection)
            except PluginError as e:
                raise Err(error_to_wit(e)) from None

    Transform.__qualname__ = f"Transform[{plugin_class.__name__}]"
    return Transform
