"""Fixtures shared by the kit's tests: the component glue, run natively
against the bindings componentize-py generates (`componentize-py
bindings`) for each world the kit builds."""

import contextlib
import shutil
import subprocess
import sys

import pytest

import wasmprep_plugin as wp
from wasmprep_plugin import cli

GENERATED = ("wit_world", "componentize_py_types", "componentize_py_async_support")


@contextlib.contextmanager
def bindings(tmp_path_factory, world, module):
    """Imports `wasmprep_plugin.<module>` next to the generated bindings of
    `world`, and forgets both afterwards."""
    try:
        tool = cli.find_componentize_py()
    except cli.BuildError:
        pytest.skip("componentize-py is not installed")
    out = tmp_path_factory.mktemp("bindings")
    subprocess.run([tool, "-d", str(wp.WIT_DIR), "-w", world, "bindings", str(out)], check=True)
    sys.path.insert(0, str(out))
    try:
        yield __import__(f"wasmprep_plugin.{module}", fromlist=[module])
    finally:
        sys.path.remove(str(out))
        for name in list(sys.modules):
            if name.split(".")[0] in GENERATED or name in ("wasmprep_plugin._glue", "wasmprep_plugin._fit_glue"):
                del sys.modules[name]
        for attr in ("_glue", "_fit_glue"):
            if hasattr(wp, attr):
                delattr(wp, attr)
        shutil.rmtree(out, ignore_errors=True)


def wire(wit, values):
    """A float64 column as the host sends it, in the generated bindings' type."""
    col = wp.column_from_list("float64", values)
    validity = None if col.validity is None else col.validity.to_bytes()
    return wit.Column(len=col.len, null_count=col.null_count, validity=validity, offsets=None, values=bytes(col.values))


@pytest.fixture(scope="module")
def glue(tmp_path_factory):
    with bindings(tmp_path_factory, wp.WORLD, "_glue") as module:
        yield module


@pytest.fixture(scope="module")
def fit_glue(tmp_path_factory):
    with bindings(tmp_path_factory, wp.FITTING_WORLD, "_fit_glue") as module:
        yield module
