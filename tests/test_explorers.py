"""The three explorers (ipywidgets): their logic is a plain function, tested here without a
browser against autograd and exact counts; the widget only wires controls to it, which is
tested by changing a control in Python and, in JupyterLab in chromium, with the keyboard."""

from __future__ import annotations

import math
import re

import pytest

from tools.nb import LESSONS, SOLUTIONS, tagged_source

TANGENT = next(p for p in SOLUTIONS if "ex5" in p.name)
CONTROL_FLOW = next(p for p in LESSONS if p.name.startswith("2.5.4-"))
BACKPROP = next(p for p in LESSONS if p.name.startswith("2.5.4x-"))


@pytest.fixture(scope="module")
def ns():
    import matplotlib

    matplotlib.use("Agg")
    spaces = {}
    for path in (TANGENT, CONTROL_FLOW, BACKPROP):
        spaces[path] = {}
        code = "\n".join(tagged_source(path, tag) for tag in ("setup", "lesson", "explorer"))
        exec(code, spaces[path])  # noqa: S102
    return spaces


def readout(widget) -> str:
    (html,) = [w for w in widget.children if "explorer-readout" in str(getattr(w, "value", ""))]
    return re.sub(r"<[^>]+>", "", html.value)


@pytest.mark.parametrize("x0", [-6.0, -1.3, 0.0, 1.0, 2.5, 6.0])
def test_tangent_slope_is_autograds_and_equals_cos(ns, x0):
    view = ns[TANGENT]["tangent_view"](x0)
    assert math.isclose(view["slope"], math.cos(x0), rel_tol=1e-12, abs_tol=1e-15)
    (x_left, x_right), (y_left, y_right) = view["line"]
    assert math.isclose((y_right - y_left) / (x_right - x_left), view["slope"], abs_tol=1e-12)
    assert math.isclose(view["y0"], math.sin(x0), abs_tol=1e-15)


@pytest.mark.parametrize("a", [1.0, -1.0, 0.75, 0.001, -0.003, 9.9, 0.976, 0.977])
def test_control_flow_counts_loops_and_branch(ns, a):
    view = ns[CONTROL_FLOW]["control_flow_view"](a)
    b, loops = 2 * abs(a), 0
    while b < 1000:
        b, loops = 2 * b, loops + 1
    k = 2.0 ** (loops + 1) * (1 if a > 0 else 100)
    assert view["loops"] == loops and view["grad"] == k
    assert view["branch"] == ("c = b" if a > 0 else "c = 100 * b")
    assert math.isclose(view["k"], k, rel_tol=1e-5)


def test_control_flow_rejects_zero_and_draws_the_jumps(ns):
    with pytest.raises(ValueError, match="a = 0"):
        ns[CONTROL_FLOW]["control_flow_view"](0.0)
    x, y = ns[CONTROL_FLOW]["f_curve"](1)
    jumps = [j for j in range(1, 30) if 1e-3 < 1000 / 2**j < 10]  # |a| = 1000 / 2^j
    assert int(y.isnan().sum()) == len(jumps) == 13


def test_backprop_steps_end_at_autograds_gradients(ns):
    import torch

    steps = ns[BACKPROP]["backprop_steps"](2.0)
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


@pytest.mark.parametrize(
    "path, make, control, value, describe",
    [
        (TANGENT, "tangent_explorer", 0, 2.0, lambda n: n["describe_tangent"](n["tangent_view"](2.0))),
        (CONTROL_FLOW, "control_flow_explorer", (0, 0), 0.3,
         lambda n: n["describe_control_flow"](n["control_flow_view"](0.3))),
        (BACKPROP, "backprop_explorer", 0, 7,
         lambda n: n["describe_step"](n["backprop_steps"](2.0), 7)[0]),
    ],
    ids=["tangent", "control-flow", "backprop"],
)  # fmt: skip
def test_each_control_is_wired_to_its_function(ns, path, make, control, value, describe):
    widget = ns[path][make]()
    target = (
        widget.children[control[0]].children[control[1]]
        if isinstance(control, tuple)
        else widget.children[control]
    )
    assert target.description  # every control has a text label
    before = readout(widget)
    target.value = value
    assert readout(widget) == describe(ns[path]) != before


KEYBOARD = [  # (notebook, slider index on the page, keys pressed on it, expected readout)
    (TANGENT, 0, ["ArrowRight"], lambda n: n["describe_tangent"](n["tangent_view"](1.1))),
    (CONTROL_FLOW, 0, ["ArrowRight"],
     lambda n: n["describe_control_flow"](n["control_flow_view"](10**0.01))),
    (BACKPROP, 0, ["ArrowRight"] * 7, lambda n: n["describe_step"](n["backprop_steps"](2.0), 7)[0]),
]  # fmt: skip


@pytest.mark.browser
@pytest.mark.parametrize(
    "path, slider, keys, expected", KEYBOARD, ids=["tangent", "control-flow", "backprop"]
)
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
        want = " ".join(expected(ns[path]).split())  # HTML shows runs of spaces as one
        nb.wait(
            f"the readout to show {want!r}", lambda: " ".join(shown.inner_text().split()) == want
        )
    finally:
        shown.scroll_into_view_if_needed()
        nb.screenshot(f"explorer-{path.stem}")
    assert want != " ".join(before.split())
