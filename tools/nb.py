"""The collection's notebooks, for the tools and the tests alike: where they are, reading them,
their tags and titles, their Open-in-Colab links, and the nbval sanitizer."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SANITIZER = ROOT / "tests" / "sanitize.cfg"
EDITIONS = (
    "zh",
    "en",
)  # 中文 first (the source), then the English edition; same file names in each


def reading_order(path: Path) -> list:
    """A natural sort key: numbers by value, so that 2.5.5-ex10-… comes after 2.5.5-ex9-…"""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def lessons(lang: str = "zh") -> list[Path]:
    return sorted((ROOT / "notebooks" / lang).glob("*.ipynb"), key=reading_order)


def solutions(lang: str = "zh") -> list[Path]:
    return sorted((ROOT / "solutions" / lang).glob("*.ipynb"), key=reading_order)


LESSONS, SOLUTIONS = lessons("zh"), solutions("zh")  # the Chinese edition
# Reading order in each edition: lessons, extension, workbook, then the solutions.
ALL = [p for lang in EDITIONS for p in lessons(lang) + solutions(lang)]
WORKBOOKS = {lang: lessons(lang)[-1] for lang in EDITIONS if lessons(lang)}
IGNORE_OUTPUT_TAGS = {"nbval-ignore-output", "nbval-skip", "skip-execution"}
INSTALL_GUARD = "%pip install -q --no-deps d2l==1.0.3"
# A title line: "# 2.5.1 一个简单的例子" (zh), "# 2.5.1 A Simple Function" (en): one language each.
TITLE = re.compile(r"^# (?P<number>\d\.\d\.\d\w*) (?P<title>[^\n]+)$", re.M)


def read(path: Path):
    """A fresh copy of the notebook (nbformat 4; tests/test_structure.py validates the files)."""
    from nbformat import from_dict
    from nbformat.v4.rwbase import rejoin_lines

    return rejoin_lines(from_dict(_json(path, path.stat().st_mtime_ns)))


@functools.cache
def _json(path: Path, mtime: int) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def rel(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def tagged_source(path: Path, tag: str) -> str:
    """The code of the notebook's cells that carry `tag`, in order."""
    return "\n".join(c.source for c in code_cells(read(path)) if tag in tags(c))


def output_texts(cell) -> list[str]:
    """The text of each output of a cell that nbval compares (stream text, text/plain)."""
    outputs = cell.get("outputs", [])
    return [o["text"] if o["output_type"] == "stream" else o["data"]["text/plain"]
            for o in outputs if o["output_type"] == "stream" or "text/plain" in o.get("data", {})]  # fmt: skip


def edition(path: Path) -> str:
    """'zh' or 'en': the folder a notebook sits in (notebooks/zh/..., solutions/en/...)."""
    return path.parent.name


def title_line(path: Path) -> tuple[str, str]:
    """(section number, title) from the notebook's first line, e.g. ('2.5.1', 'A Simple Function')."""
    m = TITLE.search(read(path).cells[0].source)
    if not m:
        raise ValueError(
            f"{rel(path)}: the first line must be '# 2.5.x Title' in its edition's language"
        )
    return m["number"], m["title"].strip()


def title(path: Path) -> dict[str, str]:
    """{'number', 'zh', 'en'}: each language's title read from that edition's notebook (the
    twin under ../zh/ or ../en/ with the same name), so each edition keeps its own book's words."""
    number, own = title_line(path)
    found = {"number": number, edition(path): own}
    other = {"zh": "en", "en": "zh"}[edition(path)]
    twin = path.parent.parent / other / path.name
    if twin.exists():
        twin_number, found[other] = title_line(twin)
        if twin_number != number:
            raise ValueError(f"{rel(path)} is {number}, its twin {rel(twin)} is {twin_number}")
    return found


def colab_url(path: Path) -> str:
    """The notebook's Open-in-Colab address, from pyproject.toml's [tool.autograd-notebooks]."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    repo, branch = (cfg["tool"]["autograd-notebooks"][k] for k in ("colab-repo", "colab-branch"))
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{rel(path)}"


@functools.cache
def sanitizer() -> list[tuple[re.Pattern[str], str]]:
    """The (regex, replacement) pairs of tests/sanitize.cfg, read as nbval reads them."""
    text = SANITIZER.read_text(encoding="utf-8")
    pairs = re.findall("^regex: (.*)$\n^replace: (.*)$", text, flags=re.M)
    return [(re.compile(r), rep) for r, rep in pairs]


def sanitize(text: str) -> str:
    for regex, rep in sanitizer():
        text = regex.sub(rep, text)
    return text
