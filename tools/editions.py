"""The two editions, 中文 (notebooks/zh, solutions/zh) and English (notebooks/en, solutions/en):
twins, the one-code rule, translation fingerprints and alignment. `make twins` lists what is out
of step; `make stamp NB=path CELLS="3 7"` records that those cells of a notebook and its twin say
the same thing again (after you have made them so).

A markdown cell and its twin carry `metadata.twin = {"zh": sha, "en": sha}`: the fingerprints of
both sources when they were last known to match. Editing either side changes its fingerprint, so
the pair is stale until someone updates the other side and stamps it."""

from __future__ import annotations

import ast
import functools
import hashlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nb import ROOT, edition, read, rel  # noqa: E402

LANGS = ("zh", "en")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:[.,]\d+)*")
FORMULA = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#+) (.+)$", re.M)
# What a link or URL in one edition becomes in the other (both directions, applied at once).
SWAPS = {"/zh/": "/en/", "zh.d2l.ai": "d2l.ai", "d2l-zh": "d2l-en"}
_BOTH_WAYS = {**SWAPS, **{v: k for k, v in SWAPS.items()}}
_SWAP = re.compile("|".join(re.escape(k) for k in sorted(_BOTH_WAYS, key=len, reverse=True)))


def twin(path: Path) -> Path:
    other = {"zh": "en", "en": "zh"}[edition(path)]
    return path.parent.parent / other / path.name


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


def swap(text: str) -> str:
    """A link of one edition as the other edition writes it."""
    return _SWAP.sub(lambda m: _BOTH_WAYS[m.group(0)], text)


def pairs(zh_path: Path):
    """(index, zh cell, en cell) for every cell of a Chinese notebook and its English twin."""
    zh, en = read(zh_path), read(twin(zh_path))
    return list(zip(range(len(zh.cells)), zh.cells, en.cells, strict=False))


def stale(zh_path: Path) -> list[str]:
    """One line per markdown pair whose recorded fingerprints no longer match the sources."""
    out = []
    for i, a, b in pairs(zh_path):
        if a.cell_type != "markdown" or b.cell_type != "markdown":
            continue
        now = {"zh": fingerprint(a.source), "en": fingerprint(b.source)}
        for cell, lang in ((a, "zh"), (b, "en")):
            seen = cell.metadata.get("twin", {})
            if not seen:
                out.append(f"{zh_path.name} cell {i}: the {lang} copy was never stamped")
                break
            changed = [k for k in LANGS if seen.get(k) != now[k]]
            if changed:
                other = "en" if changed == ["zh"] else "zh" if changed == ["en"] else "both"
                out.append(f"{zh_path.name} cell {i}: {lang} copy says {'+'.join(changed)} changed"
                           f" since the last stamp; update {other} and stamp")  # fmt: skip
                break
    return out


def stamp(zh_path: Path, cells: list[int] | None = None) -> int:
    """Record the current fingerprints of the given markdown pairs (all when None) in both files."""
    import nbformat

    zh_nb = nbformat.read(zh_path, as_version=4)
    en_nb = nbformat.read(twin(zh_path), as_version=4)
    done = 0
    for i, (a, b) in enumerate(zip(zh_nb.cells, en_nb.cells, strict=False)):
        if a.cell_type == b.cell_type == "markdown" and (cells is None or i in cells):
            seal = {"zh": fingerprint(a.source), "en": fingerprint(b.source)}
            a.metadata["twin"], b.metadata["twin"] = dict(seal), dict(seal)
            done += 1
    nbformat.write(zh_nb, zh_path)
    nbformat.write(en_nb, twin(zh_path))
    return done


# ---- one code: two code cells may differ only in comments and user-facing strings
def _strings_may_differ(zh: str, en: str) -> bool:
    """A string literal may be translated: its Chinese side holds Chinese text, its English side
    none; format fields and code-like parts are compared by the AST around them."""
    return bool(CJK.search(zh)) and not CJK.search(en)


