"""make grade SUBMISSIONS=dir (or: python -m tools.grade dir): grade a class's 2.5.5 workbooks.

Each submission runs in a fresh kernel of its own (tools/grade_sandbox.py: own user, no network, own
temporary folder, the teacher's folders hidden, memory/process/CPU/file limits where the OS allows);
its code cells run top to bottom as Restart & Run All would, a failing cell does not stop the rest,
and the student's copy of the checks is replaced by the repository's. Then the grader's own cells
(tools/grade_kernel.py) run the repository's pristine checks and hidden variants, and report with a
per-run nonce; a fingerprint taken before the student's code and around every check tells whether
anything the checks rely on was changed. Writes gradebook.csv, one feedback file per student, and
prints a summary. `--bench N` measures grading N submissions against starting N kernels.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import queue
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nb import ROOT, code_cells, read, rel, tagged_source, tags  # noqa: E402

HERE = Path(__file__).resolve().parent
KERNEL_SOURCE = (HERE / "grade_kernel.py").read_text(encoding="utf-8")
CJK = re.compile(r"[\u3400-\u9fff]")
CHECK_CALL = re.compile(r"^\s*check_ex(\d+)\(.*\)\s*$")
EXERCISES = range(1, 10)
# What the grader itself says, in each edition's language (the checks speak for themselves).
WORDS = {
    "zh": {"title": "2.5.5 练习 · 评分反馈", "score": "得分", "exercise": "练习 {n}", "notes": "备注",
           "hidden": "工作簿里是 ✓，但隐藏测试（工作簿里没有的输入）没有通过：",
           "not run": "✗ 没有评分：", "edition": "用 {edition} 版的检查评分。",
           "none": "✗ 没有评分（见备注）", "sep": "；",
           "tampered": "✗ 不计分：检查运行时，它所依赖的东西被改动过（见备注）。"},
    "en": {"title": "2.5.5 Exercises · feedback", "score": "Score", "exercise": "Exercise {n}",
           "notes": "Notes", "hidden": "✓ in the workbook, but a hidden test (inputs the workbook "
           "does not show) failed:", "not run": "✗ not graded:", "edition": "Graded with the "
           "{edition} edition's checks.", "none": "✗ not graded (see the notes)", "sep": "; ",
           "tampered": "✗ not counted: something the check relies on was changed while it ran (see "
           "the notes)."},
}  # fmt: skip


class Note(str):
    """A note: English, as the gradebook shows it to the teacher; `.zh` says it in Chinese, for the
    feedback of a student of the Chinese edition."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Note:
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def say(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)


def _exercises(numbers: list[int]) -> Note:
    return Note(", ".join(f"ex{n}" for n in numbers), "、".join(f"练习 {n}" for n in numbers))


@dataclass
class Limits:
    """Per submission. Memory is address space (RLIMIT_AS): torch alone reserves about 3.3 GB."""

    cell: float = 30.0  # seconds per cell (the student's, and each check)
    total: float = 300.0  # seconds per submission, kernel start included
    memory: int = 6 << 30
    processes: int = 64  # tasks (threads count) of the submission's user
    disk: int = 256 << 20  # its home folder, a tmpfs
    max_bytes: int = 5 << 20  # larger files are not opened


@dataclass
class Result:
    file: str
    edition: str = ""
    points: dict[int, int] = field(default_factory=lambda: dict.fromkeys(EXERCISES, 0))
    notes: list[str] = field(default_factory=list)
    messages: dict[int, list[str]] = field(default_factory=dict)
    workbook: str = ""

    @property
    def total(self) -> int:
        return sum(self.points.values())


# ---------------------------------------------------------------- the workbooks and a submission
def language(cells: list[dict]) -> str:
    """'zh' or 'en', from the prose: the share of Chinese characters among the letters (the
    fallback of `edition` for a notebook whose title cell is gone)."""
    text = "".join(_source(c) for c in cells if c.get("cell_type") == "markdown")
    cjk, latin = len(CJK.findall(text)), len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk > 0.1 * (cjk + latin) else "en"


# The title cell: '# 2.5.5 练习 · Exercises' and a link to the twin labelled '**English edition:**'
# in the Chinese workbook; '# 2.5.5 Exercises · 练习' and '**中文版：**' in the English one.
TITLE = re.compile(r"^#\s+2\.5\.5\s+(?P<first>[^·\n]*)", re.M)
TWIN_LINK = {"zh": "**English edition:**", "en": "**中文版：**"}


