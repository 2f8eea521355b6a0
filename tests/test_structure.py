"""Every notebook's structure, without a kernel: a fresh run, no stray errors or paths, its title,
helpers collapsed, the install guard, the book's order, APIs taught before use, a generated README."""

from __future__ import annotations

import io
import re
import tokenize

import nbformat
import pytest

from tools import nb, readme
from tools.editions import CJK

PATH_LEAK = re.compile(r"(/root/|/home/\w|/tmp/|/work/|/Users/\w|[A-Z]:\\\\Users|site-packages)")
READING_ORDER = """2.5.1-a-simple-example 2.5.2-backward-for-non-scalar-variables
2.5.3-detaching-computation 2.5.4-gradients-and-python-control-flow
2.5.4x-extension-computation-graphs-and-backprop 2.5.5-exercises""".split()
# The lesson that introduces each API; its prose must name it before a code cell uses it. "2.5.1+"
# means the optional part after 2.5.1's summary (`## 深入（选读）` / `## Going deeper (optional)`):
# what the book's section does not have is taught there, and the core path of every later notebook
# must not use such an API unless that notebook's own prose teaches it first.
TAUGHT_IN = """
2.5.1  requires_grad backward .grad zero_ grad_fn
2.5.1+ retain_grad is_leaf register_post_accumulate_grad_hook data_ptr zero_grad set_to_none
2.5.2  gradient=
2.5.2+ jacobian
2.5.3  .detach
2.5.3+ no_grad _version inference_mode
2.5.4+ next_functions
2.5.4x autograd.grad retain_graph create_graph saved_tensors_hooks forward_ad
"""
INTRODUCED = [
    (n, row.split()[0]) for row in TAUGHT_IN.strip().splitlines() for n in row.split()[1:]
]
# Headings in one language per edition (the twin link in the title cell leads to the other one).
DEEPER = {"zh": "## 深入（选读）", "en": "## Going deeper (optional)"}
SUMMARY = {"zh": "## 小结", "en": "## Summary"}
BOOK = {"zh": "自动微分", "en": "Automatic Differentiation"}  # the section's name in each book
each_notebook = pytest.mark.parametrize("path", nb.ALL, ids=nb.rel)
each_edition = pytest.mark.parametrize("lang", [e for e in nb.EDITIONS if nb.lessons(e)])


@each_edition
def test_lessons_come_in_the_books_order(lang):
    assert [p.stem for p in nb.lessons(lang)] == READING_ORDER


@each_notebook
def test_recorded_by_a_fresh_run_without_stray_errors_or_paths(path):
    assert nbformat.validate(nbformat.read(path, as_version=nbformat.NO_CONVERT)) is None
    notebook = nb.read(path)
    assert notebook.metadata.kernelspec.name == "python3"
    cells, where = nb.code_cells(notebook), nb.rel(path)
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(counts) + 1)), f"{where}: run `make execute NB={where}`"
    for i, cell in enumerate(cells, 1):
        errors = [o.ename for o in cell.outputs if o.output_type == "error"]
        assert not errors or "raises-exception" in nb.tags(cell), f"{where} [{i}] {errors}"
        stderr = [o.text for o in cell.outputs if o.get("name") == "stderr"]
        assert not stderr, f"{where} [{i}] wrote to stderr (a warning?): {stderr[0]!r}"
        for text in nb.output_texts(cell) + [str(o.get("traceback", "")) for o in cell.outputs]:
            assert not PATH_LEAK.search(text), f"{where} [{i}] output shows a machine path"


