"""Write wasmprep plugins in Python.

A plugin declares a `Contract` (the columns it reads, the columns it
writes, whether it filters rows) from its configuration, then transforms
batches: it reads its input columns through zero-copy typed views
(`memoryview` casts of the Arrow buffers) and returns columns made by
builders. `python -m wasmprep_plugin build app.py` makes the module a
WebAssembly component (componentize-py) that the wasmprep host runs in a
sandbox; the same class runs in plain CPython under pytest through
`wasmprep_plugin.testing`.

    import wasmprep_plugin as wp

    class TipRatio(wp.Plugin):
        def configure(self, config):
            self.output = config.get("output", "tip_ratio")
            return (wp.Contract("tip-ratio", "0.1.0")
                    .input("tip_amount", wp.DataType.FLOAT32)
                    .input("fare_amount", wp.DataType.FLOAT32)
                    .nullable_output(self.output, wp.DataType.FLOAT32))

        def process(self, batch):
            tip, fare = batch["tip_amount"], batch["fare_amount"]
            tips, fares = tip.f32(), fare.f32()
            out = wp.Float32Builder()
            for row in range(len(batch)):
                if tip.valid(row) and fare.valid(row) and fares[row] > 0:
                    out.append(tips[row] / fares[row])
                else:
                    out.append_null()
            return wp.Output(out.finish())

    Transform = wp.export(TipRatio)
"""

from __future__ import annotations

from pathlib import Path
from typing import Type

from . import log
from .batch import Batch, Config, Output
from .builders import (
    BinaryBuilder,
    BoolBuilder,
    BytesBuilder,
    Date32Builder,
    DurationBuilder,
    F32Builder,
    F64Builder,
    Float32Builder,
    Float64Builder,
    I8Builder,
    I16Builder,
    I32Builder,
    I64Builder,
    Int8Builder,
    Int16Builder,
    Int32Builder,
    Int64Builder,
    PrimitiveBuilder,
    Selection,
    TimestampBuilder,
    U8Builder,
    U16Builder,
    U32Builder,
    U64Builder,
    UInt8Builder,
    UInt16Builder,
    UInt32Builder,
    UInt64Builder,
    Utf8Builder,
    ValidityBuilder,
    builder_for,
    column_from_array,
    column_from_list,
)
from .column import BinaryView, Bitmap, Column, TextView
from .errors import Failure, InvalidConfig, InvalidInput, PluginError
from .plugin import Plugin
from .types import ColumnSpec, Contract, DataType, TimeUnit

__version__ = "0.1.0"

#: The componentize-py release the build command runs (and checks).
COMPONENTIZE_PY_VERSION = "0.25.1"

#: The WIT package the kit targets (a copy of the repository's sdk/wit).
WIT_DIR = Path(__file__).parent / "wit"
WORLD = "plugin"


def export(plugin_class: Type[Plugin]) -> type:
    """The class componentize-py exports for `plugin_class`.

    End the plugin module with `Transform = wasmprep_plugin.export(MyPlugin)`:
    componentize-py looks the export up under that name. In plain CPython
    (no `wit_world` bindings) this returns a placeholder class, so the
    module imports in unit tests.
    """
    try:
        from . import _glue
    except ImportError as e:
        if e.name not in ("wit_world", "componentize_py_types") and not (e.name or "").startswith("wit_world."):
            raise
        return _unbound(plugin_class)
    return _glue.transform_class(plugin_class)


def _unbound(plugin_class: Type[Plugin]) -> type:
    class Transform:
        """Outside a component: use wasmprep_plugin.testing.Harness."""

        plugin = plugin_class

        def __init__(self) -> None:
            raise RuntimeError(
                f"{plugin_class.__name__} runs natively through wasmprep_plugin.testing.Harness; "
                "Transform is only usable inside a component (python -m wasmprep_plugin build)"
            )

    return Transform


__all__ = [
    "Batch",
    "BinaryBuilder",
    "BinaryView",
    "Bitmap",
    "BoolBuilder",
    "BytesBuilder",
    "COMPONENTIZE_PY_VERSION",
    "Column",
    "ColumnSpec",
    "Config",
    "Contract",
    "DataType",
    "Date32Builder",
    "DurationBuilder",
    "F32Builder",
    "F64Builder",
    "Failure",
    "Float32Builder",
    "Float64Builder",
    "I16Builder",
    "I32Builder",
    "I64Builder",
    "I8Builder",
    "Int16Builder",
    "Int32Builder",
    "Int64Builder",
    "Int8Builder",
    "InvalidConfig",
    "InvalidInput",
    "Output",
    "Plugin",
    "PluginError",
    "PrimitiveBuilder",
    "Selection",
    "TextView",
    "TimeUnit",
    "TimestampBuilder",
    "U16Builder",
    "U32Builder",
    "U64Builder",
    "U8Builder",
    "UInt16Builder",
    "UInt32Builder",
    "UInt64Builder",
    "UInt8Builder",
    "Utf8Builder",
    "ValidityBuilder",
    "WIT_DIR",
    "WORLD",
    "builder_for",
    "column_from_array",
    "column_from_list",
    "export",
    "log",
]