def edition(cells: list[dict]) -> str:
    """'zh' or 'en': which edition's workbook the submission was made from, told by its title cell
    (the label of the link to the other edition; else the language of the title's first half, as
    in workbooks published before the English edition), else by the share of Chinese prose."""
    for cell in cells:
        src = _source(cell)
        if cell.get("cell_type") != "markdown" or not (title := TITLE.search(src)):
            continue
        links = [lang for lang, label in TWIN_LINK.items() if label in src]
        if len(links) == 1:
            return links[0]
        return "zh" if CJK.search(title.group("first")) else "en"
    return language(cells)


def workbooks() -> dict[str, Path]:
    """The workbook of each edition, keyed by its language: tools.nb.WORKBOOKS (the one place)."""
    from tools.nb import WORKBOOKS

    return dict(WORKBOOKS)


@dataclass
class Workbook:
    """What the grader takes from a workbook: its checks, its check calls, its starter cells."""

    path: Path
    checks: str
    calls: dict[int, str]
    starters: dict[int, str]
    language: str
    published: frozenset[str]  # every version of either edition's checks cell (see `published`)

    @classmethod
    def load(cls, path: Path) -> Workbook:
        from tools.nb import edition as folder_edition

        cells = code_cells(read(path))
        checks = "\n".join(c.source for c in cells if "checks" in tags(c))
        calls, starters = {}, {}
        for before, cell in zip(cells, cells[1:]):
            if m := CHECK_CALL.match(cell.source):
                calls[int(m.group(1))] = cell.source.strip()
                starters[int(m.group(1))] = before.source.strip()
        return cls(path, checks, calls, starters, folder_edition(path), published() | {checks.strip()})  # fmt: skip


OLD_PATHS = ["notebooks/2.5.5-exercises.ipynb"]  # where the workbook was before the editions


