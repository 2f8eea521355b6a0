"""`make lab` really serves JupyterLab with the notebooks folder. It runs with the browser suite
(`make test-browser`), which starts JupyterLab too, to keep `make test` close to its floor."""

from __future__ import annotations

import sys

import pytest

from tools.nb import EDITIONS, ROOT, lessons

pytestmark = pytest.mark.browser


def test_make_lab_serves_the_notebooks(start_lab):
    make = f"make --no-print-directory lab VENV={sys.prefix} PORT={{port}} NO_BROWSER=1".split()
    lab = start_lab([*make, "LAB_ARGS=--IdentityProvider.token={token}"], ROOT)
    status, body = lab.request("/lab")
    assert status == 200 and b"JupyterLab" in body
    for lang in EDITIONS:
        listed = {item["name"] for item in lab.api(f"/api/contents/notebooks/{lang}")["content"]}
        assert {p.name for p in lessons(lang)} <= listed
