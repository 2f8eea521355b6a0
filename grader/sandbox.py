"""Where a student's kernel runs: its own user (as root), no network, its own IPC, /tmp and /proc, the
teacher's folders and every world-writable folder hidden under read-only tmpfs, limits on memory,
processes, CPU time, file size and open files; how much of that the OS allows is the sandbox's
mode (README, "What is isolated").
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from .limits import Limits

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

ISOLATION = {
    "root": "own user per submission, no network, own IPC, /tmp and /proc, the teacher's folders "
    "and every world-writable folder hidden, limits on memory, processes, CPU time, file size, open "
    "files and disk",
    "userns": "no network, own IPC, /tmp and /proc, the teacher's folders and every world-writable "
    "folder hidden, limits on memory, processes, CPU time, file size and open files; runs as your "
    "user (use a container for more)",
    "plain": "limits on memory, processes, CPU time, file size and open files only; no isolation "
    "from your files or the network: run the grader in a container",
}


def mode() -> str:
    """'root' (Linux as root: own user per submission, namespaces), 'userns' (Linux, unprivileged
    user namespaces), or 'plain' (resource limits and a process group only)."""
    if sys.platform != "linux" or not shutil.which("unshare"):
        return "plain"
    probe = subprocess.run([*_unshare(), "true"], capture_output=True)
    return ("root" if os.geteuid() == 0 else "userns") if probe.returncode == 0 else "plain"


def _unshare() -> list[str]:
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    return ["unshare", *user, "--net", "--ipc", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]  # fmt: skip


def world_writable(top: str = "/", depth: int = 4) -> list[str]:
    """Folders anyone may write to (o+w), down to `depth` levels below `top`, /proc and /sys left
    out: the sandbox hides each, so that no submission can leave anything there for another, or
    find anything there of the teacher's."""
    found, todo = [], [(Path(top), 0)]
    while todo:
        folder, level = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISDIR(info.st_mode) or entry.path in ("/proc", "/sys"):
                continue
            if info.st_mode & stat.S_IWOTH:
                found.append(entry.path)
            elif level + 1 < depth:
                todo.append((Path(entry.path), level + 1))
    return sorted(found)


def _user_tasks() -> int:
    """Tasks (processes and threads) of this user now: RLIMIT_NPROC counts them all."""
    import psutil

    me, total = os.getuid(), 0
    for p in psutil.process_iter(["uids", "num_threads"]):
        if p.info["uids"] and p.info["uids"].real == me:
            total += p.info["num_threads"] or 1
    return total


class Sandbox:
    def __init__(self, limits: Limits, hidden: list[Path]):
        self.limits, self.mode = limits, mode()
        self.root = Path(tempfile.mkdtemp(prefix="grade-"))
        self.root.chmod(0o711)  # others may pass through to their own folder, not list it
        candidates = [*hidden, ROOT, ROOT.parent, Path.home(), "/home", "/root", "/tmp", "/var/tmp",
                      "/dev/shm", "/mnt", "/media", "/srv", *world_writable()]  # fmt: skip
        paths = {Path(p).resolve() for p in candidates if Path(p).exists()}
        paths.discard(Path("/"))
        self.hidden = sorted(str(p) for p in paths if not any(q in p.parents for q in paths))
        self.uid_base = 2_000_000_000 + (os.getpid() % 100_000) * 1000
        self.mounted: set[Path] = set()

    def folder(self, slot: int) -> Path:
        """A submission's own folder. As root, a tmpfs of the disk limit's size, mounted where
        the grader sees it too (its kernel's sockets are there): whatever the kernel writes, in its
        home or beside it, counts against that limit and goes when the folder is unmounted."""
        workdir = Path(tempfile.mkdtemp(prefix=f"s{slot}-", dir=self.root))
        if self.mode == "root":
            size = self.limits.disk + (1 << 20)  # and room for the connection file and sockets
            mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=700,nosuid,nodev", "tmpfs", str(workdir)], capture_output=True)  # fmt: skip
            self.mounted.add(workdir) if mounted.returncode == 0 else None
        return workdir

    def release(self, workdir: Path) -> None:
        if workdir in self.mounted:
            subprocess.run(["umount", "-l", str(workdir)], capture_output=True)
            self.mounted.discard(workdir)
        shutil.rmtree(workdir, ignore_errors=True)

    def command(self, slot: int, workdir: Path, kernel: list[str]) -> tuple[list[str], dict]:
        home = workdir / "home"
        home.mkdir(parents=True)
        (home / "tmp").mkdir()
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(home),
               "TMPDIR": str(home / "tmp"), "LANG": "C.UTF-8", "MPLBACKEND": "agg",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONNOUSERSITE": "1",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # fmt: skip
        lim = self.limits
        limits = {
            "as": lim.memory,
            "cpu": int(lim.total) + 5,
            "fsize": lim.disk,
            "nofile": lim.files,
        }
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
            spec.update(hide=self.hidden, keep=[*dict.fromkeys(keep), str(workdir)], disk=lim.disk,
                        home_tmpfs=workdir not in self.mounted)  # fmt: skip
        launcher = [sys.executable, "-I", "-S", str(HERE / "launch.py"), json.dumps(spec)]
        return ([*_unshare(), *launcher] if self.mode != "plain" else launcher), env

    def close(self) -> None:
        for workdir in list(self.mounted):
            self.release(workdir)
        shutil.rmtree(self.root, ignore_errors=True)
