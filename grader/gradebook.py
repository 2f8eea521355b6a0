"""The class's results: gradebook.csv for the teacher (notes in English) and one feedback file per
student, in the student's language. Whatever a submission held, this writes: a file name or a note
is text to quote, never a spreadsheet formula, a path or a lone surrogate."""

from __future__ import annotations

import csv
import re
import statistics
from pathlib import Path

from autograd_checks import NUMBERS

from .judge import Result
from .notes import words
from .submission import CONTROL

COLUMNS = ["file", "edition", *(f"ex{n}" for n in NUMBERS), "total", "notes"]
FORMULA = re.compile(r"^[=+\-@\t\r]")


def cell(text: str) -> str:
    """A CSV field a spreadsheet shows as text: no leading =, +, -, @ (formula injection), no lone
    surrogates."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    text = CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
    return "'" + text if FORMULA.match(text) else text


def _stem(name: str, taken: set[str]) -> str:
    """A feedback file's name for a submission: its stem, with anything a path or a shell would
    read as more than a name replaced; unique within the class."""
    stem = name[:-6] if name.endswith(".ipynb") else name
    stem = re.sub(r"[^\w\-. ()\[\]]", "_", stem).strip(". ") or "submission"
    found, k = _cut(stem, 200), 2
    while found.lower() in taken:
        found, k = f"{_cut(stem, 190)}-{k}", k + 1
    taken.add(found.lower())
    return found


def _cut(text: str, size: int) -> str:
    """The text's longest prefix of at most `size` bytes in UTF-8 (a file name's limit is 255)."""
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")


def write(results: list[Result], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in results:
            notes = words("en")["sep"].join(n.say("en") for n in r.notes)
            writer.writerow([cell(r.file), r.edition, *r.points.values(), r.total, cell(notes)])
    folder = out / "feedback"
    folder.mkdir(exist_ok=True)
    taken: set[str] = set()
    for r in results:  # in the student's language; both, if the file could not be read
        text = "\n\n".join(feedback(r, lang) for lang in ([r.edition] if r.edition else ["zh", "en"]))  # fmt: skip
        text = text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n"
        for name in (f"{_stem(r.file, taken)}.txt", f"submission-{len(taken):03d}.txt"):
            try:
                (folder / name).write_text(text, encoding="utf-8")
                break
            except OSError:
                continue


def feedback(r: Result, lang: str) -> str:
    w = words(lang)
    lines = [w["title"].format(file=r.file), w["score"].format(total=r.total, out_of=len(NUMBERS)), ""]  # fmt: skip
    for n in NUMBERS:
        lines.append(w["exercise"].format(n=n) + ": " + " ".join(r.messages.get(n, [w["not_graded"]])))  # fmt: skip
    if r.workbook and r.workbook != r.edition:
        lines += ["", w["edition"].format(edition=r.workbook)]
    if r.notes:
        lines += ["", f"{w['notes']}: " + w["sep"].join(n.say(lang) for n in r.notes)]
    return "\n".join(lines)


def summary(results: list[Result], seconds: float, workers: int, mode: str, isolation: str, seed: str) -> str:  # fmt: skip
    n = len(results)
    lines = [f"graded {n} submissions in {seconds:.1f} s, {workers} at a time",
             f"isolation ({mode}): {isolation}", f"hidden tests drawn with --seed {seed}", "",
             "score distribution:"]  # fmt: skip
    totals = [r.total for r in results]
    for score in range(len(NUMBERS) + 1):
        count = totals.count(score)
        lines.append(f"  {score:2d}  {'#' * count:<20} {count}")
    if totals:
        lines.append(f"  mean {statistics.mean(totals):.2f}, median {statistics.median(totals)}")
    lines.append("pass rate per exercise:")
    lines.append("  " + "  ".join(f"ex{e} {sum(r.points[e] for r in results) / max(n, 1):4.0%}" for e in NUMBERS))  # fmt: skip
    flagged = [r for r in results if r.notes]
    lines.append(f"{len(flagged)} submissions with notes (see gradebook.csv)")
    return "\n".join(lines)
