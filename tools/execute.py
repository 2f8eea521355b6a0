"""make execute NB=...: run notebooks top to bottom in a fresh kernel, in place, keeping only the
kernelspec as metadata so a run on another machine changes nothing needlessly."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nb import ALL, rel  # noqa: E402

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
METADATA = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}


def execute(path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    where = {"metadata": {"path": str(path.parent)}}
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources=where, record_timing=False
    ).execute()
    nb.metadata = nbformat.from_dict(METADATA)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print(f"executed {rel(path)}")


if __name__ == "__main__":
    for p in [Path(a).resolve() for a in sys.argv[1:]] or ALL:
        execute(p)