@functools.cache
def published() -> frozenset[str]:
    """The checks cell of each edition now and in every commit of the repository (a student may
    have downloaded an older workbook, of either edition: that is not an edit). Both editions'
    histories, through renames (`git log --follow`, each commit read at the path it had then),
    and the workbook's path before the editions; only the current cells if there is no git."""
    current = {tagged_source(path, "checks").strip() for path in workbooks().values()}
    git = ["git", "-C", str(ROOT)]
    paths = [rel(p) for p in workbooks().values()] + OLD_PATHS
    blobs = set()
    for path in paths:
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
            cells = json.loads(body.decode("utf-8"))["cells"]
        except (ValueError, KeyError, TypeError):
            continue
        found |= {_source(c).strip() for c in cells if "checks" in c.get("metadata", {}).get("tags", [])}  # fmt: skip
    return frozenset(found)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def load(path: Path, limits: Limits) -> tuple[list[dict] | None, str]:
    """The submission's cells, or why there are none."""
    size = path.stat().st_size
    if size == 0:
        return None, Note("empty file", "空文件")
    if size > limits.max_bytes:
        return None, Note(
            f"file too large (over {limits.max_bytes >> 20} MB)",
            f"文件太大（超过 {limits.max_bytes >> 20} MB），没有打开",
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, Note("not a notebook (not JSON)", "不是 notebook（不是 JSON）")
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        return None, Note(
            "not a notebook (JSON without cells)", "不是 notebook（JSON 里没有单元格）"
        )
    return cells, ""


def plan(cells: list[dict], wb: Workbook) -> tuple[list[str], list[int], list[str]]:
    """The code to run (the checks cell swapped for the repository's, lone check calls left out),
    each cell's number among the submission's code cells, and what the teacher should know."""
    run, numbers, notes, has_checks = [], [], [], False
    code = [c for c in cells if c.get("cell_type") == "code"]
    for number, cell in enumerate(code, 1):
        src = _source(cell)
        is_checks = "checks" in cell.get("metadata", {}).get("tags", []) or src.count("def check_ex") > 3  # fmt: skip
        if is_checks:
            if src.strip() not in wb.published:
                notes.append(Note("checks cell edited (ignored: graded with the repository's checks)",
                                  "自检单元被改过（不算：用仓库里的自检函数评分）"))  # fmt: skip
            if has_checks:
                continue
            src, has_checks = wb.checks, True
        elif all(CHECK_CALL.match(line) for line in src.strip().splitlines() or ["x"]):
            continue  # the grader calls every check itself
        elif re.search(r"^\s*(def\s+check_ex\d|check_ex\d\s*=)", src, re.M):
            notes.append(Note(f"redefines a check in code cell {number} (ignored)", f"第 {number} 个代码单元重新定义了检查函数（不算）"))  # fmt: skip
        if re.search(r"(print|display|write)\s*\(.*✓", src):
            notes.append(Note(f"prints its own ✓ in code cell {number} (ignored)", f"第 {number} 个代码单元自己打印 ✓（不算）"))  # fmt: skip
        run.append(src)
        numbers.append(number)
    if not has_checks:
        run.insert(0, wb.checks)
        numbers.insert(0, 0)
    return run, numbers, sorted(set(notes), key=notes.index)


# ---------------------------------------------------------------- the sandbox
def sandbox_mode() -> str:
    """'root' (Linux as root: own user per submission, namespaces), 'userns' (Linux, unprivileged
    user namespaces), or 'plain' (resource limits and a process group only)."""
    if sys.platform != "linux" or not shutil.which("unshare"):
        return "plain"
    probe = subprocess.run([*_unshare(), "true"], capture_output=True)
    return ("root" if os.geteuid() == 0 else "userns") if probe.returncode == 0 else "plain"


def _unshare() -> list[str]:
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    return ["unshare", *user, "--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]


ISOLATION = {
    "root": "own user per submission, no network, own /tmp and /proc, teacher's folders hidden, "
    "limits on memory, processes, CPU time, file size and disk",
    "userns": "no network, own /tmp and /proc, teacher's folders hidden, limits on memory, "
    "processes, CPU time and file size; runs as your user (use a container for more)",
    "plain": "limits on memory, processes, CPU time and file size only; no isolation from your "
    "files or the network: run the grader in a container",
}


class Sandbox:
    def __init__(self, limits: Limits, hidden: list[Path]):
        self.limits, self.mode = limits, sandbox_mode()
        self.root = Path(tempfile.mkdtemp(prefix="grade-"))
        self.root.chmod(0o711)  # others may pass through to their own folder, not list it
        paths = {Path(p).resolve() for p in [*hidden, ROOT, ROOT.parent, Path.home(), "/home", "/root",
                 "/tmp", "/var/tmp", "/dev/shm", "/mnt", "/media", "/srv"] if Path(p).exists()}  # fmt: skip
        paths.discard(Path("/"))
        self.hidden = sorted(str(p) for p in paths if not any(q in p.parents for q in paths))
        self.uid_base = 2_000_000_000 + (os.getpid() % 100_000) * 1000

    def command(self, slot: int, workdir: Path, kernel: list[str]) -> tuple[list[str], dict]:
        home = workdir / "home"
        home.mkdir(parents=True)
        (home / "tmp").mkdir()
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(home),
               "TMPDIR": str(home / "tmp"), "LANG": "C.UTF-8", "MPLBACKEND": "agg",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONNOUSERSITE": "1",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # fmt: skip
        lim = self.limits
        limits = {"as": lim.memory, "cpu": int(lim.total) + 5, "fsize": lim.disk, "nofile": 256}
        spec: dict = {"home": str(home), "cmd": kernel, "env": env, "limits": limits}
        if self.mode == "root":
            uid = self.uid_base + slot % 1000
            os.chown(workdir, uid, uid)
            for p in workdir.rglob("*"):
                os.chown(p, uid, uid)
            limits["nproc"] = lim.processes
            spec["uid"] = uid
        else:
            limits["nproc"] = _user_tasks() + lim.processes
        workdir.chmod(0o700)
        if self.mode != "plain":
            keep = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent]
            keep = [str(k.resolve()) for k in keep if any(Path(h) in [k, *k.resolve().parents] for h in self.hidden)]  # fmt: skip
            spec.update(hide=self.hidden, keep=[*dict.fromkeys(keep), str(workdir)], disk=lim.disk)
        launcher = [sys.executable, "-I", "-S", str(HERE / "grade_sandbox.py"), json.dumps(spec)]
        return ([*_unshare(), *launcher] if self.mode != "plain" else launcher), env

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _user_tasks() -> int:
    """Tasks (processes and threads) of this user now: RLIMIT_NPROC counts them all."""
    import psutil

    me = os.getuid()
    total = 0
    for p in psutil.process_iter(["uids", "num_threads"]):
        if p.info["uids"] and p.info["uids"].real == me:
            total += p.info["num_threads"] or 1
    return total


# ---------------------------------------------------------------- one kernel
class Died(Exception):
    pass


class Kernel:
    """A kernel in the sandbox, driven over IPC sockets (its network namespace has no TCP)."""

    def __init__(self, sandbox: Sandbox, slot: int):
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        self.workdir = Path(tempfile.mkdtemp(prefix=f"s{slot}-", dir=sandbox.root))
        conn = str(self.workdir / "kernel.json")
        write_connection_file(conn, transport="ipc", ip=str(self.workdir / "ipc"),
                              key=secrets.token_hex(16).encode())  # fmt: skip
        argv, env = sandbox.command(slot, self.workdir, [sys.executable, "-m", "ipykernel_launcher", "-f", conn])  # fmt: skip
        self.log = open(self.workdir.parent / f"{self.workdir.name}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.plain = sandbox.mode == "plain"
        self.client = BlockingKernelClient(connection_file=conn)
        self.client.load_connection_file()
        self.client.start_channels()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.client.kernel_info()
            try:
                while True:
                    if self.client.get_shell_msg(timeout=0.5)["msg_type"] == "kernel_info_reply":
                        self._drain()
                        return
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise Died from None
        raise TimeoutError

    def _drain(self) -> None:
        try:
            while True:
                self.client.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            pass

    def run(self, code: str, timeout: float, history: bool = True) -> dict:
        """{'status': 'ok'|'error'|'timeout'|'died', 'ename', 'evalue', 'text'} for one cell;
        only messages that answer this request count, and at most 8 MB of its text is kept."""
        msg_id = self.client.execute(code, store_history=history, allow_stdin=False, stop_on_error=False)  # fmt: skip
        out = {"status": "ok", "ename": "", "evalue": "", "text": ""}
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                out["status"] = "timeout"
                return out
            try:
                msg = self.client.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    out["status"] = "died"
                    return out
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and len(out["text"]) < 8 << 20:
                out["text"] += content["text"]
            elif kind == "error":
                out.update(status="error", ename=content["ename"], evalue=content["evalue"][:300])
            elif kind == "status" and content["execution_state"] == "idle":
                return out

    def reap(self) -> bool:
        """Kill the kernel's child processes, so none outlives the cell that started it (a fork
        storm's spinning children would steal the other submissions' CPU); True if there were."""
        import psutil

        try:
            root = psutil.Process(self.proc.pid)
            kernel = root if self.plain else root.children()[0]
        except (psutil.Error, IndexError):
            return False
        found = False
        for _ in range(10):
            strays = [p for p in kernel.children(recursive=True) if _alive(p)]
            for p in strays:
                with _suppress():
                    p.kill()
            found |= bool(strays)
            if not strays:
                break
        return found

    def interrupt(self) -> bool:
        """SIGINT to the kernel; True if it is idle again within two seconds."""
        with _suppress():
            os.killpg(self.proc.pid, signal.SIGINT)
        return self.run("pass", 2.0, history=False)["status"] == "ok"

    def close(self) -> None:
        with _suppress():
            os.killpg(self.proc.pid, signal.SIGKILL)  # in a namespace, its init's death ends all
        with _suppress():
            import psutil

            for child in psutil.Process(self.proc.pid).children(recursive=True):
                child.kill()
        self.proc.wait()
        self.client.stop_channels()
        self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
        Path(self.log.name).unlink(missing_ok=True)


def _alive(process) -> bool:
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


# The kernel waits for its killed children, or their zombies would hold the process limit.
REAP_CELL = "exec('import os, time\\nfor _ in range(100):\\n    try:\\n        if os.waitpid(-1, os.WNOHANG)[0] == 0:\\n            time.sleep(0.01)\\n    except ChildProcessError:\\n        break', {})"


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], Exception)


