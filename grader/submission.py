"""A submission as data: the file read without trusting anything in it (a link, a device, a
truncated or 100,000-deep JSON, cells that are lists or numbers, lone surrogates, a Windows zip's
file name), its edition, and the plan of what its kernel runs. Also the repository's workbooks,
each edition's, whose check calls and starter cells the grader judges by.

Nothing read here is ever run in the grader's process: the cells run in the student's sandboxed
kernel (grader/kernel.py); the judge reads only their text.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import re
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .limits import Limits
from .notes import Note

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u9fff]")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
CHECK_CALL = re.compile(r"^\s*check_ex(\d+)\(.*\)\s*$")
# The title cell: '# 2.5.5 练习' and a link to the twin labelled '**English edition:**' in the Chinese
# workbook; '# 2.5.5 Exercises' and '**中文版：**' in the English one (older workbooks: a bilingual
# title, '# 2.5.5 练习 · Exercises', whose first half tells).
TITLE = re.compile(r"^#\s+2\.5\.5\s+(?P<first>[^·\n]*)", re.M)
TWIN_LINK = {"zh": "**English edition:**", "en": "**中文版：**"}
INTERNALS = {  # what honest answers never need, and a forged pass would: its points are not counted
    "ctypes": r"\bctypes\b", "sys._getframe": r"\b_getframe\b", "gc": r"\bgc\.(get_objects|get_referrers|get_referents)\b",
    "a finalizer (__del__)": r"def\s+__del__\b", "the kernel object": r"get_ipython\(\)\s*\.\s*kernel\b",
    "sys.modules": r"(?<!in )\bsys\.modules\b", "a trace hook": r"\bset(trace|profile)\b",
    "__torch_function__": r"__torch_function__", "builtins": r"\bbuiltins\s*\.\s*\w+\s*=",
    "torch's functions": r"(?m)^[ \t]*torch(\.\w+)+[ \t]*=[^=]", "IPython's hooks": r"get_ipython\(\)\s*\.\s*(events|input_transformers|ast_transformers|set_hook)",
}  # fmt: skip


def display_name(path: Path) -> tuple[str, Note | None]:
    """The file's name as a teacher reads it: bytes that are not UTF-8 (a Windows zip's Chinese
    names are GBK) are read as GB18030 when they make sense so, else shown escaped."""
    raw = os.fsencode(path.name)
    try:
        name, note = raw.decode("utf-8"), None
    except UnicodeDecodeError:
        try:
            name, note = raw.decode("gb18030"), Note("name_not_utf8", encoding="GB18030")
        except UnicodeDecodeError:
            name, note = raw.decode("utf-8", "backslashreplace"), Note("name_not_utf8", encoding="UTF-8, escaped")  # fmt: skip
    # control characters (a terminal's escape sequences) are shown, never sent to a terminal
    return CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), name), note


@dataclass
class Cell:
    kind: str
    source: str
    tags: list[str] = field(default_factory=list)


def _text(value) -> str | None:
    """A cell's source: a string or a list of strings; lone surrogates replaced."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "".join(value)
    if not isinstance(value, str):
        return None
    return value.encode("utf-8", "replace").decode("utf-8")


