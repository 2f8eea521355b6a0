"""Structure of every notebook, checked without a kernel: a fresh top-to-bottom run, no stray
errors or machine paths, a bilingual title with its own Colab badge, the Colab install guard
where d2l is imported, lessons that teach each API before using it, and a README generated
from the notebooks themselves."""

from __future__ import annotations

import io
import re
import tokenize

import nbformat
import pytest

from tools import readme
from tools.nb import (
    ALL,
    INSTALL_GUARD,
    LESSONS,
    ROOT,
    SANITIZER,
    code_cells,
    ids,
    output_texts,
    read,
    rel,
    sanitizer,
    tags,
    title,
)

PATH_LEAK = re.compile(r"(/root/|/home/\w|/tmp/|/work/|/Users/\w|[A-Z]:\\\\Users|site-packages)")
READING_ORDER = [
    "2.5.1-a-simple-example",
    "2.5.2-backward-for-non-scalar-variables",
    "2.5.3-detaching-computation",
    "2.5.4-gradients-and-python-control-flow",
    "2.5.4x-extension-computation-graphs-and-backprop",
    "2.5.5-exercises",
]
# (what students see, regex of its use in code, the lesson that introduces it)
INTRODUCED = [
    ("requires_grad", r"requires_grad", "2.5.1"),
    ("backward()", r"\.backward\(", "2.5.1"),
    (".grad", r"\.grad\b", "2.5.1"),
    ("retain_grad()", r"retain_grad\(", "2.5.1"),
    ("zero_()", r"\.zero_\(", "2.5.1"),
    ("zero_grad", r"zero_grad", "2.5.1"),
    ("gradient=", r"gradient=", "2.5.2"),
    ("jacobian", r"jacobian", "2.5.2"),
    ("detach()", r"\.detach\(", "2.5.3"),
    ("no_grad", r"no_grad", "2.5.3"),
    ("inference_mode", r"inference_mode", "2.5.3"),
    ("grad_fn", r"grad_fn", "2.5.1"),
    ("next_functions", r"next_functions", "2.5.4"),
    ("torch.autograd.grad", r"autograd\.grad\(", "2.5.4x"),
    ("retain_graph", r"retain_graph", "2.5.4x"),
    ("create_graph", r"create_graph", "2.5.4x"),
    ("saved_tensors_hooks", r"saved_tensors_hooks", "2.5.4x"),
    ("forward_ad", r"forward_ad", "2.5.4x"),
]
nb_param = pytest.mark.parametrize("path", ALL, ids=ids(ALL))


def test_lessons_come_in_the_books_order():
    assert [p.stem for p in LESSONS] == READING_ORDER


@nb_param
def test_valid_nbformat4_with_python3_kernel(path):
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert nb.nbformat == 4
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@nb_param
def test_recorded_by_a_fresh_run_without_stray_errors_or_paths(path):
    cells = code_cells(read(path))
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{rel(path)}: execution counts {counts}; re-run it with `make execute NB={rel(path)}`"
    )
    for i, cell in enumerate(cells, 1):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors or "raises-exception" in tags(cell), (
            f"{rel(path)} [{i}] recorded {errors[0].ename}"
        )
        stderr = [o.text for o in cell.outputs if o.get("name") == "stderr"]
        assert not stderr, f"{rel(path)} [{i}] wrote to stderr (a warning?): {stderr[0]!r}"
        for text in output_texts(cell) + [str(o.get("traceback", "")) for o in cell.outputs]:
            leak = PATH_LEAK.search(text)
            assert not leak, f"{rel(path)} [{i}] output shows a machine path: {leak.group(0)!r}"


@nb_param
def test_title_cell(path):
    text = read(path).cells[0].source
    assert title(path)["en"][0].isupper()
    for part in ("colab-badge.svg", "English summary", "自动微分（自动求导）"):
        assert part in text, f"{rel(path)}: the title cell lacks {part!r}"
    assert "你将学到" in text or "题目" in text


@nb_param
def test_long_helper_cells_are_collapsed(path):
    """A helper longer than a screen shows only its # @title line (JupyterLab and Colab);
    code that is itself the lesson (the from-scratch engine) is tagged `lesson` and shown."""
    for cell in code_cells(read(path)):
        if cell.source.count("\n") >= 40 and "lesson" not in tags(cell):
            assert cell.source.startswith("# @title "), (
                f"{rel(path)}: a long cell needs a '# @title' line"
            )
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True
            assert cell.metadata.get("cellView") == "form"


@nb_param
def test_self_contained_and_guarded(path):
    """On Colab a notebook opens alone; where it imports d2l, it installs it there first."""
    cells = code_cells(read(path))
    for cell in cells:
        assert not re.search(
            r"sys\.path\.(insert|append)|%run |from (tests|tools)\b|open\(['\"]\.\./", cell.source
        )
    if any(re.search(r"^\s*(from d2l|import d2l)", c.source, re.M) for c in cells):
        setup = cells[0].source
        assert 'if "google.colab" in sys.modules:' in setup and INSTALL_GUARD in setup, rel(path)
        assert setup.index(INSTALL_GUARD) < setup.index("d2l import"), rel(path)


def _code_words(code: str) -> str:
    """The code without its comments (so '# 2.5.3 讲 no_grad' is not a use of no_grad)."""
    try:
        toks = tokenize.generate_tokens(io.StringIO(code).readline)
        return " ".join(t.string for t in toks if t.type != tokenize.COMMENT)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code


@pytest.mark.parametrize("name, pattern, lesson", INTRODUCED, ids=[i[0] for i in INTRODUCED])
def test_no_notebook_uses_an_api_before_a_lesson_teaches_it(name, pattern, lesson):
    order = [p for p in ALL]
    teacher = next(p for p in order if p.name.startswith(lesson + "-"))
    for path in order[: order.index(teacher) + 1]:
        cells = [c for c in read(path).cells if "checks" not in tags(c)]
        uses = [
            i
            for i, c in enumerate(cells)
            if c.cell_type == "code" and re.search(pattern, _code_words(c.source))
        ]
        if path != teacher:
            assert not uses, f"{rel(path)} uses {name} before {rel(teacher)} teaches it"
            continue
        taught = [
            i
            for i, c in enumerate(cells)
            if c.cell_type == "markdown" and name.rstrip("()=") in c.source
        ]
        assert taught and (not uses or taught[0] < uses[0]), (
            f"{rel(teacher)} uses {name} before explaining it"
        )


def test_readme_tables_and_badges_are_generated_from_the_notebooks():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.render(text) == text, "README tables are stale: run `make readme`"
    assert not readme.stale_badges(), "a notebook's Colab badge is stale: run `make readme`"
    for path in ALL:
        assert f"]({rel(path)})" in text, f"README.md does not link {rel(path)}"


def test_sanitizer_pairs_are_all_active():
    """A `replace:` line that lost its trailing text silently disables its pair."""
    regex_lines = [ln for ln in SANITIZER.read_text().splitlines() if ln.startswith("regex:")]
    pairs = sanitizer()
    assert len(pairs) == len(regex_lines) and all(rep.strip() for _, rep in pairs)
