"""One student's kernel in the sandbox, driven over IPC sockets (its network namespace has no TCP).

Only the shell channel is used: each request's execute_reply says when it is done, whether it
failed, and carries the agent's reply in its user_expressions. The kernel's output (iopub) is
never subscribed to, so a 400 MB print costs the grader nothing; replies are bounded in size and
number on the socket itself, and a message that cannot be read (a bad signature, nesting too deep)
is dropped.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import zmq

from .sandbox import Sandbox
from .wire import MAX_REPLY, KernelGone, ReplyError, parse

_CONTEXT = zmq.Context()
_CONTEXT.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY + (1 << 20))  # a larger message drops its peer
_CONTEXT.setsockopt(zmq.RCVHWM, 16)  # messages queued before more are dropped
# Never reconnect: the sockets' files are in the kernel's folder, and a kernel that swapped one for
# a link elsewhere must not get the grader to connect there; a dropped connection is a gone kernel.
_CONTEXT.setsockopt(zmq.RECONNECT_IVL, -1)
AGENT = "__grader_agent__"
# The kernel waits for its killed children, or their zombies would hold the process limit.
REAP_CELL = "exec('import os, time\\nfor _ in range(100):\\n    try:\\n        if os.waitpid(-1, os.WNOHANG)[0] == 0:\\n            time.sleep(0.01)\\n    except ChildProcessError:\\n        break', {})"


def _loader(sources: dict[str, str]) -> str:
    """A cell that runs the agent's modules (autograd_checks.timer and .probes, grader.agent) as
    modules of the kernel, and starts the agent on the student's namespace."""
    return (
        "def _grader_agent_load(sources):\n"
        "    import sys, types\n"
        "    for name, source in sources.items():\n"
        "        module = types.ModuleType(name)\n"
        "        module.__package__ = name.rpartition('.')[0]\n"
        "        sys.modules[name] = module\n"
        "        exec(compile(source, '<' + name + '>', 'exec'), module.__dict__)\n"
        f"    sys.modules[{AGENT!r}] = sys.modules['grader_agent'].Agent(globals())\n"
        f"_grader_agent_load({sources!r})\n"
        "del _grader_agent_load\n"
    )


def agent_cell() -> str:
    from autograd_checks import probes, timer

    from . import agent

    read = lambda module: Path(module.__file__).read_text(encoding="utf-8")  # noqa: E731
    sources = {"autograd_checks": "", "autograd_checks.timer": read(timer),
               "autograd_checks.probes": read(probes), "grader_agent": read(agent)}  # fmt: skip
    return _loader(sources)


