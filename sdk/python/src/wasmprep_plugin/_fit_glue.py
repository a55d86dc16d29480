"""Adapts a `Plugin` and its `Aggregate` to the bindings componentize-py
generates for the `fitting-plugin` world: the exported `Transform` and
`Fit` classes.

Imported by `wasmprep_plugin.export_fitting` only where those bindings
exist (inside a component build with that world, or natively next to
`componentize-py -w fitting-plugin bindings` output).
"""

from __future__ import annotations

from typing import Any, Callable, Tuple, Type

from componentize_py_types import Err
from wit_world import exports
from wit_world.exports import fit as wit_fit
from wit_world.imports import types as wit  # noqa: F401 - the WIT types, as in _glue

from ._glue import contract_to_wit, error_to_wit, spec_to_wit, transform_class
from .errors import Failure, PluginError
from .fit import Aggregate, FitInstance
from .plugin import Instance, Plugin, run_reporting


def _reported(call: Callable[..., Any], *args: Any) -> Any:
    """Calls `call`, raising a plugin's error as the WIT's `Err`."""
    try:
        return run_reporting(call, *args)
    except PluginError as e:
        raise Err(error_to_wit(e)) from None


def fit_classes(plugin_class: Type[Plugin], aggregate_class: Type[Aggregate]) -> Tuple[type, type]:
    """The classes componentize-py exports as `Transform` and `Fit`."""
    Transform = transform_class(plugin_class)

    class Fit(exports.Fit):
        plugin = plugin_class
        aggregate = aggregate_class
        _instance = None

        def configure_fit(self, config):
            instance = _reported(FitInstance, aggregate_class, config)
            Fit._instance = instance
            return wit_fit.FitContract(inputs=[spec_to_wit(s) for s in instance.contract.inputs])

        def empty(self):
            return _reported(lambda: Fit._configured().empty())

        def update(self, state, columns):
            return _reported(lambda: Fit._configured().update(state, columns))

        def merge(self, left, right):
            return _reported(lambda: Fit._configured().merge(left, right))

        def finish(self, state):
            fitted = _reported(lambda: Fit._configured().finish(state))
            return wit_fit.Fitted(parameters=fitted.parameters, json=fitted.json)

        def configure_fitted(self, config, parameters):
            instance = _reported(Instance, plugin_class, config, parameters)
            Transform._instance = instance
            return contract_to_wit(instance.contract)

        @staticmethod
        def _configured() -> FitInstance:
            if Fit._instance is None:
                raise Failure("a fit function was called before configure-fit")
            return Fit._instance

    Fit.__qualname__ = f"Fit[{aggregate_class.__name__}]"
    return Transform, Fit
