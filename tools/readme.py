"""make readme: the README's generated tables (from notebook titles and constraints files) and each
notebook's Open-in-Colab badge; with --check, exit 1 if anything is stale."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.editions import twin  # noqa: E402
from tools.nb import ALL, LESSONS, ROOT, SOLUTIONS, colab_url, read, rel, title  # noqa: E402

README = ROOT / "README.md"
BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({})"
COLAB_LINK = re.compile(r"\]\(https://colab\.research\.google\.com/github/[^)\s]+\.ipynb\)")


def _table(header: str, rows: list[list[str]]) -> str:
    columns = header.split(" | ")
    lines = ["| " + header + " |", "|" + " --- |" * len(columns)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _link(path: Path, lang: str) -> str:
    """A link to a notebook, named by its own title (each edition's in its language), and its Colab
    badge; or dashes while the edition lacks it."""
    if not path.exists():
        return "— | —"
    return f"[{title(path)[lang]}]({rel(path)}) | {BADGE.format(colab_url(path))}"


def _lessons() -> str:
    rows = [[title(p)["number"], _link(p, "zh"), _link(twin(p), "en")] for p in LESSONS]
    return _table("节 · Section | 中文 | Colab | English | Colab", rows)


def _solutions() -> str:
    rows = []
    for p in SOLUTIONS:  # zh "# 2.5.5 练习 1 题解：标题", en "# 2.5.5 Exercise 1: Title"
        number = re.match(r"练习 (\d+) 题解", title(p)["zh"]).group(1)
        rows.append([number, _link(p, "zh"), _link(twin(p), "en")])
    return _table("# | 题解 | Colab | Worked solution | Colab", rows)


def _stacks() -> str:
    """What each stack of the matrix installs, read from its constraints file."""
    from tools import stacks

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rows = []
    for name in re.search(r"^STACKS := (.+)$", makefile, re.M).group(1).split():
        pins, spec = stacks.pins(name), stacks.header(name)
        versions = [pins.get(p, "newest") for p in PACKAGES]
        rows.append([f"`make test-{name}`", spec["runtime"], spec["python"], *versions])
    header = "make target | runtime | Python | " + " | ".join(PACKAGES)
    return _table(header.replace("ipython", "IPython"), rows)


PACKAGES = ["torch", "numpy", "matplotlib", "ipython", "ipywidgets"]
TABLES = {"notebooks": _lessons, "solutions": _solutions, "stacks": _stacks}


def render(text: str) -> str:
    """README text with every generated table brought up to date."""
    for name, make in TABLES.items():
        begin, end = f"<!-- begin {name} -->\n", f"\n<!-- end {name} -->"
        i, j = text.index(begin) + len(begin), text.index(end)
        text = text[:i] + make() + text[j:]
    return text


def stale_badges() -> list[Path]:
    """Notebooks whose title cell does not link to their own Colab address."""
    return [p for p in ALL if f"]({colab_url(p)})" not in read(p).cells[0].source]


def main(check: bool) -> int:
    import nbformat

    text = README.read_text(encoding="utf-8")
    stale = stale_badges() + ([README] if render(text) != text else [])
    if check or not stale:
        print("\n".join(f"stale: {rel(p)} (run `make readme`)" for p in stale) or "up to date")
        return 1 if stale else 0
    README.write_text(render(text), encoding="utf-8")
    for p in stale_badges():
        nb = read(p)
        nb.cells[0].source = COLAB_LINK.sub(f"]({colab_url(p)})", nb.cells[0].source)
        nbformat.write(nb, p)
    print("\n".join(f"wrote {rel(p)}" for p in stale))
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
