"""Write the README's tables and every notebook's Open-in-Colab badge from the notebooks themselves.

    python tools/readme.py          (make readme)   rewrite what is stale
    python tools/readme.py --check                  exit 1 if anything is stale

The tables sit between `<!-- begin NAME -->` and `<!-- end NAME -->` in README.md and are
built from each notebook's title line; the badges come from pyproject.toml's colab-repo.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nb import LESSONS, ROOT, SOLUTIONS, colab_url, read, rel, title  # noqa: E402

README = ROOT / "README.md"
BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({})"
COLAB_LINK = re.compile(r"\]\(https://colab\.research\.google\.com/github/[^)\s]+\.ipynb\)")


def _lessons() -> str:
    rows = ["| 节 · Section | 笔记本 · Notebook | Colab |", "| --- | --- | --- |"]
    for p in LESSONS:
        t = title(p)
        rows.append(
            f"| {t['number']} | [{t['zh']} · {t['en']}]({rel(p)}) | {BADGE.format(colab_url(p))} |"
        )
    return "\n".join(rows)


def _solutions() -> str:
    rows = ["| # | 题解 · Worked solution | Colab |", "| --- | --- | --- |"]
    for p in SOLUTIONS:
        t = title(p)
        n, zh = re.match(r"练习 (\d+) 题解：(.+)", t["zh"]).groups()
        en = re.sub(r"^Exercise \d+: ", "", t["en"])
        rows.append(f"| {n} | [{zh} · {en}]({rel(p)}) | {BADGE.format(colab_url(p))} |")
    return "\n".join(rows)


def _stacks() -> str:
    """What each stack of the matrix installs, read from its constraints file."""
    from tools import stacks

    rows = [
        "| make target | runtime | Python | torch | numpy | matplotlib | IPython | ipywidgets |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in STACKS:
        pins, spec = stacks.pins(name), stacks.header(name)
        cells = [
            pins.get(p, "newest") for p in ("torch", "numpy", "matplotlib", "ipython", "ipywidgets")
        ]
        rows.append(
            f"| `make test-{name}` | {spec['runtime']} | {spec['python']} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(rows)


STACKS = (
    re.search(r"^STACKS := (.+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    .group(1)
    .split()
)
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
    return [p for p in LESSONS + SOLUTIONS if f"]({colab_url(p)})" not in read(p).cells[0].source]


def main(check: bool) -> int:
    import nbformat

    text = README.read_text(encoding="utf-8")
    stale = stale_badges() + ([README] if render(text) != text else [])
    if check or not stale:
        print("\n".join(f"stale: {rel(p)} (run `make readme`)" for p in stale) or "up to date")
        return 1 if stale else 0
    for p in stale:
        if p == README:
            README.write_text(render(text), encoding="utf-8")
        else:
            nb = read(p)
            nb.cells[0].source = COLAB_LINK.sub(f"]({colab_url(p)})", nb.cells[0].source)
            nbformat.write(nb, p)
        print(f"wrote {rel(p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
