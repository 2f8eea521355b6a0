"""Maintainer commands for the notebook collection (run through the Makefile).

    python tests/maint.py execute [NOTEBOOK ...]   re-run notebooks top to bottom, in place
    python tests/maint.py badges                   re-stamp Open-in-Colab links from pyproject.toml
    python tests/maint.py bench                    suite time vs. its floor (kernel start + imports)
    python tests/maint.py colab-python             path of a Python >= 3.12 for the Colab simulation

Recorded outputs must come from a fresh kernel run top to bottom (execution counts 1..n);
`execute` is that run, with the same thread settings as `make test`, and it keeps notebook
metadata minimal so re-running on another machine does not change the file needlessly.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("notebooks", "solutions")
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"'<>]+?\.ipynb")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def all_notebooks() -> list[Path]:
    """Every notebook of the collection, in reading order."""
    return sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))


def colab_config() -> tuple[str, str]:
    """(owner/repo, branch) from pyproject.toml's [tool.autograd-notebooks]."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    section = cfg["tool"]["autograd-notebooks"]
    return section["colab-repo"], section["colab-branch"]


def colab_url(path: Path) -> str:
    """The Open-in-Colab address of a notebook of this repository."""
    repo, branch = colab_config()
    rel = path.resolve().relative_to(ROOT).as_posix()
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{rel}"


def minimal_metadata():
    import nbformat

    return nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})


def execute(paths: list[Path]) -> None:
    import nbformat
    from nbclient import NotebookClient
    from nbutil import clear_outputs

    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nb.metadata = minimal_metadata()
        clear_outputs(nb)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
        nb.metadata = minimal_metadata()  # nbclient adds the Python version: keep diffs quiet
        nbformat.validate(nb)
        nbformat.write(nb, path)
        print(f"executed {path.relative_to(ROOT)}")


def stamp_badges() -> int:
    """Rewrite every Open-in-Colab link (notebooks and README) from the configured slug."""
    import nbformat

    changed = 0
    for path in all_notebooks():
        nb = nbformat.read(path, as_version=4)
        title = nb.cells[0]
        new = COLAB_LINK.sub(colab_url(path), title.source)
        if new != title.source:
            title.source = new
            nbformat.write(nb, path)
            changed += 1
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")

    def relink(m: re.Match[str]) -> str:
        rel = m.group(0).split("/blob/", 1)[1].split("/", 1)[1]
        return colab_url(ROOT / rel)

    new_text = COLAB_LINK.sub(relink, text)
    if new_text != text:
        readme.write_text(new_text, encoding="utf-8")
        changed += 1
    print(f"re-stamped {changed} file(s) for {'/'.join(colab_config())}")
    return changed


def find_colab_python() -> str | None:
    """A Python like Colab's: 3.12 if there is one, else the newest 3.13+ that runs here.

    Looks on PATH (python3.12, python3.13, ...), then in pyenv's and uv's install folders.
    """
    import glob
    import os
    import shutil
    import subprocess

    candidates = [shutil.which(f"python3.{minor}") for minor in range(12, 20)]
    home = Path.home()
    for pattern in (
        f"{os.environ.get('PYENV_ROOT', home / '.pyenv')}/versions/3.1[2-9]*/bin/python3",
        f"{home}/.local/share/uv/python/cpython-3.1[2-9]*/bin/python3",
        "/usr/bin/python3.1[2-9]",
        "/usr/local/bin/python3.1[2-9]",
    ):
        candidates += sorted(glob.glob(pattern))
    found: dict[tuple[int, int], str] = {}
    for exe in filter(None, candidates):
        try:
            out = subprocess.run(
                [exe, "-c", "import sys, venv; print(*sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0:
            major, minor = map(int, out.stdout.split())
            if (major, minor) >= (3, 12):
                found.setdefault((major, minor), exe)
    if not found:
        return None
    return found.get((3, 12)) or found[max(found)]


def main(argv: list[str]) -> int:
    if argv[:1] == ["colab-python"]:
        exe = find_colab_python()
        if exe is None:
            print(
                "error: the Colab simulation needs Python 3.12 or newer; none found "
                "(install one, or run: make test-colab COLAB_PYTHON=/path/to/python3.12)",
                file=sys.stderr,
            )
            return 1
        print(exe)
        return 0
    if not argv or argv[0] not in {"execute", "badges", "bench"}:
        print(__doc__)
        return 2
    if argv[0] == "execute":
        paths = [Path(p).resolve() for p in argv[1:]] or all_notebooks()
        execute(paths)
    elif argv[0] == "badges":
        stamp_badges()
    else:
        from bench import main as bench_main

        return bench_main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
