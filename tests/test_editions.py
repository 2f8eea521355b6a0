"""The English and Chinese editions cannot drift apart: twin notebooks have the same cells, the
same code (up to comments and translated strings, compared as syntax trees, so line wrapping is
free), the same numbers in their outputs and prose, headings at the same levels with the same
section numbers (each edition's in its own language), the same formulas and links (each pointing
to its own edition), and every translated markdown cell still matches the fingerprints
recorded when it was last known to say what its twin says (`make twins`, `make stamp`)."""

from __future__ import annotations

import re
import shutil

import pytest

from tools import editions as ed
from tools.nb import ALL, code_cells, output_texts, read, rel, tags

ZH = [p for p in ALL if ed.edition(p) == "zh"]
EN = [p for p in ALL if ed.edition(p) == "en"]
each_pair = pytest.mark.parametrize("zh", ZH, ids=rel)


def test_every_notebook_has_its_twin():
    assert ZH and sorted(map(ed.twin, ZH)) == sorted(EN)


@each_pair
def test_same_cells_and_one_code(zh):
    a, b = read(zh), read(ed.twin(zh))
    assert [c.cell_type for c in a.cells] == [c.cell_type for c in b.cells], "cell sequence differs"
    for i, (x, y) in enumerate(zip(a.cells, b.cells, strict=True)):
        assert tags(x) == tags(y), f"cell {i}: tags differ"
        if x.cell_type == "code":
            assert not (d := ed.code_differences(x.source, y.source)), f"cell {i}: {d[:3]}"


@each_pair
def test_same_numbers_in_outputs(zh):
    for i, (x, y) in enumerate(
        zip(code_cells(read(zh)), code_cells(read(ed.twin(zh))), strict=True)
    ):
        if "nbval-ignore-output" in tags(x):
            continue
        a, b = "".join(output_texts(x)), "".join(output_texts(y))
        assert ed.numbers(a) == ed.numbers(b), f"code cell {i + 1}: the numbers differ"
        assert not ed.CJK.search(b) or a == b, f"code cell {i + 1}: Chinese in an English output"


@each_pair
def test_translations_are_stamped_and_unchanged_since(zh):
    assert not (lines := ed.stale(zh)), "\n".join(lines) + "\n(run `make twins`; see README)"


@each_pair
def test_prose_aligned(zh):
    for i, x, y in ed.pairs(zh):
        if x.cell_type != "markdown":
            continue
        where = f"cell {i}"
        hx, hy = ed.headings(x.source), ed.headings(y.source)
        assert [h[0] for h in hx] == [h[0] for h in hy], f"{where}: heading levels differ"
        for (_, tx), (_, ty) in zip(hx, hy, strict=True):
            assert SECTION.findall(tx) == SECTION.findall(ty), f"{where}: {tx!r} vs {ty!r}"
        assert ed.formulas(x.source) == ed.formulas(y.source), f"{where}: formulas differ"
        assert _numbers(x.source, "zh") == _numbers(y.source, "en"), (
            f"{where}: quoted numbers differ"
        )
        files = [[u.split("#")[0] for u in ed.links(c.source)] for c in (x, y)]
        assert [ed.swap(u) for u in files[0]] == files[1], f"{where}: links to other files"
        english = TWIN_LINK.sub("", y.source) if i == 0 else y.source
        assert not ed.CJK.search(english), f"{where}: Chinese in English prose, headings or links"


# The torch version each book's installation section pins: an edition's version notes cite its own
# book's (d2l-zh: 1.12.0, d2l-en: 2.0.0), so these two may differ between twins; all else must match.
BOOK_TORCH = {"zh": "1.12.0", "en": "2.0.0"}


def _numbers(text: str, lang: str) -> list[str]:
    return [n for n in ed.numbers(text) if n != BOOK_TORCH[lang]]


# A heading's section number ("2.5.1", "2.5.4x"): twins carry the same ones at the same levels.
SECTION = re.compile(r"\b2\.5\.\d\w*")
# The one Chinese an English notebook holds: the label and title of the link to its Chinese twin.
TWIN_LINK = re.compile(r"\*\*中文版：\*\* \[[^\]]*\]\(\.\./zh/[^)\s]+\)")


# ---- each rule fails on a drifted copy
@pytest.fixture
def drifted(tmp_path):
    zh = next(p for p in ZH if p.name.startswith("2.5.1-"))
    for p in (zh, ed.twin(zh)):
        (tmp_path / ed.edition(p)).mkdir()
        shutil.copy(p, tmp_path / ed.edition(p) / p.name)
    return tmp_path / "zh" / zh.name


def test_a_number_changed_in_one_editions_code_is_caught(drifted):
    cell = next(c for c in code_cells(read(drifted)) if "4.0" in c.source)
    twin_cell = code_cells(read(ed.twin(drifted)))[code_cells(read(drifted)).index(cell)]
    assert ed.code_differences(cell.source, twin_cell.source) == []
    assert ed.code_differences(cell.source.replace("4.0", "5.0", 1), twin_cell.source)


def test_an_edited_chinese_cell_flags_its_english_twin_stale(drifted):
    import nbformat

    assert ed.stale(drifted) == []
    nb = nbformat.read(drifted, as_version=4)
    cell = next(c for c in nb.cells[1:] if c.cell_type == "markdown")
    cell.source += "\n\n新加的一句话。"
    nbformat.write(nb, drifted)
    (line,) = ed.stale(drifted)
    assert "zh changed" in line and "update en" in line


@pytest.mark.parametrize("path", ALL, ids=rel)
def test_relative_links_resolve_in_their_own_edition(path):
    """Every link to a file of the repository reaches it, and an anchor names one of its headings
    (JupyterLab's anchor: the heading's text with spaces as '-')."""
    for cell in (c for c in read(path).cells if c.cell_type == "markdown"):
        for url in ed.links(cell.source):
            if url.startswith(("http", "#", "mailto:")):
                continue
            target, _, anchor = url.partition("#")
            where = (path.parent / target).resolve()
            assert where.exists(), f"{rel(path)}: {url} does not exist"
            if anchor and where.suffix == ".ipynb":
                heads = [h for c in read(where).cells if c.cell_type == "markdown"
                         for _, h in ed.headings(c.source)]  # fmt: skip
                assert anchor in {h.replace("`", "").replace(" ", "-") for h in heads}, url


def _github_slug(heading: str) -> str:
    """GitHub's anchor for a README heading: lower case, punctuation dropped, spaces as '-'."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_readme_links_resolve():
    from tools.nb import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    anchors = {_github_slug(h) for _, h in ed.headings(text)}
    for url in ed.links(text):
        if url.startswith("http"):
            continue
        target, _, anchor = url.partition("#")
        assert not target or (ROOT / target).exists(), f"README: {url} does not exist"
        assert not anchor or target or anchor in anchors, f"README: no heading for #{anchor}"