# ---------------------------------------------------------------- grading one submission
def _report(out: dict, nonce: str) -> dict | None:
    """The one line the grader's cell printed with this run's nonce, or None if not exactly one."""
    lines = [line for line in out["text"].splitlines() if line.startswith(nonce)]
    return json.loads(lines[0][len(nonce) :]) if out["status"] == "ok" and len(lines) == 1 else None


def _grader_cell(task: dict) -> str:
    return f"exec(compile({KERNEL_SOURCE!r}, '<grader>', 'exec'), {{'__name__': '__grader__', 'TASK': {task!r}}})"


def _changed(base: dict, report: dict) -> list[str]:
    """What the report says changed around its check (a changed baseline counts as a change)."""
    found = []
    for key in ("before", "after"):
        found += report[key]["changed"]
        if report[key]["digest"] != base["digest"]:
            found.append("the grader's baseline")
    return found


def grade(path: Path, slot: int, sandbox: Sandbox, books: dict[str, Workbook]) -> Result:
    result = Result(path.name)
    cells, why = load(path, sandbox.limits)
    if cells is None:
        result.notes.append(why)
        return result
    result.edition = edition(cells)
    wb = books.get(result.edition) or books.get("zh") or next(iter(books.values()))
    result.workbook = wb.language
    run, numbers, notes = plan(cells, wb)
    result.notes += notes
    nonce, start = secrets.token_hex(16), time.monotonic()
    left = lambda: sandbox.limits.total - (time.monotonic() - start)  # noqa: E731
    cell = lambda: max(0.0, min(sandbox.limits.cell, left()))  # noqa: E731
    kernel = Kernel(sandbox, slot)
    try:
        kernel.wait_ready(min(60.0, left()))
        base_out = kernel.run(_grader_cell({"mode": "baseline", "nonce": nonce}), left(), False)
        base = _report(base_out, nonce)
        if base is None:
            raise Died
        errors: list[tuple[int, str]] = []
        for number, code in zip(numbers, run):
            out = kernel.run(code, cell())
            if out["status"] == "error":
                memory = out["ename"] == "MemoryError" or "allocate" in out["evalue"]
                errors.append((number, "" if memory else out["ename"]))
            elif out["status"] == "timeout":
                kernel.reap()
                if not kernel.interrupt():
                    result.notes.append(Note(f"timed out in code cell {number}", f"第 {number} 个代码单元超时，且没有响应中断：内核被结束，没有评分"))  # fmt: skip
                    raise Died
                result.notes.append(Note(f"timed out in code cell {number} (interrupted)", f"第 {number} 个代码单元超时（已中断，其余单元照常运行）"))  # fmt: skip
            elif out["status"] == "died":
                result.notes.append(Note(f"kernel exited early (code cell {number})", f"内核在第 {number} 个代码单元提前退出，没有评分"))  # fmt: skip
                raise Died
            if kernel.reap():
                kernel.run(REAP_CELL, 5, history=False)
                result.notes.append(Note(f"child processes killed after code cell {number}", f"第 {number} 个代码单元启动的子进程在它运行完后被结束"))  # fmt: skip
        if errors:
            en = ", ".join(f"{n} ({kind or 'memory limit'})" for n, kind in errors)
            zh = "、".join(f"第 {n} 个（{kind or '超出内存限制'}）" for n, kind in errors)
            result.notes.append(Note("errors in code cells " + en, "这些代码单元出错：" + zh))
        _check_all(
            kernel, result, wb, run, base, nonce, max(0.0, min(9 * sandbox.limits.cell, left()))
        )
    except (Died, TimeoutError):
        if not any(n.startswith(("timed out", "kernel exited")) for n in result.notes):
            result.notes.append(Note("timed out", "超时，没有评分") if left() <= 0 else Note("kernel exited early", "内核提前退出，没有评分"))  # fmt: skip
    finally:
        kernel.close()
    return result


