"""A fresh notebook namespace with the checks bound to it, as a kernel has after the workbook's checks
cell, in either language: built from the package itself (tests/checks/test_rendering.py shows that
each workbook's cell is the package's rendering)."""

from __future__ import annotations

import linecache

import pytest

from autograd_checks import EXERCISES, messages
from autograd_checks.workbook import DEFAULT_TIME_LIMIT, bind


def notebook(lang: str = "zh", **names) -> dict:
    namespace: dict = {"CHECK_TIME_LIMIT": DEFAULT_TIME_LIMIT}
    namespace.update(bind(namespace, messages.texts(lang), EXERCISES))
    namespace.update(names)
    return namespace


def run_code(code: str, filename: str, namespace: dict) -> dict:
    """Student code, as a notebook cell runs it (its source stays visible to inspect.getsource)."""
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    exec(compile(code, filename, "exec"), namespace)  # noqa: S102 - the tests' own answers
    return namespace


@pytest.fixture(scope="session", autouse=True)
def torch_func_warmed_up():
    """torch.func's first call sets itself up (about 5 s on a slow machine): here, not inside a
    row's timed check call, whose bound is there to catch checks that hang."""
    import torch
    from torch.func import grad, vmap

    vmap(grad(grad(torch.sin)))(torch.zeros(2, dtype=torch.float64))
