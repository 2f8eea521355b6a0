"""Structural checks of every notebook: no kernel is started, so these run in milliseconds.

They hold the collection to what nbval alone cannot see: a fresh top-to-bottom run
(execution counts 1..n), no stray errors or machine paths in recorded outputs, a title cell
with the right Open-in-Colab badge, the Colab install guard where d2l is imported, and a
README that lists every notebook.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from maint import colab_url
from nbutil import ALL, NOTEBOOKS, ROOT, code_cells, ids, load, output_texts, rel, source, tags

PATH_LEAK = re.compile(r"(/root/|/home/\w|/tmp/|/work/|/Users/\w|[A-Z]:\\\\Users|site-packages)")
INSTALL_GUARD = "%pip install -q --no-deps d2l==1.0.3"
EXPECTED_LESSONS = [
    "2.5.0-computation-graphs-and-backprop",
    "2.5.1-a-simple-example",
    "2.5.2-backward-for-non-scalar-variables",
    "2.5.3-detaching-computation",
    "2.5.4-gradients-and-python-control-flow",
    "2.5.5-exercises",
]

nb_param = pytest.mark.parametrize("path", ALL, ids=ids(ALL))


def test_collection_is_complete():
    names = [p.stem for p in NOTEBOOKS]
    missing = [n for n in EXPECTED_LESSONS if n not in names]
    assert not missing, f"lesson notebooks missing from notebooks/: {missing}"


@nb_param
def test_valid_nbformat4_with_python3_kernel(path):
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert nb.nbformat == 4, f"{rel(path)}: nbformat {nb.nbformat}, expected 4"
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@nb_param
def test_executed_in_order_from_a_fresh_kernel(path):
    counts = [c["execution_count"] for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{rel(path)}: execution counts {counts}; re-run it with `make execute NB={rel(path)}`"
    )


@nb_param
def test_no_untagged_errors(path):
    for i, cell in enumerate(code_cells(load(path)), 1):
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        if "raises-exception" not in tags(cell):
            assert not errors, f"{rel(path)} cell [{i}] recorded {errors[0]['ename']}"
        stderr = [o for o in cell["outputs"] if o.get("name") == "stderr"]
        assert not stderr, (
            f"{rel(path)} cell [{i}] wrote to stderr (a warning?): {stderr[0]['text']!r}"
        )


@nb_param
def test_no_machine_paths_in_outputs(path):
    for i, cell in enumerate(code_cells(load(path)), 1):
        for text in output_texts(cell) + [str(o.get("traceback", "")) for o in cell["outputs"]]:
            m = PATH_LEAK.search(text)
            assert not m, f"{rel(path)} cell [{i}] output shows a machine path: {m.group(0)!r}"


@nb_param
def test_title_cell_with_badge_and_english_summary(path):
    first = load(path)["cells"][0]
    text = source(first)
    assert first["cell_type"] == "markdown"
    assert re.match(r"# \d\.\d\.\d\S* .+ · [A-Z]", text), (
        f"{rel(path)}: the first line must be a bilingual title '# 2.5.x 中文 · English'"
    )
    assert f"]({colab_url(path)})" in text, (
        f"{rel(path)}: the Open-in-Colab badge must link to {colab_url(path)} (run `make badges`)"
    )
    assert "colab-badge.svg" in text
    assert "English summary" in text
    assert "你将学到" in text or "题目" in text


def test_d2l_notebooks_carry_the_colab_install_guard():
    """Colab lacks d2l: every notebook that imports it installs it first, and only there."""
    users = []
    for path in ALL:
        cells = code_cells(load(path))
        if not any(re.search(r"^\s*(from d2l|import d2l)", source(c), re.M) for c in cells):
            continue
        users.append(rel(path))
        setup = source(cells[0])
        assert 'if "google.colab" in sys.modules:' in setup and INSTALL_GUARD in setup, (
            f"{rel(path)}: the first code cell must install d2l on Colab before importing it"
        )
        assert setup.index(INSTALL_GUARD) < setup.index("d2l import"), rel(path)
    assert users, "no notebook imports d2l: the guard check would test nothing"


@nb_param
def test_self_contained(path):
    """On Colab a notebook opens alone: no sibling modules, files or %run."""
    for i, cell in enumerate(code_cells(load(path)), 1):
        src = source(cell)
        assert not re.search(r"sys\.path\.(insert|append)|%run |from (tests|figures)\b", src), (
            f"{rel(path)} cell [{i}] depends on files next to the notebook"
        )
        assert not re.search(r"open\(['\"]\.\./|read_(csv|text)\(['\"]\.\./", src), (
            f"{rel(path)} cell [{i}] reads a repository file"
        )


@nb_param
def test_listed_in_readme(path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"]({rel(path)})" in readme, f"README.md does not link {rel(path)}"
    assert f"]({colab_url(path)})" in readme, f"README.md has no Colab link for {rel(path)}"


def test_sanitizer_pairs_are_all_active():
    """A `replace:` line that lost its trailing space silently disables its pair."""
    text = (ROOT / "tests" / "sanitize.cfg").read_text(encoding="utf-8")
    regex_lines = [ln for ln in text.splitlines() if ln.startswith("regex:")]
    pairs = re.findall("^regex: (.*)$\n^replace: (.*)$", text, flags=re.M)
    assert len(pairs) == len(regex_lines), "a regex: line is not followed by a valid replace: line"
    assert all(rep.strip() for _, rep in pairs), "empty sanitizer replacement"
