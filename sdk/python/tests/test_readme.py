"""The README's example plugin and its unit tests run as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]


def blocks():
    return re.findall(r"```python\n(.*?)```", (KIT / "README.md").read_text(), re.S)


def run_example(tmp_path, app, tests, passed):
    (tmp_path / "app.py").write_text(app)
    (tmp_path / "test_app.py").write_text(tests)
    env = dict(os.environ, PYTHONPATH=str(KIT / "src"), PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_app.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{passed} passed" in run.stdout


def test_the_readme_example_and_its_tests_pass(tmp_path):
    app, tests = blocks()[:2]
    run_example(tmp_path, app, tests, 3)


def test_the_readme_fitting_example_and_its_tests_pass(tmp_path):
    app, tests = blocks()[2:4]
    assert "export_fitting" in app and "FitHarness" in tests
    run_example(tmp_path, app, tests, 2)
