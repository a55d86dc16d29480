"""`wasmprep-plugin` / `python -m wasmprep_plugin`: build a plugin module into a component.

    python -m wasmprep_plugin build app.py -o tip-ratio.wasm

runs componentize-py (the pinned release) with the kit's WIT, WASI stubbed
out (the sandbox grants none), the module's folder and the kit on the
Python path.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

from . import COMPONENTIZE_PY_VERSION, FITTING_WORLD, WIT_DIR, WORLD


def pip_hint() -> str:
    """The command that installs the pinned componentize-py for this Python."""
    return f"{sys.executable} -m pip install componentize-py=={COMPONENTIZE_PY_VERSION}"


class BuildError(Exception):
    pass


def find_componentize_py() -> str:
    """$COMPONENTIZE_PY, else the one beside this Python (a venv's bin/), else PATH's."""
    env = os.environ.get("COMPONENTIZE_PY")
    if env:
        return env
    beside = Path(sys.executable).parent / "componentize-py"
    if beside.is_file():
        return str(beside)
    found = shutil.which("componentize-py")
    if found:
        return found
    raise BuildError(f"componentize-py is not installed; install it with:\n  {pip_hint()}")


def check_version(tool: str) -> None:
    try:
        out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise BuildError(f"cannot run {tool} --version: {e}\ninstall it with:\n  {pip_hint()}") from None
    version = out.split()[-1] if out.split() else "?"
    if version != COMPONENTIZE_PY_VERSION:
        raise BuildError(
            f"{tool} is version {version}; the kit is tested with {COMPONENTIZE_PY_VERSION}:\n  {pip_hint()}\n"
            "(set WASMPREP_ANY_COMPONENTIZE_PY=1 to use it anyway)"
        )


def kit_copy(into: Path) -> Path:
    """A folder holding only the kit package, to put on componentize-py's path
    (not the whole site-packages or source tree around it)."""
    source = Path(__file__).parent
    shutil.copytree(source, into / "wasmprep_plugin", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return into


def world_of(module: Path) -> str:
    """The world a plugin module builds: `fitting-plugin` when it binds the
    name `Fit` at its top level (`Transform, Fit = export_fitting(...)`),
    else `plugin`."""
    try:
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    except SyntaxError as e:
        raise BuildError(f"{module}:{e.lineno}: {e.msg}") from None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Fit":
            return FITTING_WORLD
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            names = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
            if any(isinstance(n, ast.Name) and n.id == "Fit" for n in names):
                return FITTING_WORLD
    return WORLD


def build_command(tool: str, module: Path, output: Path, kit_path: Path, paths: List[Path], stub_wasi: bool) -> List[str]:
    cmd = [tool, "-d", str(WIT_DIR), "-w", world_of(module), "componentize"]
    if stub_wasi:
        cmd.append("--stub-wasi")
    cmd.append(module.stem)
    for p in [module.parent, *paths, kit_path]:
        cmd += ["-p", str(p)]
    return cmd + ["-o", str(output)]


def build(module: Path, output: Path, paths: List[Path], stub_wasi: bool = True) -> None:
    if module.suffix != ".py" or not module.is_file():
        raise BuildError(f"{module}: not a Python file")
    tool = find_componentize_py()
    if not os.environ.get("WASMPREP_ANY_COMPONENTIZE_PY"):
        check_version(tool)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wasmprep-kit-") as tmp:
        cmd = build_command(tool, module.resolve(), output.resolve(), kit_copy(Path(tmp)), paths, stub_wasi)
        print("+ " + " ".join(cmd), file=sys.stderr)
        if subprocess.run(cmd).returncode != 0:
            raise BuildError(f"componentize-py failed on {module}")
    print(f"built {output} ({output.stat().st_size // 1024} KiB)", file=sys.stderr)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="wasmprep-plugin",
        description="Build a Python wasmprep plugin into a WebAssembly component.",
        epilog="example: wasmprep-plugin build app.py -o tip-ratio.wasm",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="componentize a plugin module (needs componentize-py)")
    b.add_argument(
        "module",
        type=Path,
        help="the plugin's module file, ending with `Transform = export(...)` "
        "(or `Transform, Fit = export_fitting(...)` for a plugin that fits)",
    )
    b.add_argument("-o", "--output", type=Path, help="the component to write (default: MODULE's name + .wasm)")
    b.add_argument("-p", "--path", type=Path, action="append", default=[], help="another folder of Python modules to include")
    b.add_argument("--keep-wasi", action="store_true", help="keep WASI imports (the sandbox grants none: the plugin will not load)")
    sub.add_parser("wit", help="print the folder of the WIT the kit targets")
    sub.add_parser("version", help="print the kit's version and the componentize-py it runs")
    args = parser.parse_args(argv)

    if args.command == "wit":
        print(WIT_DIR)
        return 0
    if args.command == "version":
        from . import __version__

        print(f"wasmprep-plugin {__version__} (componentize-py {COMPONENTIZE_PY_VERSION})")
        return 0
    output = args.output or args.module.with_suffix(".wasm")
    try:
        build(args.module, output, args.path, stub_wasi=not args.keep_wasi)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0
