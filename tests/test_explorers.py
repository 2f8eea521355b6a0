"""The three explorers (ipywidgets), in each edition: their logic is a plain function, tested here
without a browser against autograd and exact counts; the widget only wires controls to it, which is
tested by changing a control in Python and, in JupyterLab in chromium, with the keyboard. The
English twin shows English labels and readouts from the same code, so each test runs on both
editions and compares a notebook's readout with what its own functions say."""

from __future__ import annotations

import math
import re

import pytest

from tools.editions import twin
from tools.nb import LESSONS, SOLUTIONS, edition, rel, tagged_source


def editions(zh_path):
    """The notebook and its English twin (tests/test_editions.py requires the twin to exist)."""
    return [p for p in (zh_path, twin(zh_path)) if p.exists()]


TANGENT = editions(next(p for p in SOLUTIONS if "ex5" in p.name))
CONTROL_FLOW = editions(next(p for p in LESSONS if p.name.startswith("2.5.4-")))
BACKPROP = editions(next(p for p in LESSONS if p.name.startswith("2.5.4x-")))


@pytest.fixture(scope="module")
def ns():
    """ns(path): the namespace of the notebook's set-up, lesson and explorer cells, run once."""
    import matplotlib

    matplotlib.use("Agg")
    spaces = {}

    def load(path):
        if path not in spaces:
            code = "\n".join(tagged_source(path, tag) for tag in ("setup", "lesson", "explorer"))
            spaces[path] = {}
            exec(code, spaces[path])  # noqa: S102
        return spaces[path]

    return load


def readout(widget) -> str:
    (html,) = [w for w in widget.children if "explorer-readout" in str(getattr(w, "value", ""))]
    return re.sub(r"<[^>]+>", "", html.value)


@pytest.mark.parametrize("path", TANGENT, ids=rel)
@pytest.mark.parametrize("x0", [-6.0, -1.3, 0.0, 1.0, 2.5, 6.0])
def test_tangent_slope_is_autograds_and_equals_cos(ns, path, x0):
    view = ns(path)["tangent_view"](x0)
    assert math.isclose(view["slope"], math.cos(x0), rel_tol=1e-12, abs_tol=1e-15)
    (x_left, x_right), (y_left, y_right) = view["line"]
    assert math.isclose((y_right - y_left) / (x_right - x_left), view["slope"], abs_tol=1e-12)
    assert math.isclose(view["y0"], math.sin(x0), abs_tol=1e-15)


@pytest.mark.parametrize("path", CONTROL_FLOW, ids=rel)
@pytest.mark.parametrize("a", [1.0, -1.0, 0.75, 0.001, -0.003, 9.9, 0.976, 0.977])
def test_control_flow_counts_loops_and_branch(ns, path, a):
    view = ns(path)["control_flow_view"](a)
    b, loops = 2 * abs(a), 0
    while b < 1000:
        b, loops = 2 * b, loops + 1
    k = 2.0 ** (loops + 1) * (1 if a > 0 else 100)
    assert view["loops"] == loops and view["grad"] == k
    assert view["branch"] == ("c = b" if a > 0 else "c = 100 * b")
    assert math.isclose(view["k"], k, rel_tol=1e-5)


@pytest.mark.parametrize("path", CONTROL_FLOW, ids=rel)
def test_control_flow_rejects_zero_and_draws_the_jumps(ns, path):
    with pytest.raises(ValueError, match="a = 0"):  # both editions' message names a = 0
        ns(path)["control_flow_view"](0.0)
    x, y = ns(path)["f_curve"](1)
    jumps = [j for j in range(1, 30) if 1e-3 < 1000 / 2**j < 10]  # |a| = 1000 / 2^j
    assert int(y.isnan().sum()) == len(jumps) == 13


@pytest.mark.parametrize("path", BACKPROP, ids=rel)
def test_backprop_steps_end_at_autograds_gradients(ns, path):
    import torch

    steps = ns(path)["backprop_steps"](2.0)
    assert [s["node"] for s in steps] == [None, "f", "u5", "u4", "u3", "u2", "u1", "x"]
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    u = {"u1": x**2}
    u["u2"], u["u3"] = torch.log(u["u1"]), torch.sin(x)
    u["u4"], u["u5"] = u["u2"] * u["u3"], x**-1
    f = u["u4"] + u["u5"]
    for t in u.values():
        t.retain_grad()
    f.backward()
    final = steps[-1]["grads"]
    assert all(math.isclose(final[n], t.grad.item(), rel_tol=1e-12) for n, t in u.items())
    assert math.isclose(final["x"], x.grad.item(), rel_tol=1e-12)
    # x has three out-edges: its adjoint grows when u5, u3 and u1 are processed
    x_bars = [s["grads"]["x"] for s in steps]
    assert [k for k in range(1, len(steps)) if x_bars[k] != x_bars[k - 1]] == [2, 4, 6]