def digest(path: Path, limits: Limits) -> str | None:
    """The sha256 of a regular file no larger than the limit (what `read` would open), else None."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or not 0 < info.st_size <= limits.max_bytes:
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            return hashlib.sha256(f.read(limits.max_bytes + 1)).hexdigest()
    except Exception:  # noqa: BLE001 - a file that cannot be read has no copies
        return None


def read(path: Path, limits: Limits) -> tuple[list[Cell] | None, list[Note]]:
    """The submission's cells, or None and why; and what the teacher should know about the file."""
    try:
        info = os.lstat(path)
    except OSError:
        return None, [Note("not_a_file")]
    if stat.S_ISLNK(info.st_mode):
        return None, [Note("symlink")]
    if not stat.S_ISREG(info.st_mode):
        return None, [Note("not_a_file")]
    if info.st_size == 0:
        return None, [Note("empty")]
    if info.st_size > limits.max_bytes:
        return None, [Note("too_large", mb=limits.max_bytes >> 20)]
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            data = f.read(limits.max_bytes + 1)
    except OSError:
        return None, [Note("not_a_file")]
    if len(data) > limits.max_bytes:
        return None, [Note("too_large", mb=limits.max_bytes >> 20)]
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, [Note("not_json")]
    raw = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(raw, list):
        return None, [Note("no_cells")]
    cells, malformed = [], []
    for i, cell in enumerate(raw, 1):
        source = _text(cell.get("source", "")) if isinstance(cell, dict) else None
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        if source is None or not isinstance(kind, str):
            malformed.append(i)
            continue
        metadata = cell.get("metadata")
        tags = metadata.get("tags") if isinstance(metadata, dict) else None
        tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        cells.append(Cell(kind, source, tags))
    return cells, [Note("malformed_cells", cells=malformed)] if malformed else []


def edition(cells: list[Cell]) -> str:
    """'zh' or 'en': which edition's workbook the submission was made from, told by its title cell
    (the label of the link to the other edition; else the language of the title), else by the share
    of Chinese in its prose."""
    for cell in cells:
        if cell.kind != "markdown" or not (title := TITLE.search(cell.source)):
            continue
        links = [lang for lang, label in TWIN_LINK.items() if label in cell.source]
        if len(links) == 1:
            return links[0]
        return "zh" if CJK.search(title.group("first")) else "en"
    text = "".join(c.source for c in cells if c.kind == "markdown")
    cjk, latin = len(CJK.findall(text)), len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk > 0.1 * (cjk + latin) else "en"


# ---------------------------------------------------------------- the repository's workbooks
@dataclass
class Workbook:
    """What the grader takes from an edition's workbook: its check calls (the names each check is
    called with), its starter cells, and every published version of its checks cell."""

    path: Path
    language: str
    calls: dict[int, list[str]]
    starters: dict[int, str]
    published: frozenset[str]

    @classmethod
    def load(cls, path: Path, language: str) -> Workbook:
        cells = [c for c in _cells(path.read_text(encoding="utf-8")) if c.kind == "code"]
        calls, starters = {}, {}
        for before, cell in zip(cells, cells[1:]):
            if m := CHECK_CALL.match(cell.source):
                node = ast.parse(cell.source.strip(), mode="eval").body
                calls[int(m.group(1))] = [a.id for a in node.args]
                starters[int(m.group(1))] = before.source.strip()
        return cls(path, language, calls, starters, published())


def _cells(text: str) -> list[Cell]:
    found = []
    for c in json.loads(text).get("cells", []):
        source = _text(c.get("source", "")) or ""
        found.append(Cell(c.get("cell_type", ""), source, list(c.get("metadata", {}).get("tags", []))))  # fmt: skip
    return found


def workbooks() -> dict[str, Path]:
    from tools.nb import WORKBOOKS

    return dict(WORKBOOKS)


OLD_PATHS = ["notebooks/2.5.5-exercises.ipynb"]  # where the workbook was before the editions


