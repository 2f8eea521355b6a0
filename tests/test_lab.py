"""`make lab` really serves JupyterLab: start it headless on a free port, fetch /lab and the
notebooks folder through the contents API, then stop the whole process group."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from nbutil import NOTEBOOKS, ROOT, free_port, stop_process_group

TOKEN = "nbval-lab-test-token"


def _get(url: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


def test_make_lab_serves_the_notebooks(tmp_path):
    # Like tests/nbval_config.py: skip jsonschema's optional rfc3987_syntax grammar (about a
    # second of start-up, for "iri" format checks JupyterLab's schemas here do not use).
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(
        'import sys\nsys.modules.setdefault("rfc3987_syntax", None)\n'
    )
    port = free_port()
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "lab",
            f"VENV={sys.prefix}",
            f"PORT={port}",
            "NO_BROWSER=1",
            f"LAB_ARGS=--IdentityProvider.token={TOKEN}",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
            "PYTHONPATH": str(tmp_path / "site"),
        },
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "lab.log").read_text()
            try:
                status, body = _get(f"{base}/lab")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        assert status == 200, f"/lab answered {status}\n" + (tmp_path / "lab.log").read_text()
        assert b"JupyterLab" in body
        status, body = _get(f"{base}/api/contents/notebooks")
        assert status == 200
        listed = {item["name"] for item in json.loads(body)["content"]}
        assert {p.name for p in NOTEBOOKS} <= listed
    finally:
        stop_process_group(proc)
        log.close()
