"""What the code reads at run time ships with the package, and the tests run against the installed copy."""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pytest

import kgraph
from conftest import REPO


def test_ontology_and_lexicons_are_package_data():
    from kgraph.resources import ontology_files

    # installed: the package data; a checkout (editable install, sys.path): the repository's ontology/
    installed = os.environ.get("KGRAPH_TEST_INSTALLED") == "1"
    onto = resources.files("kgraph.ontology") if installed else ontology_files()
    for name in ("kgraph.ttl", "shapes.ttl"):
        assert onto.joinpath(name).read_text(encoding="utf-8").strip()
    lexicons = resources.files("kgraph.ontology.lexicons") if installed else onto.joinpath("lexicons")
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


def _readme_python_example(out_dir: Path, article_root: Path) -> str:
    """The first Python block of the README, writing into ``out_dir`` and reading the article under
    ``article_root`` (the repository when run from elsewhere)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    article = "examples/articles/kuaishou-gravity-conference-2022.md"
    assert article in code and '"out/"' in code, "the README's example changed: update this test"
    code = code.replace(f'"{article}"', repr(str(article_root / article))).replace('"out/"', repr(str(out_dir)))
    return code + "\nprint('nodes', kg.to_networkx().number_of_nodes())\n"


@pytest.mark.parametrize("where", ["repository root", "elsewhere"])
def test_readme_python_example_runs_from_the_source_tree(where, tmp_path):
    """A checkout on sys.path (no install): kgraph finds its ontology and lexicons in the repository."""
    import subprocess
    import sys

    cwd = REPO if where == "repository root" else tmp_path
    article_root = Path(".") if where == "repository root" else REPO
    code = _readme_python_example(tmp_path / "out", article_root)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert int(run.stdout.split("nodes", 1)[1].split()[0]) > 1
    assert (tmp_path / "out" / "graph.html").is_file()
    if where == "elsewhere":  # the subprocess imported the checkout, not an installed copy
        check = subprocess.run([sys.executable, "-c", "import kgraph; print(kgraph.__file__)"], cwd=cwd, env=env,
                               capture_output=True, text=True, check=True)
        assert Path(check.stdout.strip()).resolve().parent == REPO / "kgraph"


def test_license_uses_the_current_pyproject_form():
    """PEP 639: an SPDX expression string (setuptools >= 77 reads it; the table form draws a deprecation banner)."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    assert not any(c.startswith("License ::") for c in project["project"].get("classifiers", []))
    requires = project["build-system"]["requires"]
    assert any(r.replace(" ", "").startswith("setuptools>=") and int(r.split(">=")[1].split(".")[0].split(",")[0]) >= 77
               for r in requires), requires


def test_readme_spacy_example_runs_from_elsewhere_with_the_checkout_on_the_path(tmp_path):
    import re
    import subprocess
    import sys

    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    code = next(block for block in blocks if "spacy.blank" in block)
    code += "\nprint(sorted(e.text for e in doc.ents))\n"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "张明远" in run.stdout and "星河科技" in run.stdout
