"""Fixtures for the tests that start JupyterLab: `make lab`'s test and the browser suites, which
share one server and one chromium. Every wait names its step; a timeout shows the server's log."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tools.nb import ALL, ROOT, code_cells, read, rel

SLOW = float(os.environ.get("BROWSER_SLOW_FACTOR", "1"))  # scale every wait on a slow machine
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# $CHROMIUM first (the GitHub workflow sets it to the Chrome that browser-actions/setup-chrome
# fetched), then Debian's chromium (.ci/run installs it), then a Google Chrome already installed.
# Ubuntu's `chromium-browser` is left out: it is a shim that installs a snap.
BROWSERS = ("chromium", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
CHROMIUM_ARGS = "--no-sandbox --disable-gpu --disable-quic --no-first-run --disable-sync \
    --disable-background-networking --disable-component-update".split()


def wait_for(step: str | None, ready, timeout: float, log: Path | None = None, every=0.25):
    """ready()'s first true value within timeout (scaled by SLOW). On a timeout: None if no step
    is named, else the test fails naming the step and showing the end of the log."""
    deadline = time.monotonic() + timeout * SLOW
    while time.monotonic() < deadline:
        try:
            if value := ready():
                return value
        except OSError:  # the server is not listening yet
            pass
        time.sleep(every)
    if step is None:
        return None
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout * SLOW:.0f} s waiting for {step}\n{tail}")


class Lab:
    """A JupyterLab server in its own process group; {port} and {token} in the command are set."""

    def __init__(self, command: list[str], cwd: Path, env: dict, work: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.token, self.log, self.base = "token", work / "lab.log", f"http://127.0.0.1:{port}"
        command = [a.replace("{port}", str(port)).replace("{token}", self.token) for a in command]
        dirs = {"JUPYTER_CONFIG_DIR": str(work), "JUPYTER_RUNTIME_DIR": str(work)}
        env = {**os.environ, **dirs, **env}
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=out, env=env,
                                         start_new_session=True)  # fmt: skip
        wait_for("JupyterLab to answer /api/status", self._up, 180, self.log)

    def _up(self):
        if self.proc.poll() is not None:
            pytest.fail(f"JupyterLab exited ({self.proc.returncode}):\n{self.log.read_text()}")
        return self.api("/api/status")

    def request(self, path: str, method: str = "GET") -> tuple[int, bytes]:
        auth = {"Authorization": f"token {self.token}"}
        req = urllib.request.Request(self.base + path, method=method, headers=auth)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, b""

    def api(self, path: str):
        status, body = self.request(path)
        return json.loads(body) if status == 200 and body else None

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # already gone
            pass


@pytest.fixture(scope="session")
def start_lab(tmp_path_factory):
    """start_lab(command, cwd, env=None) → a running Lab, stopped at the end of the session."""
    labs: list[Lab] = []

    def start(command, cwd, env=None):
        labs.append(Lab(command, cwd, env or {}, tmp_path_factory.mktemp("lab")))
        return labs[-1]

    yield start
    for lab in labs:
        lab.stop()


@pytest.fixture(scope="session")
def lab(start_lab, tmp_path_factory):
    """JupyterLab over a scratch copy of the notebooks with every output and count cleared, so
    a saved count can only come from this run and nothing touches the repository."""
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"a browser is required under CI=true: set CHROMIUM, or install one of {BROWSERS}"
            )
        pytest.skip(
            "no browser found: apt-get install chromium (or set CHROMIUM) to run the browser suites"
        )
    import nbformat

    work = tmp_path_factory.mktemp("browser")
    for path in ALL:
        nb = read(path)
        for cell in code_cells(nb):
            cell.outputs, cell.execution_count = [], None
        (work / rel(path)).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, work / rel(path))
    settings = work / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", "--port={port}",
               "--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}", "--allow-root"]  # fmt: skip
    server = start_lab(command, work, {"JUPYTERLAB_SETTINGS_DIR": str(work / "settings")})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield server
    shutil.copy(server.log, ARTIFACTS / "lab.log")


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class NotebookPage:
    """One notebook open in JupyterLab in chromium."""

    def __init__(self, page, lab: Lab, path: Path):
        self.page, self.lab, self.path = page, lab, rel(path)
        self.n_code = len(code_cells(read(path)))
        self.load()

    def load(self) -> None:
        """Open the notebook until its kernel is idle; the page load is retried once."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for attempt in (1, 2):
            try:
                self.page.goto(f"{self.lab.base}/lab/tree/{self.path}?reset&token={self.lab.token}")
                self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90e3 * SLOW)
                idle = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
                self.page.wait_for_selector(idle, timeout=120e3 * SLOW)
                return
            except PlaywrightTimeout as err:
                if attempt == 2:
                    pytest.fail(f"{self.path}: no page with an idle kernel, twice: {err}")

    def saved(self) -> dict:
        return self.lab.api(f"/api/contents/{self.path}?content=1")["content"]

    def run_all(self) -> dict:
        """Kernel → Restart Kernel and Run All Cells; wait until the last cell ran; save. A restart
        on a loaded machine can lose the kernel's connection: if no cell has run within a minute,
        the page is loaded again and the command repeated, once."""
        for attempt in (1, 2):
            self.page.get_by_role("menuitem", name="Kernel", exact=True).click()
            self.page.get_by_role("menuitem", name="Restart Kernel and Run All Cells…").click()
            self.page.locator(".jp-Dialog .jp-mod-accept").click()
            ran = self.page.locator(".jp-InputPrompt").filter(has_text="[1]")
            if attempt == 2 or wait_for(None, ran.count, 60):
                break
            self.load()

        def done():
            self.page.keyboard.press("Control+s")
            time.sleep(0.5)
            cells = [c for c in self.saved()["cells"] if c["cell_type"] == "code"]
            sessions = self.lab.api("/api/sessions")
            idle = all(s["kernel"]["execution_state"] == "idle" for s in sessions)
            return cells and cells[-1].get("execution_count") == self.n_code and idle

        step = f"all {self.n_code} code cells to run and be saved"
        self.wait(step, done, max(120, 3 * self.n_code))  # ~3 s a cell on a busy 2-core machine
        return self.saved()

    def wait(self, step: str, ready, timeout: float = 60):
        return wait_for(f"{self.path}: {step}", ready, timeout, self.lab.log, every=0.5)

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def open_notebook(browser, lab):
    """open_notebook(path) → a NotebookPage in a fresh context; afterwards its kernel stops."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield lambda path: NotebookPage(context.new_page(), lab, path)
    context.close()
    for session in lab.api("/api/sessions") or []:
        lab.request(f"/api/sessions/{session['id']}", method="DELETE")