@each_notebook
def test_title_cell(path):
    """A title line in the edition's own language, the book's name, the notebook's own Colab badge
    and a link to its twin in the other edition; then what the notebook teaches (or the exercise)."""
    text, lang = nb.read(path).cells[0].source, nb.edition(path)
    number, own = nb.title_line(path)
    assert text.startswith(f"# {number} {own}\n") and "·" not in own, f"{nb.rel(path)}: {own!r}"
    assert bool(CJK.search(own)) == (lang == "zh"), f"{nb.rel(path)}: a title in another language"
    assert nb.title(path)["en"][0].isupper()
    other = {"zh": "en", "en": "zh"}[lang]
    twin = {"zh": "**English edition:**", "en": "**中文版：**"}[lang]
    for part in ("colab-badge.svg", BOOK[lang], twin, f"](../{other}/{path.name})"):
        assert part in text, f"{nb.rel(path)}: the title cell lacks {part!r}"
    learn = {"zh": ("你将学到", "题目"), "en": ("What you will learn", "The exercise")}[lang]
    assert any(word in text for word in learn), f"{nb.rel(path)}: say what it teaches"


@each_notebook
def test_headings_in_one_language(path):
    """One language per edition: no bilingual '中文 · English' headings (they doubled the table of
    contents and put Chinese anchors into English links); an English heading holds no Chinese."""
    lang = nb.edition(path)
    for cell in (c for c in nb.read(path).cells if c.cell_type == "markdown"):
        for line in (ln for ln in cell.source.splitlines() if ln.startswith("#")):
            assert " · " not in line, f"{nb.rel(path)}: a bilingual heading {line!r}"
            assert lang == "zh" or not CJK.search(line), f"{nb.rel(path)}: Chinese in {line!r}"


@each_notebook
def test_long_helper_cells_are_collapsed(path):
    """A helper longer than a screen shows only its # @title line (JupyterLab and Colab); code
    that is itself the lesson (the from-scratch engine) is tagged `lesson` and shown."""
    for cell in nb.code_cells(nb.read(path)):
        if cell.source.count("\n") >= 40 and "lesson" not in nb.tags(cell):
            assert cell.source.startswith("# @title "), f"{nb.rel(path)}: needs a # @title line"
            assert cell.metadata.jupyter.source_hidden and cell.metadata.cellView == "form"


@each_notebook
def test_self_contained_and_guarded(path):
    """On Colab a notebook opens alone; where it imports d2l, it installs it there first."""
    cells = nb.code_cells(nb.read(path))
    outside = r"sys\.path\.(insert|append)|%run |from (tests|tools)\b|open\(['\"]\.\./"
    assert not any(re.search(outside, c.source) for c in cells)
    if any(re.search(r"^\s*(from d2l|import d2l)", c.source, re.M) for c in cells):
        setup = cells[0].source
        assert 'if "google.colab" in sys.modules:' in setup and nb.INSTALL_GUARD in setup
        assert setup.index(nb.INSTALL_GUARD) < setup.index("d2l import")


