"""Each workbook's checks cell is the package's rendering (tools/checks.py), and that cell works
alone: with no package of the repository in reach, it defines the checks and nothing else under a
public name."""

from __future__ import annotations

import builtins
import math

import nbformat
import pytest
import torch

from autograd_checks import NUMBERS, messages
from tools import checks
from tools.nb import WORKBOOKS

REPOSITORY = {"autograd_checks", "grader", "tools", "tests"}
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


@pytest.mark.parametrize("lang", messages.languages())
def test_the_cell_alone_defines_only_the_checks(lang, monkeypatch):
    """In a namespace of its own, with every package of the repository out of reach (an import of
    one fails, as on Colab; the workbook's run under nbval, from its own folder, shows the same in a
    kernel), the cell defines the checks and nothing else under a public name, and they work."""
    real_import = builtins.__import__

    def no_repository(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name.split(".")[0] in REPOSITORY:
            raise ImportError(f"{name} is in the repository, not on Colab")
        return real_import(name, globals, locals, fromlist, level)

    namespace, cell = (
        {"math": math, "torch": torch},
        compile(checks.render(lang), "<checks cell>", "exec"),
    )
    monkeypatch.setattr(builtins, "__import__", no_repository)
    exec(cell, namespace)  # noqa: S102
    feedback = namespace["check_ex9"]({"A": "reverse", "B": "forward", "C": "forward"})
    monkeypatch.undo()
    assert {k for k in namespace if not k.startswith("_")} - {"math", "torch"} == PUBLIC
    assert feedback.ok


@pytest.mark.parametrize("lang", messages.languages())
def test_the_cell_speaks_its_editions_language(lang):
    source = checks.render(lang)
    words = messages.texts(lang)
    assert source.startswith(f"# @title {words['cell.title']}\n")
    assert all(text.split("{")[0] in source for text in words.values())
