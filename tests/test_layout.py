"""The package's shape: no module over 600 lines, no two modules importing each other."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO

MAX_LINES = 600


def test_no_module_is_over_600_lines():
    sizes = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
             for p in (REPO / "kgraph").rglob("*.py")}
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}


def test_no_import_cycle_even_through_deferred_imports():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "import_cycles.py"), "--all"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
    assert ", 0 cycles" in result.stdout
