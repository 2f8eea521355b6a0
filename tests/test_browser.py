"""Every notebook in JupyterLab in a real browser: Kernel → Restart Kernel and Run All Cells.

JupyterLab serves a scratch copy of notebooks/ and solutions/ with outputs cleared (so a saved
execution count can only come from this run); Debian's chromium, driven by Playwright, runs the
menu command, saves, and the saved notebook must show every code cell run and no untagged
error. Screenshots and the lab log go to test-artifacts/browser/. Every wait names its step
and scales with what it waits for; the page load is retried once.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

import pytest

from tools.nb import ALL, ROOT, code_cells, ids, read, rel, tags

pytestmark = pytest.mark.browser
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
SLOW = float(os.environ.get("BROWSER_SLOW_FACTOR", "1"))  # multiply every wait on a slow machine


@pytest.fixture(scope="module")
def lab(start_lab, tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required under CI=true (apt-get install chromium)")
        pytest.skip("chromium not found: apt-get install chromium to run the browser test")
    import nbformat

    work = tmp_path_factory.mktemp("browser")
    for path in ALL:
        nb = read(path)
        for cell in code_cells(nb):
            cell.outputs, cell.execution_count = [], None
        (work / rel(path)).parent.mkdir(exist_ok=True)
        nbformat.write(nb, work / rel(path))
    settings = work / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    server = start_lab(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            "--port={port}",
            "--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={work}",
            "--allow-root",
        ],
        work,
        {"JUPYTERLAB_SETTINGS_DIR": str(work / ".settings"), "OMP_NUM_THREADS": "1"},
    )
    yield server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(server.log, ARTIFACTS / "lab.log")


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
    for session in lab.api("/api/sessions") or []:
        lab.request(f"/api/sessions/{session['id']}", method="DELETE")


def open_notebook(page, lab, path: str) -> None:
    """Load the notebook until its kernel is idle; one retry of the whole page load."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        try:
            page.goto(f"{lab.base}/lab/tree/{path}?reset&token={lab.token}", timeout=60_000 * SLOW)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000 * SLOW)
            page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000 * SLOW
            )
            return
        except PlaywrightTimeout as err:
            if attempt == 2:
                pytest.fail(
                    f"{path}: the notebook page did not load with an idle kernel, twice: {err}"
                )


def run_all_and_save(page, lab, path: str, n_code: int, wait_for) -> dict:
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name="Restart Kernel and Run All Cells…").click()
    page.locator(".jp-Dialog .jp-mod-accept").click()

    def saved_after_last_cell():
        page.keyboard.press("Control+s")
        time.sleep(0.5)
        model = lab.api(f"/api/contents/{path}?content=1")["content"]
        counts = [c.get("execution_count") for c in model["cells"] if c["cell_type"] == "code"]
        idle = all(s["kernel"]["execution_state"] == "idle" for s in lab.api("/api/sessions"))
        return model if counts and counts[-1] == n_code and idle else None

    # about 3 s per code cell on a busy 2-core machine, and at least 2 minutes
    wait_for(
        f"{path}: all {n_code} code cells to run and be saved",
        saved_after_last_cell,
        max(120, 3 * n_code) * SLOW,
        lab.log,
        every=1,
    )
    page.keyboard.press("Control+s")
    time.sleep(0.5)
    return lab.api(f"/api/contents/{path}?content=1")["content"]


@pytest.mark.parametrize("nb_path", ALL, ids=ids(ALL))
def test_restart_and_run_all_in_jupyterlab(nb_path, lab, page, wait_for):
    path, expected = rel(nb_path), code_cells(read(nb_path))
    open_notebook(page, lab, path)
    try:
        model = run_all_and_save(page, lab, path, len(expected), wait_for)
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{nb_path.stem}.png"))
    code = [c for c in model["cells"] if c["cell_type"] == "code"]
    assert [c.get("execution_count") for c in code] == list(range(1, len(expected) + 1))
    for i, (cell, ref) in enumerate(zip(code, expected), 1):
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert not errors or "raises-exception" in tags(ref), (
            f"{path} [{i}] raised {errors[0]['ename']}: {errors[0]['evalue']}"
        )