class Kernel:
    def __init__(self, sandbox: Sandbox, slot: int):
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        self.sandbox = sandbox
        self.workdir = sandbox.folder(slot)
        conn = str(self.workdir / "kernel.json")
        write_connection_file(conn, transport="ipc", ip=str(self.workdir / "ipc"),
                              key=secrets.token_hex(16).encode())  # fmt: skip
        argv, env = sandbox.command(slot, self.workdir, [sys.executable, "-m", "ipykernel_launcher", "-f", conn])  # fmt: skip
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        self.plain = sandbox.mode == "plain"
        self.client = BlockingKernelClient(connection_file=conn, context=_CONTEXT)
        self.client.load_connection_file()
        self.gone = False
        self._connected = False
        self._shell = Path(f"{self.client.ip}-{self.client.shell_port}")

    def _connect(self, deadline: float) -> None:
        """Connect to the kernel's shell socket once its file exists (the kernel has bound it,
        before any student code runs): with reconnection off, the grader never follows the path
        again, whatever the kernel later puts there."""
        while not self._shell.exists():
            if self.proc.poll() is not None:
                self.gone = True
                raise KernelGone("the kernel exited before it started")
            if time.monotonic() > deadline:
                raise TimeoutError
            time.sleep(0.02)
        self.client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self._connected = True

    def _reply(self, msg_id: str | None, timeout: float) -> dict | None:
        """The next readable shell message answering msg_id (any, if None) within timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_shell_msg(timeout=min(0.1, max(0.01, deadline - time.monotonic())))  # fmt: skip
            except queue.Empty:
                if self.proc.poll() is not None:
                    self.gone = True
                    return None
                continue
            except Exception:  # noqa: BLE001 - a message that cannot be read (bad signature, ...)
                continue
            if msg_id is None or msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg
        return None

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        self._connect(deadline)
        while time.monotonic() < deadline:
            msg_id = self.client.kernel_info()
            msg = self._reply(msg_id, min(1.0, deadline - time.monotonic()))
            if msg is not None and msg.get("msg_type") == "kernel_info_reply":
                return
            if self.gone:
                raise KernelGone("the kernel exited before it started")
        raise TimeoutError

    def run(self, code: str, timeout: float, history: bool = True, expressions=None) -> dict:
        """{'status': 'ok'|'error'|'timeout'|'died', 'ename', 'evalue', 'expressions'} for one
        cell (history: whether IPython stores it, as it does a student's cell)."""
        msg_id = self.client.execute(code, silent=not history, store_history=history,
                                     user_expressions=expressions or {}, allow_stdin=False,
                                     stop_on_error=False)  # fmt: skip
        msg = self._reply(msg_id, timeout)
        if msg is None:
            return {"status": "died" if self.gone else "timeout", "ename": "", "evalue": "", "msg_id": msg_id}  # fmt: skip
        content = msg.get("content") if isinstance(msg.get("content"), dict) else {}
        status = content.get("status") if content.get("status") in ("ok", "error") else "error"
        return {"status": status, "ename": str(content.get("ename", ""))[:100],
                "evalue": str(content.get("evalue", ""))[:300],
                "expressions": content.get("user_expressions"), "msg_id": msg_id}  # fmt: skip

    def request(self, payload: dict, timeout: float) -> dict:
        """One request to the agent, its parsed reply; KernelGone when the kernel no longer answers."""
        if self.gone:
            raise KernelGone("the kernel no longer answers")
        code = f"__import__('sys').modules[{AGENT!r}].handle({json.dumps(payload)!r})"
        out = self.run(code, timeout, history=False, expressions={"r": f"__import__('sys').modules[{AGENT!r}].reply"})  # fmt: skip
        if out["status"] in ("timeout", "died"):
            if out["status"] == "timeout" and self.interrupt(out["msg_id"]):
                return {"timeout": True}
            self.gone = True
            raise KernelGone("the kernel no longer answers")
        if out["status"] == "error":  # the interrupt after a timeout, or the agent broken
            return {"timeout": True} if out["ename"] == "KeyboardInterrupt" else {"agent_error": out["ename"]}  # fmt: skip
        found = out["expressions"] if isinstance(out["expressions"], dict) else {}
        reply = found.get("r")
        if not isinstance(reply, dict) or reply.get("status") != "ok":
            raise ReplyError("no reply")
        return parse((reply.get("data") or {}).get("text/plain"))

    def interrupt(self, msg_id: str | None = None) -> bool:
        """SIGINT to the kernel; True if the interrupted request is answered within two seconds."""
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
        except OSError:
            return False
        return self._reply(msg_id, 2.0) is not None if msg_id else self.run("pass", 2.0, False)["status"] == "ok"  # fmt: skip

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
                try:
                    p.kill()
                except psutil.Error:
                    pass
            found |= bool(strays)
            if not strays:
                break
        return found

    def close(self) -> None:

        import psutil

        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # in a namespace, its init's death ends all
        except OSError:
            pass
        try:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                child.kill()
        except psutil.Error:
            pass
        self.proc.wait()
        if self._connected:
            self.client.stop_channels()
        self.sandbox.release(self.workdir)


def _alive(process) -> bool:
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