@functools.cache
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _python(source: str) -> str:
    return _transformer().transform_cell(source)


def code_differences(zh_source: str, en_source: str) -> list[str]:
    """Where two code cells differ beyond comments and translated strings (empty: one code)."""
    try:
        a, b = ast.parse(_python(zh_source)), ast.parse(_python(en_source))
    except SyntaxError as e:
        return [f"does not parse: {e}"]
    problems: list[str] = []
    _compare(a, b, problems)
    return problems


def _compare(a, b, problems: list[str]) -> None:
    if type(a) is not type(b):
        problems.append(
            f"line {getattr(a, 'lineno', '?')}: {type(a).__name__} vs {type(b).__name__}"
        )
        return
    if isinstance(a, ast.JoinedStr) and any(
        isinstance(v, ast.Constant) and CJK.search(v.value) for v in a.values
    ):  # a translated f-string: the same fields, in whatever order the language puts them
        fields = [
            sorted(ast.dump(v) for v in s.values if not isinstance(v, ast.Constant)) for s in (a, b)
        ]
        text_b = "".join(v.value for v in b.values if isinstance(v, ast.Constant))
        if fields[0] != fields[1] or CJK.search(text_b):
            problems.append(f"line {a.lineno}: f-string fields or language differ")
        return
    if isinstance(a, ast.Constant):
        if a.value != b.value and not (
            isinstance(a.value, str)
            and isinstance(b.value, str)
            and _strings_may_differ(a.value, b.value)
        ):
            problems.append(f"line {a.lineno}: {a.value!r} vs {b.value!r}")
        return
    if isinstance(a, list):
        if len(a) != len(b):
            problems.append(f"{len(a)} vs {len(b)} items near {_where(a, b)}")
            return
        for x, y in zip(a, b, strict=True):
            _compare(x, y, problems)
        return
    if isinstance(a, ast.AST):
        for field in a._fields:
            _compare(getattr(a, field, None), getattr(b, field, None), problems)
        return
    if a != b:
        problems.append(f"{a!r} vs {b!r}")


def _where(a: list, b: list) -> str:
    node = next((n for n in a + b if hasattr(n, "lineno")), None)
    return f"line {node.lineno}" if node else "?"


# ---- alignment of markdown pairs
def headings(text: str) -> list[tuple[int, str]]:
    return [(len(m.group(1)), m.group(2).strip()) for m in HEADING.finditer(text)]


def formulas(text: str) -> list[str]:
    return [re.sub(r"\s+", "", f) for f in FORMULA.findall(text)]


def numbers(text: str) -> list[str]:
    """The numbers a prose cell quotes, outside its links, sorted (word order differs)."""
    text = LINK.sub("]()", text)
    text = re.sub(r"https?://\S+", "", text)
    return sorted(n.replace(",", "") for n in NUMBER.findall(text))


def links(text: str) -> list[str]:
    return LINK.findall(text)


def heading_halves(title: str) -> tuple[str, str]:
    left, _, right = title.partition("·")
    return left.strip(), right.strip()


if __name__ == "__main__":
    from tools.nb import ALL

    command, *args = sys.argv[1:] or ["status"]
    if command == "status":
        zh = [p for p in ALL if edition(p) == "zh"]
        lines = [f"{rel(p)}: no English twin yet" for p in zh if not twin(p).exists()]
        lines += [line for p in zh if twin(p).exists() for line in stale(p)]
        print("\n".join(lines) or "every translated cell is stamped and unchanged since")
        sys.exit(1 if lines else 0)
    if command == "stamp":
        path = (ROOT / args[0]).resolve()
        path = path if edition(path) == "zh" else twin(path)
        cells = [int(c) for c in args[1:]] or None
        print(f"stamped {stamp(path, cells)} markdown pairs of {rel(path)} and its twin")
