"""make checks: render each edition's self-check cell from the package autograd_checks and write it
into that edition's workbook (the code cell tagged `checks`, kept collapsed). `--check` only says
which committed cells differ from their rendering; `stamp` records the message catalogues'
fingerprints once their twins say the same thing again (make stamp-messages).

The cell holds the package's modules as text (their code, without the comments and docstrings that
speak to maintainers), in the order their imports need, the edition's message catalogue, and a
loader that runs them as a private package and binds the checks to the notebook's namespace: a
notebook opened alone (on Colab) needs no other file. Its public names are CHECK_TIME_LIMIT,
check_ex1 … and Feedback only.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nb import ROOT, WORKBOOKS, rel  # noqa: E402

PACKAGE = ROOT / "autograd_checks"
CATALOGUES = PACKAGE / "messages"
LOADER = """

def _load_checks(sources):
    # The self-checks package (autograd_checks), one module per source, run as a private package.
    import sys
    import types

    name = "_autograd_checks"
    modules, saved = {}, {k: v for k, v in sys.modules.items() if k.split(".")[0] == name}
    package = types.ModuleType(name)
    package.__path__ = []
    sys.modules[name] = package
    try:
        for module, source in sources.items():
            modules[module] = types.ModuleType(f"{name}.{module}")
            modules[module].__package__ = name
            sys.modules[f"{name}.{module}"] = modules[module]
            code = compile(source, f"<autograd_checks/{module}.py>", "exec")
            exec(code, modules[module].__dict__)
    finally:
        for key in [k for k in sys.modules if k.split(".")[0] == name]:
            del sys.modules[key]
        sys.modules.update(saved)
    texts = {key: text for key, (text, _) in modules["messages"].MESSAGES.items()}
    exercises = [modules[m] for m in sources if m.startswith("ex")]
    return modules["workbook"].bind(globals(), texts, exercises)


_checks = _load_checks(
    {
"""


def modules() -> list[str]:
    """The package's modules (less __init__ and the catalogues), each after the ones it imports."""
    names = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    needs = {}
    for name in names:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        needs[name] = {
            (n.module or "").split(".")[0] or a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.level == 1
            for a in n.names
        } & set(names)
    order: list[str] = []
    while len(order) < len(names):
        ready = [n for n in names if n not in order and needs[n] <= set(order)]
        if not ready:
            raise SystemExit(f"autograd_checks: circular imports among {sorted(set(names) - set(order))}")  # fmt: skip
        order.append(min(ready, key=_reading_order))
    return order


def _reading_order(name: str) -> tuple:
    """The shared machinery first, then the exercises by number (ex2 before ex10)."""
    number = re.match(r"ex(\d+)_", name)
    return (1, int(number.group(1)), name) if number else (0, 0, name)


def bare(source: str) -> str:
    """The module's code without its comments and docstrings (they speak to maintainers): what
    the cell holds. A body that was only a docstring becomes `pass`."""
    tree = ast.parse(source)
    dropped: dict[int, str | None] = {}  # line: None (drop) or what replaces it
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not body or not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):  # fmt: skip
            continue
        doc = body[0]
        if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str):  # fmt: skip
            for line in range(doc.lineno, doc.end_lineno + 1):
                dropped[line] = None
            if len(body) == 1:
                dropped[doc.lineno] = " " * doc.col_offset + "pass\n"
    comments = {t.start[0]: t.start[1] for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT}  # fmt: skip
    out: list[str] = []
    for number, line in enumerate(source.splitlines(True), 1):
        if number in dropped:
            if dropped[number] is not None:
                out.append(dropped[number])
            continue
        if number in comments:
            line = line[: comments[number]].rstrip()
            if not line:
                continue
            line += "\n"
        if line.strip() or (out and out[-1].strip()):  # at most one blank line in a row
            out.append(line)
    return "".join(out).strip("\n") + "\n"