@functools.cache
def published() -> frozenset[str]:
    """The checks cell of each edition now and in every commit of the repository (a student may
    have downloaded an older workbook, of either edition: that is not an edit). Both editions'
    histories, through renames (`git log --follow`), and the workbook's path before the editions;
    only the current cells if there is no git."""
    paths = list(workbooks().values())
    current = {c.source.strip() for p in paths for c in _cells(p.read_text(encoding="utf-8")) if "checks" in c.tags}  # fmt: skip
    git = ["git", "-C", str(ROOT)]
    blobs = set()
    for path in [p.relative_to(ROOT).as_posix() for p in paths] + OLD_PATHS:
        log = subprocess.run([*git, "log", "--format=%H", "--name-only", "--follow", "--", path],
                             capture_output=True, text=True)  # fmt: skip
        commit = None
        for line in log.stdout.splitlines():
            if re.fullmatch(r"[0-9a-f]{40}", line):
                commit = line
            elif line.strip() and commit:
                blobs.add(f"{commit}:{line.strip()}")
    if not blobs:
        return frozenset(current)
    shown = subprocess.run([*git, "cat-file", "--batch"], input="\n".join(sorted(blobs)).encode() + b"\n",
                           capture_output=True).stdout  # fmt: skip
    found, at = set(current), 0
    while at < len(shown):  # '<sha> blob <size>\n<content>\n' for each, or '<name> missing\n'
        end = shown.index(b"\n", at)
        parts, at = shown[at:end].split(), end + 1
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        body, at = shown[at : at + int(parts[2])], at + int(parts[2]) + 1
        try:
            found |= {c.source.strip() for c in _cells(body.decode("utf-8")) if "checks" in c.tags}
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return frozenset(found)


# ---------------------------------------------------------------- what the kernel runs
@dataclass
class Step:
    """One step of a submission's run: a code cell of the student's ('cell': its number among the
    code cells, its source), or a check of exercise n ('check': the expressions its call passes,
    as the student's check cell wrote them, or the workbook's names where it has none)."""

    kind: str
    number: int
    source: str = ""
    args: list[str] = field(default_factory=list)


def _calls(source: str) -> list[tuple[int, list[str]]] | None:
    """[(n, argument expressions)] for a cell of check calls only ('check_ex5(x, dy_dx)'), else None."""
    lines = source.strip().splitlines()
    if not lines or not all(CHECK_CALL.match(line) for line in lines):
        return None
    found = []
    for line in lines:
        try:
            node = ast.parse(line.strip(), mode="eval").body
        except SyntaxError:
            return None
        if not isinstance(node, ast.Call) or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):  # fmt: skip
            return None
        args = [ast.get_source_segment(line.strip(), a) for a in node.args]
        found.append((int(CHECK_CALL.match(line).group(1)), args))
    return found


def plan(cells: list[Cell], wb: Workbook, stand_ins: str) -> tuple[list[Step], list[Note]]:
    """The steps of the run, and notes. Cells run in order, the checks cell replaced by
    `stand_ins` (the judge runs the repository's checks, in its own process); each check cell of
    the student's becomes the check of its exercise, right there, with the student's own call (as
    in the workbook); an exercise whose check cell is gone is checked at the end."""
    steps, notes, replaced = [], [], False
    code = [c for c in cells if c.kind == "code"]
    for number, cell in enumerate(code, 1):
        src = cell.source
        if "checks" in cell.tags or src.count("def check_ex") > 3 or "_load_checks(" in src:
            if src.strip() not in wb.published:
                notes.append(Note("checks_edited"))
            if not replaced:
                steps.append(Step("cell", number, stand_ins))
                replaced = True
            continue
        calls = _calls(src)
        if calls is not None:
            steps += [Step("check", n, args=args) for n, args in calls if n in wb.calls]
            continue
        if re.search(r"^[ \t]*(def[ \t]+check_ex\d+|check_ex\d+[ \t]*=)", src, re.M):
            notes.append(Note("redefines", cell=number))
        if re.search(r"(print|display|write)[ \t]*\(.*✓", src):
            notes.append(Note("own_tick", cell=number))
        touched = [what for what, pattern in INTERNALS.items() if re.search(pattern, src)]
        if touched:
            notes.append(Note("internals", cell=number, what=touched))
        steps.append(Step("cell", number, src))
    if not replaced:
        steps.insert(0, Step("cell", 0, stand_ins))
    checked = {s.number for s in steps if s.kind == "check"}
    steps += [
        Step("check", n, args=list(wb.calls[n])) for n in sorted(wb.calls) if n not in checked
    ]
    return steps, list(dict.fromkeys(notes))