def _cases(kind, paths, *rest):
    return [pytest.param(p, *rest, id=f"{kind}-{edition(p)}") for p in paths]


WIRING = [  # (notebook, explorer, control (index, or (row, index)), value, expected readout)
    *_cases("tangent", TANGENT, "tangent_explorer", 0, 2.0,
            lambda n: n["describe_tangent"](n["tangent_view"](2.0))),
    *_cases("control-flow", CONTROL_FLOW, "control_flow_explorer", (0, 0), 0.3,
            lambda n: n["describe_control_flow"](n["control_flow_view"](0.3))),
    *_cases("backprop", BACKPROP, "backprop_explorer", 0, 7,
            lambda n: n["describe_step"](n["backprop_steps"](2.0), 7)[0]),
]  # fmt: skip


@pytest.mark.parametrize("path, make, control, value, describe", WIRING)
def test_each_control_is_wired_to_its_function(ns, path, make, control, value, describe):
    widget = ns(path)[make]()
    target = (
        widget.children[control[0]].children[control[1]]
        if isinstance(control, tuple)
        else widget.children[control]
    )
    assert target.description  # every control has a text label
    before = readout(widget)
    target.value = value
    assert readout(widget) == describe(ns(path)) != before


@pytest.mark.parametrize("path", CONTROL_FLOW + BACKPROP, ids=rel)
def test_each_explorer_speaks_its_editions_language(ns, path):
    """The English twin's labels and readouts carry no Chinese; the Chinese edition's do."""
    from tools.editions import CJK

    space = ns(path)
    if "control_flow_explorer" in space:
        widget = space["control_flow_explorer"]()
        labels = [c.description for c in widget.children[0].children]
        texts = [space["describe_control_flow"](space["control_flow_view"](v)) for v in (1, -1)]
    else:
        widget = space["backprop_explorer"]()
        labels, steps = [widget.children[0].description], space["backprop_steps"](2.0)
        texts = [space["describe_step"](steps, k)[0] for k in range(len(steps))]
    shown = labels + texts + [readout(widget)]
    if edition(path) == "en":
        assert not [t for t in shown if CJK.search(t)]
    else:
        assert any(CJK.search(t) for t in shown)


# (notebook, slider index on the page, keys pressed on it, expected readout). Each notebook costs
# about 20 s in the browser: the lessons' explorers run in both editions (about 50 s for the
# English ones), the worked solution's in Chinese only (its English twin's wiring is tested above).
KEYBOARD = [
    *_cases("tangent", TANGENT[:1], 0, ["ArrowRight"],
            lambda n: n["describe_tangent"](n["tangent_view"](1.1))),
    *_cases("control-flow", CONTROL_FLOW, 0, ["ArrowRight"],
            lambda n: n["describe_control_flow"](n["control_flow_view"](10**0.01))),
    *_cases("backprop", BACKPROP, 0, ["ArrowRight"] * 7,
            lambda n: n["describe_step"](n["backprop_steps"](2.0), 7)[0]),
]  # fmt: skip


@pytest.mark.browser
@pytest.mark.parametrize("path, slider, keys, expected", KEYBOARD)
def test_keyboard_drives_the_explorer_in_jupyterlab(
    ns, open_notebook, path, slider, keys, expected
):
    nb = open_notebook(path)
    nb.run_all()
    shown = nb.page.locator("code.explorer-readout")
    nb.wait("the explorer's readout to appear", lambda: shown.count() == 1)
    before = shown.inner_text()
    handle = nb.page.locator(".widget-slider [role=slider]").nth(slider)
    try:
        handle.focus()  # the keyboard alone drives it: focus, then arrow keys
        for key in keys:
            nb.page.keyboard.press(key)
        want = " ".join(expected(ns(path)).split())  # HTML shows runs of spaces as one
        nb.wait(
            f"the readout to show {want!r}", lambda: " ".join(shown.inner_text().split()) == want
        )
    finally:
        shown.scroll_into_view_if_needed()
        nb.screenshot(f"explorer-{edition(path)}-{path.stem}")
    assert want != " ".join(before.split())
