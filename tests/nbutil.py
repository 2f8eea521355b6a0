"""Small helpers the tests share: where the notebooks are and how to read them."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
ALL = NOTEBOOKS + SOLUTIONS
IGNORE_OUTPUT_TAGS = {"nbval-ignore-output", "nbval-skip", "skip-execution"}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def output_texts(cell: dict) -> list[str]:
    """The text of each output of a cell that nbval compares (stream text, text/plain)."""
    texts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            texts.append("".join(out["text"]))
        elif "data" in out and "text/plain" in out["data"]:
            texts.append("".join(out["data"]["text/plain"]))
    return texts


def sanitizer_patterns() -> list[tuple[re.Pattern[str], str]]:
    """The (regex, replacement) pairs of tests/sanitize.cfg, parsed as nbval parses them."""
    text = (ROOT / "tests" / "sanitize.cfg").read_text(encoding="utf-8")
    pairs = re.findall("^regex: (.*)$\n^replace: (.*)$", text, flags=re.M)
    return [(re.compile(r), rep) for r, rep in pairs]


def sanitize(text: str) -> str:
    for regex, rep in sanitizer_patterns():
        text = regex.sub(rep, text)
    return text


def ids(paths: list[Path]) -> list[str]:
    return [rel(p) for p in paths]


def free_port() -> int:
    """A free TCP port on loopback, for a JupyterLab server started by a test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(proc: subprocess.Popen) -> None:
    """Stop a process started with start_new_session=True and all it started (make, jupyter)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def clear_outputs(nb) -> None:
    """Empty every code cell's outputs and execution count (a notebook as never run)."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
