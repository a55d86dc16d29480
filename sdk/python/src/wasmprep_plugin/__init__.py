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

A plugin that learns from all of the data first (a vocabulary, a mean)
adds an `Aggregate` and `configure_fitted` (see `wasmprep_plugin.fit`) and
ends with `Transform, Fit = wp.export_fitting(MyPlugin, MyAggregate)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Tuple, Type

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
from .fit import Aggregate, FitContract, Fitted
from .plugin import Plugin
from .types import ColumnSpec, Contract, DataType, TimeUnit

__version__ = "0.1.0"

#: The componentize-py release the build command runs (and checks).
COMPONENTIZE_PY_VERSION = "0.25.1"

#: The WIT package the kit targets (a copy of the repository's sdk/wit).
WIT_DIR = Path(__file__).parent / "wit"
WORLD = "plugin"
#: The world of a plugin that also fits (`Fit` exported beside `Transform`).
FITTING_WORLD = "fitting-plugin"


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


def export_fitting(plugin_class: Type[Plugin], aggregate_class: Type[Aggregate]) -> Tuple[type, type]:
    """The classes componentize-py exports for a plugin that fits: end the
    module with `Transform, Fit = wasmprep_plugin.export_fitting(MyPlugin,
    MyAggregate)`. `MyAggregate` learns the parameters; `MyPlugin`'s
    `configure_fitted` reads them. The build command sees `Fit` and builds
    the `fitting-plugin` world. In plain CPython this returns placeholders;
    test with `testing.FitHarness` and `testing.Harness(..., parameters=)`.
    """
    try:
        from . import _fit_glue
    except ImportError as e:
        if e.name not in ("wit_world", "componentize_py_types") and not (e.name or "").startswith("wit_world."):
            raise
        return _unbound(plugin_class), _unbound(aggregate_class, "Fit", "FitHarness")
    return _fit_glue.fit_classes(plugin_class, aggregate_class)


def _unbound(plugin_class: type, export: str = "Transform", harness: str = "Harness") -> type:
    class Unbound:
        """Outside a component: use wasmprep_plugin.testing."""

        plugin = plugin_class

        def __init__(self) -> None:
            raise RuntimeError(
                f"{plugin_class.__name__} runs natively through wasmprep_plugin.testing.{harness}; "
                f"{export} is only usable inside a component (python -m wasmprep_plugin build)"
            )

    Unbound.__name__ = Unbound.__qualname__ = export
    return Unbound


__all__ = [
    "Aggregate",
    "FITTING_WORLD",
    "FitContract",
    "Fitted",
    "export_fitting",
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
