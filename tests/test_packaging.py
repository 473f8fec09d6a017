"""What the code reads at run time ships with the package, and the tests run against the installed copy."""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pytest

import kgraph
from conftest import REPO


def test_ontology_and_lexicons_are_package_data():
    onto = resources.files("kgraph.ontology")
    for name in ("kgraph.ttl", "shapes.ttl"):
        assert onto.joinpath(name).read_text(encoding="utf-8").strip()
    lexicons = resources.files("kgraph.ontology.lexicons")
    for name in ("titles.tsv", "org_suffixes.tsv", "organizations.tsv", "places.txt", "speech_verbs.txt", "surnames.txt"):
        assert len(lexicons.joinpath(name).read_text(encoding="utf-8").splitlines()) > 10, name


def test_installed_copy_is_tested():
    if os.environ.get("KGRAPH_TEST_INSTALLED") != "1":
        pytest.skip("run through `make test`, which installs the package first (KGRAPH_TEST_INSTALLED=1)")
    package_dir = Path(kgraph.__file__).resolve().parent
    assert package_dir != REPO / "kgraph" and "site-packages" in package_dir.parts, \
        f"tests imported the checkout at {package_dir}, not the installed package"
    assert (package_dir / "ontology" / "shapes.ttl").is_file()


def test_importing_kgraph_loads_no_heavy_module():
    import subprocess
    import sys

    code = "import sys, kgraph; print(','.join(m for m in ('spacy', 'jieba', 'rdflib', 'pyvis') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert out.stderr == ""