def _check_all(kernel: Kernel, result: Result, wb: Workbook, run: list[str], base: dict,
               nonce: str, limit: float) -> None:  # fmt: skip
    """One grader cell checks every exercise; each verdict counts only if the fingerprints around
    its check equal the baseline, and only if it is the one report for that exercise."""
    task = {"mode": "exercises", "nonce": nonce, "calls": wb.calls, "checks": wb.checks, "in": run,
            "digest": base["digest"]}  # fmt: skip
    out = kernel.run(_grader_cell(task), limit, False)
    reports: dict[int, list[dict]] = {}
    for line in out["text"].splitlines():
        if line.startswith(nonce):
            report = json.loads(line[len(nonce) :])
            reports.setdefault(report["n"], []).append(report)
    tampered, unattempted = set(), []
    why = {"timeout": Note("check timed out", "检查超时"), "died": Note("kernel exited early", "内核提前退出")}.get(
        out["status"], Note("no report", "没有结果"))  # fmt: skip
    for n in sorted(wb.calls):
        if len(reports.get(n, [])) != 1:
            result.messages[n] = [WORDS[result.edition]["not run"] + " " + why.say(result.edition)]
            why_n = (
                why if n not in reports else Note("tampered (two reports)", "被篡改（两份结果）")
            )
            result.notes.append(Note(f"ex{n}: {why_n}", f"练习 {n}：{why_n.zh}"))
            continue
        (report,) = reports[n]
        changed = _changed(base, report) + report["threads"]
        changed += [f"check helper {k}" for k in report["changed_in_checks"]]
        tampered.update(changed)
        result.points[n] = int(report["ok"] and report.get("hidden_ok", True) and not changed)
        result.messages[n] = [WORDS[result.edition]["tampered"]] if changed else [report["message"]]
        if report["ok"] and not report.get("hidden_ok", True) and not changed:
            result.messages[n].append(WORDS[result.edition]["hidden"] + " " + report["hidden_message"])  # fmt: skip
            result.notes.append(Note(f"ex{n}: ✓ in the workbook, fails a hidden test", f"练习 {n}：工作簿里是 ✓，但没有通过隐藏测试"))  # fmt: skip
        if not report["ok"] and wb.starters[n] in {c.strip() for c in run}:
            unattempted.append(n)
    if tampered:
        what = ", ".join(sorted(tampered)[:5]) + (", …" if len(tampered) > 5 else "")
        result.notes.append(Note("tampered: " + what, f"改动了检查所依赖的东西（这些检查不给分）：{what}"))  # fmt: skip
    if unattempted:
        done = _exercises(unattempted)
        result.notes.append(Note(f"not attempted: {done}", f"没有作答：{done.zh}"))


