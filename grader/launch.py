"""The last step before a student's kernel starts (grader/sandbox.py runs it as a script, inside
`unshare` where the OS allows): hide the teacher's folders and every world-writable one, limit
resources, drop to the submission's own user, exec.

Why a separate script: these steps must happen in the new process, between fork and exec, and
Python's `preexec_fn` is unsafe in a threaded program (the grader drives kernels from threads).
It reads one JSON argument (see grader/sandbox.py, `Sandbox.command`) and imports only the stdlib.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
LIMITS = {"as": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU, "fsize": resource.RLIMIT_FSIZE,
          "nproc": resource.RLIMIT_NPROC, "nofile": resource.RLIMIT_NOFILE}  # fmt: skip


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    args = [s.encode() if s else None for s in (source, target, fstype, data)]
    if libc.mount(args[0], args[1], args[2], ctypes.c_ulong(flags), args[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def hide(paths: list[str], keep: list[str]) -> None:
    """An empty read-only tmpfs over each of `paths`, with the `keep` paths under them bound back
    (read-only, except the last: the submission's own folder), so the kernel sees only those.
    Each kept folder is held open first and bound back from /proc/self/fd, from under the tmpfs."""
    held = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in keep]
    for path in paths:
        mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    for i, (path, fd) in enumerate(held):
        os.makedirs(path, exist_ok=True)
        mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        if i < len(held) - 1:
            mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY)
        os.close(fd)
    for path in paths:  # nothing more may be created under the hidden folders
        mount(None, path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def main(spec: dict) -> None:
    if spec.get("hide"):
        hide(spec["hide"], spec["keep"])
        if spec.get("home_tmpfs", True):  # its folder is not a tmpfs already: its home at least is
            uid = spec.get("uid") or 0
            mount("tmpfs", spec["home"], "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec['disk']},mode=700,uid={uid},gid={uid}")  # fmt: skip
    for name, value in spec["limits"].items():
        resource.setrlimit(LIMITS[name], (value, value))
    if spec.get("uid"):
        os.setgroups([])
        os.setgid(spec["uid"])
        os.setuid(spec["uid"])
    os.makedirs(os.path.join(spec["home"], "tmp"), exist_ok=True)
    os.chdir(spec["home"])
    os.execve(spec["cmd"][0], spec["cmd"], spec["env"])


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