def _code_words(code: str) -> str:
    """The code without its comments: '# 2.5.3 讲 no_grad' is not a use of no_grad. The rest is
    kept as written, so dotted names (`x.grad`, `autograd.grad`) and `gradient=` still match."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code
    lines = code.splitlines(keepends=True)
    for token in (t for t in tokens if t.type == tokenize.COMMENT):  # at most one a line
        row, col = token.start
        lines[row - 1] = lines[row - 1][:col] + "\n"
    return "".join(lines)


def _core_and_deeper(path) -> tuple[list, list]:
    """The notebook's cells (less the workbook's checks) before and from its `## 深入` heading."""
    cells = [c for c in nb.read(path).cells if "checks" not in nb.tags(c)]
    starts = [i for i, c in enumerate(cells) if c.source.startswith(DEEPER[nb.edition(path)])]
    return (cells[: starts[0]], cells[starts[0] :]) if starts else (cells, [])


def _taught_before_used(cells, name, use) -> bool:
    """Some prose names `name`, and none of the code uses it before the first such prose."""
    prose = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and name in c.source]
    code = [i for i, c in enumerate(cells) if _uses([c], use)]
    return bool(prose) and (not code or prose[0] < code[0])


def _uses(cells, use) -> bool:
    return any(c.cell_type == "code" and use.search(_code_words(c.source)) for c in cells)


@each_edition
@pytest.mark.parametrize("name, lesson", INTRODUCED, ids=[n for n, _ in INTRODUCED])
def test_no_notebook_uses_an_api_before_a_lesson_teaches_it(name, lesson, lang):
    use = re.compile(re.escape(name) + (r"\b" if name[-1].isalnum() or name[-1] == "_" else ""))
    deeper_only = lesson.endswith("+")
    notebooks, lessons = nb.lessons(lang) + nb.solutions(lang), nb.lessons(lang)
    teacher = next(p for p in notebooks if p.name.startswith(lesson.rstrip("+") + "-"))
    for path in notebooks[: notebooks.index(teacher)]:
        early = sum(_core_and_deeper(path), [])
        assert not _uses(early, use), (
            f"{nb.rel(path)} uses {name} before {nb.rel(teacher)} teaches it"
        )
    core, deeper = _core_and_deeper(teacher)
    if not deeper_only:
        assert _taught_before_used(core, name, use), f"{nb.rel(teacher)}: {name} used first"
        return
    assert deeper, f"{nb.rel(teacher)} has no '{DEEPER[lang]}' part to teach {name}"
    assert not _uses(core, use), f"{nb.rel(teacher)}: {name} is taught in the optional part only"
    assert _taught_before_used(deeper, name, use), f"{nb.rel(teacher)}: {name} used first"
    for path in lessons[lessons.index(teacher) + 1 :]:  # the later notebooks' core path
        core = _core_and_deeper(path)[0][
            1:
        ]  # a title cell's outline of its optional part teaches nothing
        assert not _uses(core, use) or _taught_before_used(core, name, use), (
            f"{nb.rel(path)} uses {name}, taught only in {nb.rel(teacher)}'s optional part"
        )


@pytest.mark.parametrize("path", [p for e in nb.EDITIONS for p in nb.lessons(e)[:5]], ids=nb.rel)
def test_optional_parts_come_after_the_summary_and_say_so(path):
    """The book's path ends at 小结; what goes beyond the book follows it, visibly optional."""
    lang = nb.edition(path)
    headings = [c.source.splitlines()[0] for c in nb.read(path).cells if c.cell_type == "markdown"]
    summary, deeper = headings.index(SUMMARY[lang]), headings.index(DEEPER[lang])
    assert summary < deeper and not any(h.startswith("## ") for h in headings[deeper + 1 :])
    note = _core_and_deeper(path)[1][0].source
    words = {"zh": ("选读", "小结"), "en": ("optional", "summary")}[lang]
    assert all(w in note for w in words), f"{nb.rel(path)}: say the core is complete without it"


def test_readme_tables_and_badges_are_generated_from_the_notebooks():
    text = (nb.ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.render(text) == text, "README tables are stale: run `make readme`"
    assert not readme.stale_badges(), "a notebook's Colab badge is stale: run `make readme`"
    assert all(f"]({nb.rel(p)})" in text for p in nb.ALL)


def test_sanitizer_pairs_are_all_active():
    """A `replace:` line that lost its trailing text silently disables its pair."""
    regex_lines = [ln for ln in nb.SANITIZER.read_text().splitlines() if ln.startswith("regex:")]
    assert len(nb.sanitizer()) == len(regex_lines) and all(r.strip() for _, r in nb.sanitizer())


def test_names_sort_in_reading_order_past_nine():
    """Notebooks are listed by their numbers' values: a tenth exercise comes after the ninth."""
    from pathlib import Path

    names = ["2.5.5-ex10-x.ipynb", "2.5.5-ex9-x.ipynb", "2.5.5-ex2-x.ipynb", "2.5.5-ex1-x.ipynb"]
    found = [p.name for p in sorted(map(Path, names), key=nb.reading_order)]
    assert found == [
        "2.5.5-ex1-x.ipynb",
        "2.5.5-ex2-x.ipynb",
        "2.5.5-ex9-x.ipynb",
        "2.5.5-ex10-x.ipynb",
    ]
    assert [p.name for p in nb.solutions("zh")] == sorted(
        (p.name for p in nb.solutions("zh")), key=lambda n: nb.reading_order(Path(n))
    )