def _literal(name: str, source: str) -> str:
    """The source as a raw triple-quoted string, in the quotes ruff's formatter keeps."""
    quote = '"' * 3 if '"' * 3 not in source else "'" * 3
    if quote in source or source.endswith("\\") or not source.endswith("\n"):
        raise SystemExit(f"autograd_checks/{name}: cannot be held as a raw string (see tools/checks.py)")  # fmt: skip
    return f'        "{name}": r{quote}{source}{quote},\n'


def render(lang: str) -> str:
    """The checks cell of the edition `lang`."""
    from autograd_checks import NUMBERS, messages
    from autograd_checks.workbook import DEFAULT_TIME_LIMIT

    words = messages.texts(lang)
    head = [f"# @title {words['cell.title']}", f"# {words['cell.about']}", f"# {words['cell.limit']}"]  # fmt: skip
    head.append(f"CHECK_TIME_LIMIT = {DEFAULT_TIME_LIMIT}  # {words['cell.unit']}")
    sources = {m: bare((PACKAGE / f"{m}.py").read_text(encoding="utf-8")) for m in modules()}
    sources["messages"] = bare((CATALOGUES / f"{lang}.py").read_text(encoding="utf-8"))
    body = "".join(_literal(name, source) for name, source in sources.items())
    names = [*(f"check_ex{n}" for n in NUMBERS), "Feedback"]
    public = "".join(f'{name} = _checks["{name}"]\n' for name in names)
    return "\n".join(head) + "\n" + LOADER + body + "    }\n)\n" + public + "del _checks"


def _checks_cell(nb):
    (cell,) = [c for c in nb.cells if "checks" in c.metadata.get("tags", [])]
    return cell


def differences() -> list[Path]:
    """The workbooks whose committed checks cell is not their rendering."""
    import nbformat

    return [
        path
        for lang, path in WORKBOOKS.items()
        if _checks_cell(nbformat.read(path, as_version=4)).source != render(lang)
    ]


def write() -> list[Path]:
    import nbformat

    changed = []
    for lang, path in WORKBOOKS.items():
        nb = nbformat.read(path, as_version=4)
        cell, source = _checks_cell(nb), render(lang)
        cell.metadata.update({"cellView": "form", "jupyter": {"source_hidden": True}})
        if cell.source != source:
            cell.source, cell.outputs, cell.execution_count = source, [], cell.execution_count
            nbformat.write(nb, path)
            changed.append(path)
    return changed


_ENTRY = re.compile(r'^(    "(?P<key>[^"]+)": \((?P<text>.*), ")(?P<fp>[0-9a-f]{12})("\),)$', re.M)


# Every package of message catalogues: the checks' own and the grader's.
CATALOGUE_PACKAGES = {"autograd_checks.messages": CATALOGUES, "grader.messages": ROOT / "grader" / "messages"}  # fmt: skip


def stamp() -> int:
    """Rewrite every catalogue's recorded fingerprints from its twins' current texts."""
    return sum(_stamp(package, folder) for package, folder in CATALOGUE_PACKAGES.items())


def _stamp(package: str, folder: Path) -> int:
    from autograd_checks import messages

    catalogues = messages.catalogues(package)
    done = 0
    for lang in catalogues:
        path = folder / f"{lang}.py"
        text = path.read_text(encoding="utf-8")

        def seal(m: re.Match, lang: str = lang) -> str:
            nonlocal done
            done += 1
            fp = messages.twins_fingerprint(m.group("key"), lang, catalogues)
            return m.group(1) + fp + m.group(5)

        path.write_text(_ENTRY.sub(seal, text), encoding="utf-8")
    return done


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "write"
    if command == "--check":
        found = [f"{rel(p)}: its checks cell is not its rendering (run `make checks`)" for p in differences()]  # fmt: skip
        print("\n".join(found) or "every workbook's checks cell is its rendering")
        sys.exit(1 if found else 0)
    if command == "stamp":
        print(f"stamped {stamp()} messages")
    else:
        written = write()
        print(
            "\n".join(f"rendered {rel(p)}" for p in written) or "every checks cell was up to date"
        )
