"""The workbook's prose: each exercise that needs a part of the extension links a heading the
extension has, in each edition."""

from __future__ import annotations

import json
import re

import pytest

from tools.nb import WORKBOOKS

EXTENSION = "2.5.4x-extension-computation-graphs-and-backprop.ipynb"  # next to each workbook
each_edition = pytest.mark.parametrize("lang", list(WORKBOOKS))
SUMMARY = {"zh": "## 小结", "en": "## Summary"}
EXERCISE_HEADING = {"zh": r"^#+ 练习 (\d+)", "en": r"^#+ Exercise (\d+)"}


def _jupyterlab_anchor(heading: str) -> str:
    """JupyterLab's id for a rendered heading: its text, spaces replaced by '-'."""
    return heading.replace("`", "").replace("**", "").replace(" ", "-")


@each_edition
def test_exercises_name_and_link_the_extension_parts_they_need(lang):
    """Each exercise that needs a part of the extension links it, by its heading's anchor, with the
    heading's words as the link's label, in each edition."""
    workbook_path = WORKBOOKS[lang]
    extension_path = workbook_path.parent / EXTENSION
    if not extension_path.exists():
        pytest.skip(f"{extension_path.name} has no {lang} edition yet: nothing to link to")
    extension = json.loads(extension_path.read_text(encoding="utf-8"))
    headings = [
        line.lstrip("#").strip()
        for cell in extension["cells"]
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("#")
    ]
    anchors = {_jupyterlab_anchor(h): h for h in headings}
    workbook = json.loads(workbook_path.read_text(encoding="utf-8"))
    prose = "\n".join(
        "".join(c["source"]) for c in workbook["cells"] if c["cell_type"] == "markdown"
    )
    prose = prose.split(SUMMARY[lang])[0]  # the navigation links after the exercises name no part
    parts = re.split(EXERCISE_HEADING[lang], prose, flags=re.M)
    needing = set()
    for number, text in zip(parts[1::2], parts[2::2]):
        for label, target in re.findall(
            r"\[([^\]]+)\]\(" + re.escape(EXTENSION) + r"(?:#([^)\s]+(?:\([^)]*\))?[^)\s]*))?\)",
            text,
        ):
            assert target, f"exercise {number}: link {label!r} has no anchor"
            assert target in anchors, f"exercise {number} links a heading the extension lacks: {target}"  # fmt: skip
            assert anchors[target].replace("`", "").startswith(label.replace("`", "")), (label, anchors[target])  # fmt: skip
            needing.add(number)
    assert needing >= {"1", "2", "6", "7", "8", "9"}, needing
