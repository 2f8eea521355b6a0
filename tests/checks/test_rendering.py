"""Each workbook's checks cell is the package's rendering (tools/checks.py), and that cell works
alone: run in a bare Python, with no file of the repository in reach, it defines the checks and
nothing else under a public name."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from autograd_checks import NUMBERS, messages
from tools import checks
from tools.nb import WORKBOOKS

PUBLIC = {"CHECK_TIME_LIMIT", "Feedback", *(f"check_ex{n}" for n in NUMBERS)}


def test_every_committed_checks_cell_is_its_rendering():
    assert not checks.differences()


def test_a_hand_edit_of_a_committed_cell_is_caught(tmp_path, monkeypatch):
    lang, path = next(iter(WORKBOOKS.items()))
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "checks" in c.metadata.get("tags", []))
    hint = messages.texts(lang)["ex5.sign"]
    assert hint in cell.source
    cell.source = cell.source.replace(hint, hint + "!")
    copy = tmp_path / path.name
    nbformat.write(nb, copy)
    monkeypatch.setattr(checks, "WORKBOOKS", {lang: copy})
    assert checks.differences() == [copy]


def test_the_cell_alone_defines_only_the_checks(tmp_path):
    """In a bare interpreter (-I: no repository on sys.path), from an empty folder, as on Colab:
    each edition's cell, in a namespace of its own."""
    probe = "import json, math, torch\nfound = {}\n"
    for lang in messages.languages():
        probe += (
            f"ns = {{'math': math, 'torch': torch}}\nexec(compile({checks.render(lang)!r}, 'cell', 'exec'), ns)\n"
            f"ok = ns['check_ex9']({{'A': 'reverse', 'B': 'forward', 'C': 'forward'}}).ok\n"
            f"found[{lang!r}] = [sorted(k for k in ns if not k.startswith('_')), ok]\n"
        )
    probe += "print(json.dumps(found))"
    script = tmp_path / "probe.py"
    script.write_text(probe, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-I", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    for lang, (names, ok) in json.loads(out.stdout).items():
        assert set(names) - {"math", "torch"} == PUBLIC and ok is True, lang


@pytest.mark.parametrize("lang", messages.languages())
def test_the_cell_speaks_its_editions_language(lang):
    source = checks.render(lang)
    words = messages.texts(lang)
    assert source.startswith(f"# @title {words['cell.title']}\n")
    assert all(text.split("{")[0] in source for text in words.values())
