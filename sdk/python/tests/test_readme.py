"""The README's example plugin and its unit tests run as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]


def test_the_readme_example_and_its_tests_pass(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", (KIT / "README.md").read_text(), re.S)
    (tmp_path / "app.py").write_text(blocks[0])
    (tmp_path / "test_app.py").write_text(blocks[1])
    env = dict(os.environ, PYTHONPATH=str(KIT / "src"), PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_app.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout
