"""The kit as shipped: its WIT, its wheel, its build command."""

import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import wasmprep_plugin as wp
from wasmprep_plugin import cli

KIT = Path(__file__).resolve().parents[1]
REPO_WIT = KIT.parent / "wit"


@pytest.mark.skipif(not REPO_WIT.is_dir(), reason="not in a wasmprep checkout")
def test_the_shipped_wit_is_the_repositorys():
    repo = sorted(p.name for p in REPO_WIT.glob("*.wit"))
    assert sorted(p.name for p in wp.WIT_DIR.glob("*.wit")) == repo == ["fit.wit", "plugin.wit"]
    for name in repo:
        assert (wp.WIT_DIR / name).read_text() == (REPO_WIT / name).read_text(), (
            f"sdk/python's WIT differs from sdk/wit: cp {REPO_WIT / name} {wp.WIT_DIR / name}"
        )


def test_the_wit_declares_the_worlds_the_kit_builds():
    text = (wp.WIT_DIR / "plugin.wit").read_text()
    assert "package wasmprep:plugin@" in text and f"world {wp.WORLD} {{" in text
    assert f"world {wp.FITTING_WORLD} {{" in (wp.WIT_DIR / "fit.wit").read_text()


def test_the_wheel_holds_the_wit_and_the_command(tmp_path):
    # As a user builds it (pip fetches setuptools itself), from a copy:
    # setuptools writes build/ and *.egg-info into the tree it builds.
    source = tmp_path / "kit"
    shutil.copytree(KIT, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("wasmprep_plugin-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "wasmprep_plugin/wit/plugin.wit" in names and "wasmprep_plugin/py.typed" in names
    assert "wasmprep_plugin/wit/fit.wit" in names
    assert not any("tests/" in n or "__pycache__" in n for n in names)
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "wasmprep-plugin = wasmprep_plugin.cli:main" in entry


def test_build_command_has_the_wit_stubbed_wasi_and_the_paths(tmp_path):
    (tmp_path / "app.py").write_text("Transform = export(P)\n")
    cmd = cli.build_command("cpy", tmp_path / "app.py", tmp_path / "out.wasm", Path("/kit"), [Path("/lib")], True)
    assert cmd == [
        "cpy", "-d", str(wp.WIT_DIR), "-w", "plugin", "componentize", "--stub-wasi", "app",
        "-p", str(tmp_path), "-p", "/lib", "-p", "/kit", "-o", str(tmp_path / "out.wasm"),
    ]


@pytest.mark.parametrize(
    "source, world",
    [
        ("Transform = wp.export(P)\n", "plugin"),
        ("Transform, Fit = wp.export_fitting(P, A)\n", "fitting-plugin"),
        ("[Transform, Fit] = wp.export_fitting(P, A)\n", "fitting-plugin"),
        ("class Fit:\n    pass\n", "fitting-plugin"),
        ("Fit: type = make()\n", "fitting-plugin"),
        ("def f():\n    Fit = 1\n# Fit = export_fitting(...)\nTransform = wp.export(P)\n", "plugin"),
    ],
)
def test_the_world_follows_the_modules_top_level_fit(tmp_path, source, world):
    module = tmp_path / "app.py"
    module.write_text(source)
    assert cli.world_of(module) == world
    assert cli.build_command("cpy", module, tmp_path / "o.wasm", Path("/kit"), [], True)[4] == world


def test_a_module_that_does_not_parse_is_named_with_its_line(tmp_path):
    module = tmp_path / "app.py"
    module.write_text("x = 1\nclass (:\n")
    with pytest.raises(cli.BuildError, match=r"app.py:2: "):
        cli.world_of(module)


def test_kit_copy_holds_only_the_package(tmp_path):
    cli.kit_copy(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["wasmprep_plugin"]
    assert (tmp_path / "wasmprep_plugin" / "wit" / "plugin.wit").is_file()
    assert (tmp_path / "wasmprep_plugin" / "wit" / "fit.wit").is_file()
    assert not list(tmp_path.rglob("__pycache__"))


def fake_tool(tmp_path, version):
    tool = tmp_path / "componentize-py"
    tool.write_text(f"#!/bin/sh\necho componentize-py {version}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return str(tool)


def test_a_missing_componentize_py_names_the_pip_command(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("COMPONENTIZE_PY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python3"))
    (tmp_path / "app.py").write_text("")
    assert cli.main(["build", str(tmp_path / "app.py")]) == 1
    err = capsys.readouterr().err
    assert "componentize-py is not installed" in err
    assert f"{tmp_path / 'python3'} -m pip install componentize-py=={wp.COMPONENTIZE_PY_VERSION}" in err


def test_another_componentize_py_version_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMPONENTIZE_PY", fake_tool(tmp_path, "0.1.0"))
    monkeypatch.delenv("WASMPREP_ANY_COMPONENTIZE_PY", raising=False)
    (tmp_path / "app.py").write_text("")
    assert cli.main(["build", str(tmp_path / "app.py")]) == 1
    err = capsys.readouterr().err
    assert f"version 0.1.0; the kit is tested with {wp.COMPONENTIZE_PY_VERSION}" in err


def test_the_pinned_version_passes_the_check(tmp_path):
    cli.check_version(fake_tool(tmp_path, wp.COMPONENTIZE_PY_VERSION))


def test_build_refuses_what_is_not_a_python_file(tmp_path, capsys):
    assert cli.main(["build", str(tmp_path / "nothing.py")]) == 1
    assert "not a Python file" in capsys.readouterr().err


def test_wit_and_version_commands(capsys):
    assert cli.main(["wit"]) == 0
    assert capsys.readouterr().out.strip() == str(wp.WIT_DIR)
    assert cli.main(["version"]) == 0
    assert wp.COMPONENTIZE_PY_VERSION in capsys.readouterr().out


def test_python_dash_m_runs_the_command():
    env = dict(os.environ, PYTHONPATH=str(KIT / "src"))
    out = subprocess.run([sys.executable, "-m", "wasmprep_plugin", "--help"], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and "wasmprep-plugin build app.py" in out.stdout
