"""Every notebook in JupyterLab in a real browser: Restart Kernel and Run All.

Starts `jupyter lab` headless on loopback (token set) over a scratch copy of notebooks/ and
solutions/ with every output and execution count cleared (so nothing the browser saves
touches the repository, and a saved count can only come from this run), drives Debian's chromium
with Playwright, runs the menu command Kernel → Restart Kernel and Run All Cells, saves, and
asserts from the saved notebook model that every code cell ran and no untagged cell raised.
A screenshot per notebook goes to test-artifacts/browser/ (not committed).

`make test-browser` runs it; without chromium it is skipped locally, never under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from nbutil import ALL, ROOT, clear_outputs, free_port, ids, rel, stop_process_group

pytestmark = pytest.mark.browser

TOKEN = "browser-test-token"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _api(base: str, path: str) -> dict:
    req = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required under CI=true (apt-get install chromium)")
        pytest.skip(
            "chromium not found: install it (apt-get install chromium) to run the browser test"
        )
    import nbformat

    work = tmp_path_factory.mktemp("lab")
    for path in ALL:
        nb = nbformat.read(path, as_version=4)
        clear_outputs(nb)
        (work / rel(path)).parent.mkdir(exist_ok=True)
        nbformat.write(nb, work / rel(path))
    settings = work / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(work / ".config"),
        "JUPYTER_RUNTIME_DIR": str(work / ".runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(work / ".settings"),
        "OMP_NUM_THREADS": "1",
    }
    log = (work / "lab.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={work}",
            "--allow-root",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            _api(base, "/api/status")
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError((work / "lab.log").read_text()) from None
            time.sleep(0.25)
    yield base
    stop_process_group(proc)
    log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, lab):
    """A fresh page per notebook; afterwards its kernel is shut down."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()
    for session in _api(lab, "/api/sessions"):
        req = urllib.request.Request(
            f"{lab}/api/sessions/{session['id']}",
            method="DELETE",
            headers={"Authorization": f"token {TOKEN}"},
        )
        urllib.request.urlopen(req, timeout=10).close()


def _saved_model(lab: str, path: str) -> dict:
    return _api(lab, f"/api/contents/{path}?content=1")["content"]


def _kernel_idle(lab: str) -> bool:
    return all(s["kernel"]["execution_state"] == "idle" for s in _api(lab, "/api/sessions"))


@pytest.mark.parametrize("nb_path", ALL, ids=ids(ALL))
def test_restart_and_run_all_in_jupyterlab(nb_path, lab, page):
    path = rel(nb_path)
    expected = json.loads(nb_path.read_text(encoding="utf-8"))
    n_code = sum(1 for c in expected["cells"] if c["cell_type"] == "code")
    page.goto(f"{lab}/lab/tree/{path}?reset&token={TOKEN}")  # reset: only this notebook is open
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)

    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name="Restart Kernel and Run All Cells…").click()
    page.locator(".jp-Dialog .jp-mod-accept").click()

    deadline = time.monotonic() + 300
    model = None
    while time.monotonic() < deadline:
        time.sleep(1)
        page.keyboard.press("Control+s")
        time.sleep(0.5)
        model = _saved_model(lab, path)
        counts = [c.get("execution_count") for c in model["cells"] if c["cell_type"] == "code"]
        if counts and counts[-1] == n_code and _kernel_idle(lab):
            page.keyboard.press("Control+s")
            time.sleep(0.5)
            model = _saved_model(lab, path)
            break
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{nb_path.stem}.png"), full_page=False)
    assert model is not None
    code = [c for c in model["cells"] if c["cell_type"] == "code"]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, n_code + 1)), f"{path}: not every cell ran in order: {counts}"
    for i, cell in enumerate(code, 1):
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        if "raises-exception" not in cell.get("metadata", {}).get("tags", []):
            assert not errors, (
                f"{path} cell [{i}] raised {errors[0]['ename']}: {errors[0]['evalue']}"
            )