# ---------------------------------------------------------------- a class
def grade_folder(folder: Path, out: Path, limits: Limits, workers: int, quiet: bool = False) -> list[Result]:  # fmt: skip
    files = sorted(p for p in folder.iterdir() if p.suffix == ".ipynb" and p.is_file())
    books = {lang: Workbook.load(p) for lang, p in workbooks().items()}
    sandbox = Sandbox(limits, [folder, out])
    done, lock, results = [0], threading.Lock(), []

    def one(item: tuple[int, Path]) -> Result:
        result = grade(item[1], item[0], sandbox, books)
        with lock:
            done[0] += 1
            if not quiet:
                bar = "#" * (30 * done[0] // len(files))
                print(f"\r  grading [{bar:<30}] {done[0]}/{len(files)}", end="", file=sys.stderr, flush=True)  # fmt: skip
        return result

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, enumerate(files)))
    finally:
        sandbox.close()
    if not quiet and files:
        print(file=sys.stderr)
    write(results, out)
    return results


COLUMNS = ["file", "edition", *(f"ex{n}" for n in EXERCISES), "total", "notes"]


def write(results: list[Result], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in results:
            writer.writerow([r.file, r.edition, *r.points.values(), r.total, "; ".join(r.notes)])
    (out / "feedback").mkdir(exist_ok=True)
    for r in results:  # in the student's language; both, if the file could not be read
        text = "\n\n".join(
            feedback(r, lang) for lang in ([r.edition] if r.edition else ["zh", "en"])
        )
        (out / "feedback" / f"{Path(r.file).stem}.txt").write_text(text + "\n", encoding="utf-8")


def feedback(r: Result, lang: str) -> str:
    words = WORDS[lang]
    lines = [f"{words['title']} — {r.file}", f"{words['score']}: {r.total}/{len(EXERCISES)}", ""]
    for n in EXERCISES:
        lines.append(words["exercise"].format(n=n) + ": " + " ".join(r.messages.get(n, [words["none"]])))  # fmt: skip
    if r.workbook and r.workbook != r.edition:
        lines += ["", words["edition"].format(edition=r.workbook)]
    if r.notes:
        says = [n.say(lang) if isinstance(n, Note) else n for n in r.notes]
        lines += ["", f"{words['notes']}: " + words["sep"].join(says)]
    return "\n".join(lines)


def summary(results: list[Result], seconds: float, workers: int, mode: str) -> str:
    n = len(results)
    lines = [f"graded {n} submissions in {seconds:.1f} s, {workers} at a time",
             f"isolation ({mode}): {ISOLATION[mode]}", "", "score distribution:"]  # fmt: skip
    totals = [r.total for r in results]
    for score in range(len(EXERCISES) + 1):
        count = totals.count(score)
        lines.append(f"  {score:2d}  {'#' * count:<20} {count}")
    if totals:
        lines.append(f"  mean {statistics.mean(totals):.2f}, median {statistics.median(totals)}")
    lines.append("pass rate per exercise:")
    lines.append("  " + "  ".join(f"ex{e} {sum(r.points[e] for r in results) / max(n, 1):4.0%}" for e in EXERCISES))  # fmt: skip
    flagged = [r for r in results if r.notes]
    lines.append(f"{len(flagged)} submissions with notes (see gradebook.csv)")
    return "\n".join(lines)


# ---------------------------------------------------------------- the benchmark
def bench(n: int, workers: int, sample: Path) -> None:
    """Grading n copies of a correct submission against starting n sandboxed kernels that run
    the workbook's imports (the floor), interleaved, medians of BENCH_RUNS (default 1)."""
    limits, runs = Limits(), int(os.environ.get("BENCH_RUNS", "1"))
    floors, grades = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        for i in range(n):
            shutil.copy(sample, folder / f"student-{i:03d}.ipynb")
        for _ in range(runs):
            sandbox = Sandbox(limits, [folder])
            start = time.perf_counter()

            def start_one(slot: int, sandbox: Sandbox = sandbox) -> None:
                kernel = Kernel(sandbox, slot)
                try:
                    kernel.wait_ready(60)
                    kernel.run("import math\nimport matplotlib.pyplot as plt\nimport torch", 120)
                finally:
                    kernel.close()

            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(start_one, range(n)))
            floors.append(time.perf_counter() - start)
            sandbox.close()
            start = time.perf_counter()
            results = grade_folder(folder, Path(tmp) / "out", limits, workers, quiet=True)
            grades.append(time.perf_counter() - start)
            assert all(r.total == 9 for r in results), [r.notes for r in results][:3]
            print(f"floor {floors[-1]:.1f} s, grading {grades[-1]:.1f} s", flush=True)
    f, g = statistics.median(floors), statistics.median(grades)
    print(f"{n} submissions, {workers} workers, {sandbox_mode()} sandbox: floor (kernels + "
          f"imports) {f:.1f} s, grading {g:.1f} s, ratio {g / f:.2f}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, nargs="?", help="folder of .ipynb files")
    parser.add_argument("--out", type=Path, default=Path("grades"), help="default: ./grades")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cell-timeout", type=float, default=Limits.cell)
    parser.add_argument("--timeout", type=float, default=Limits.total, help="per submission")
    parser.add_argument("--memory-gb", type=float, default=Limits.memory / 2**30)
    parser.add_argument("--bench", type=int, metavar="N", help="time N copies of a correct one")
    args = parser.parse_args(argv)
    if args.bench:
        bench(args.bench, args.workers, ROOT / "tests/fixtures/submissions/alice-all-correct.ipynb")
        return 0
    if args.submissions is None or not args.submissions.is_dir():
        parser.error("give a folder of submitted .ipynb files")
    folder, out = args.submissions.resolve(), args.out.resolve()
    if out == folder or folder in out.parents:
        parser.error("--out must not be inside the submissions folder")
    limits = Limits(cell=args.cell_timeout, total=args.timeout, memory=int(args.memory_gb * 2**30))
    skipped = [p.name for p in folder.iterdir() if p.suffix != ".ipynb"]
    start = time.perf_counter()
    results = grade_folder(folder, out, limits, args.workers)
    print(summary(results, time.perf_counter() - start, args.workers, sandbox_mode()))
    if skipped:
        print(f"not graded (not .ipynb): {', '.join(sorted(skipped))}")
    print(f"gradebook: {out / 'gradebook.csv'}\nfeedback:  {out / 'feedback'}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
