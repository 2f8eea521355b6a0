"""Fixtures for the tests that start JupyterLab (`make lab`, the browser suite)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

LAB_START_SECONDS = float(os.environ.get("LAB_START_SECONDS", "180"))  # a busy machine is slow


def _wait_for(step: str, ready, timeout: float, log: Path | None = None, every: float = 0.25):
    """Poll ready() until it returns a true value; on timeout, fail naming the step (and the log)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = ready()
            if value:
                return value
        except OSError:
            pass
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            pytest.fail(
                f"timed out after {timeout:.0f} s waiting for {step}"
                + (f"; log {log}:\n{tail}" if log else "")
            )
        time.sleep(every)


class Lab:
    """A JupyterLab server started in its own process group, with its REST API."""

    def __init__(self, command: list[str], token: str, port: int, log: Path, cwd: Path, env: dict):
        self.base, self.token, self.log = f"http://127.0.0.1:{port}", token, log
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                command,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env},
                start_new_session=True,
            )

        def up():
            if self.proc.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with {self.proc.returncode}:\n{log.read_text()[-3000:]}"
                )
            return self.api("/api/status")

        _wait_for("JupyterLab to answer /api/status", up, LAB_START_SECONDS, log)

    def request(self, path: str, method: str = "GET") -> tuple[int, bytes]:
        req = urllib.request.Request(
            self.base + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, b""

    def api(self, path: str):
        status, body = self.request(path)
        return json.loads(body) if status == 200 else None

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(timeout=wait)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture(scope="session")
def start_lab(tmp_path_factory):
    """start_lab(command, cwd) → a running Lab, stopped at the end of the session. The command's
    arguments may contain {port} and {token}, filled in here."""
    labs = []

    def start(command: list[str], cwd: Path, env: dict | None = None) -> Lab:
        work = tmp_path_factory.mktemp("lab")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        token = "lab-test-token"
        command = [a.replace("{port}", str(port)).replace("{token}", token) for a in command]
        env = {
            "JUPYTER_CONFIG_DIR": str(work / "config"),
            "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
            **(env or {}),
        }
        labs.append(Lab(command, token, port, work / "lab.log", cwd, env))
        return labs[-1]

    yield start
    for lab in labs:
        lab.stop()


@pytest.fixture(scope="session")
def wait_for():
    """wait_for(step, ready, timeout, log=None, every=0.25): poll, and on timeout fail naming the step."""
    return _wait_for
