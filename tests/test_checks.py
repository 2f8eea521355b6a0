"""The workbook's self-check functions, tested without a kernel.

The check cell of notebooks/2.5.5-exercises.ipynb (tagged `checks`) and each solution's answer
cell (tagged `answer`) are executed here as plain Python, so what is tested is exactly what
students run.  Every check must accept the worked solution and reject typical wrong answers
with a clear message (never a traceback).
"""

from __future__ import annotations

import linecache
import math

import pytest
from nbutil import ROOT, load, source, tags


def _exec_tagged(path, tag: str, namespace: dict) -> dict:
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] == "code" and tag in tags(cell):
            code = source(cell)
            filename = f"<{path.name}:{tag}:{i}>"
            # Register the source so inspect.getsource works on functions defined there.
            linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
            exec(compile(code, filename, "exec"), namespace)  # noqa: S102 - our own notebooks
    return namespace


@pytest.fixture(scope="module")
def checks() -> dict:
    ns = _exec_tagged(ROOT / "notebooks" / "2.5.5-exercises.ipynb", "checks", {})
    assert all(f"check_ex{i}" in ns for i in range(1, 10))
    return ns


def answer(stem: str) -> dict:
    import torch

    ns = {"torch": torch, "math": math}
    if "ex3" in stem:  # the answer cell uses the lesson's f, defined in the setup cell
        ns = _exec_tagged_setup(ROOT / "solutions" / f"{stem}.ipynb", ns)
    return _exec_tagged(ROOT / "solutions" / f"{stem}.ipynb", "answer", ns)


def _exec_tagged_setup(path, ns: dict) -> dict:
    first_code = next(c for c in load(path)["cells"] if c["cell_type"] == "code")
    exec(source(first_code), ns)  # noqa: S102
    return ns


def accepts(feedback) -> None:
    assert feedback.ok, str(feedback)
    assert str(feedback).startswith("✓")


def rejects(feedback, *words: str) -> None:
    assert not feedback.ok, f"wrong answer accepted: {feedback}"
    assert str(feedback).startswith("✗")
    for w in words:
        assert w in feedback, f"expected {w!r} in: {feedback}"


def test_ex1(checks):
    import torch

    sd = answer("2.5.5-ex1-second-derivative-cost")["second_derivative"]
    accepts(checks["check_ex1"](sd))

    def first_only(f, x):
        x = x.detach().requires_grad_(True)
        return torch.autograd.grad(f(x).sum(), x)[0]

    def no_create_graph(f, x):
        x = x.detach().requires_grad_(True)
        (dy,) = torch.autograd.grad(f(x).sum(), x)
        return torch.autograd.grad(dy.sum(), x)[0]

    rejects(checks["check_ex1"](first_only), "一阶导数")
    rejects(checks["check_ex1"](no_create_graph), "create_graph=True")
    rejects(checks["check_ex1"](lambda f, x: None), "还没有作答")
    rejects(checks["check_ex1"](lambda f, x: -sd(f, x)), "符号")
    rejects(checks["check_ex1"](lambda f, x: sd(f, x)[:2]), "形状")
    rejects(checks["check_ex1"]("6x"), "应该是一个函数")


def test_ex2(checks):
    import torch

    accepts(checks["check_ex2"](answer("2.5.5-ex2-backward-twice")["ex2_answer"]))
    x = torch.arange(4.0)
    rejects(checks["check_ex2"](2 * x), "累加")
    rejects(checks["check_ex2"](torch.zeros(4)), "清零")
    rejects(checks["check_ex2"](4 * x[:3]), "形状应为 (4,)")
    rejects(checks["check_ex2"](None), "还没有作答", "ex2_answer")
    rejects(checks["check_ex2"]("tensor([0, 4, 8, 12])"), "torch.Tensor", "str")
    rejects(checks["check_ex2"](torch.tensor([0.0, 4.0, 9.0, 12.0])), "第 2 个元素", "应为 8")


def test_ex3(checks):
    import torch

    ns = answer("2.5.5-ex3-vector-input-control-flow")
    a, grad = ns["a"], ns["ex3_answer"]
    accepts(checks["check_ex3"](a, grad))
    rejects(checks["check_ex3"](a, torch.ones(3)), "对 a 本身")
    rejects(checks["check_ex3"](a, grad / 2), "b = a * 2")
    rejects(checks["check_ex3"](a, 2 * grad), "清零")
    rejects(checks["check_ex3"](a, grad[0]), "形状")
    rejects(checks["check_ex3"](a, "51200"), "torch.Tensor")
    rejects(checks["check_ex3"](torch.tensor(1.0), grad), "向量或矩阵")
    matrix = torch.randn(2, 3, generator=torch.Generator().manual_seed(3))
    probe = matrix.clone().requires_grad_(True)
    ns["f"](probe).sum().backward()
    accepts(checks["check_ex3"](matrix, probe.grad))


def test_ex4(checks):
    import torch

    ns = answer("2.5.5-ex4-your-own-control-flow")
    accepts(checks["check_ex4"](ns["g"], ns["g_prime"]))

    def no_branch(x):
        return x**2

    def kinked(x):
        if x > 0.3:
            return x
        return -x

    rejects(checks["check_ex4"](ns["g"], lambda x: -ns["g_prime"](x)), "符号反了")
    rejects(checks["check_ex4"](no_branch, lambda x: 2 * x), "没有 if")
    rejects(checks["check_ex4"](ns["g"], None), "还没有作答")
    rejects(checks["check_ex4"](ns["g"], "1/(2 sqrt x)"), "都应该是函数")
    rejects(
        checks["check_ex4"](
            lambda x: torch.tensor(1.0) if x > 5 else torch.tensor(2.0), lambda x: x
        ),
        "依赖于 x",
    )
    rejects(checks["check_ex4"](kinked, lambda x: torch.sign(x - 0.3)), "不可导")


def test_ex5(checks):
    import torch

    ns = answer("2.5.5-ex5-plot-sin-and-derivative")
    x, grad = ns["x"], ns["dy_dx"]
    accepts(checks["check_ex5"](x, grad))
    xs = x.detach()
    rejects(checks["check_ex5"](x, torch.sin(xs)), "sin(x) 本身")
    rejects(checks["check_ex5"](x, -torch.cos(xs)), "符号反了")
    rejects(checks["check_ex5"](x, 2 * torch.cos(xs)), "清零")
    rejects(checks["check_ex5"](x, torch.cos(xs)[:50]), "形状")
    rejects(checks["check_ex5"](x, None), "还没有作答", "dy_dx")
    rejects(checks["check_ex5"]([1, 2], grad), "torch.Tensor")


def test_ex6(checks):
    edges = answer("2.5.5-ex6-dependency-graph")["ex6_edges"]
    accepts(checks["check_ex6"](edges))
    accepts(checks["check_ex6"](sorted(edges)))
    rejects(checks["check_ex6"]({(b, a) for a, b in edges}), "方向反了")
    rejects(checks["check_ex6"](edges - {("x", "u5")}), "少了 1 条边", "('x', 'u5')")
    rejects(checks["check_ex6"](edges | {("u1", "u3")}), "多了 1 条边")
    rejects(checks["check_ex6"]("x->u1"), "集合")
    rejects(checks["check_ex6"]([("x", "u1", "u2")]), "两个名字")
    rejects(checks["check_ex6"](None), "还没有作答")


def test_ex7(checks):
    import torch

    good = answer("2.5.5-ex7-chain-rule-on-the-graph")["df_dx"]
    accepts(checks["check_ex7"](good))
    rejects(checks["check_ex7"](lambda x: good(x) + 2 * x**-2), "符号反了")
    rejects(
        checks["check_ex7"](lambda x: torch.log(x**2) * torch.cos(x) - x**-2), "乘积求导少了一项"
    )
    rejects(
        checks["check_ex7"](
            lambda x: 1 / x**2 * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
        ),
        "2x",
    )
    rejects(checks["check_ex7"](lambda x: 1 / 0), "ZeroDivisionError")
    rejects(checks["check_ex7"]("2/x sin x"), "应该是一个函数")
    rejects(checks["check_ex7"](lambda x: good(x)[:2]), "形状")


def test_ex8(checks):
    ns = answer("2.5.5-ex8-forward-and-backward-evaluation")
    fwd, rev = ns["forward_mode"], ns["reverse_mode"]
    accepts(checks["check_ex8"](fwd, rev))
    rejects(checks["check_ex8"](fwd, lambda x: rev(x)[1]), "应返回 (f(x), df/dx)")
    rejects(checks["check_ex8"](lambda x: (fwd(x)[0], -fwd(x)[1]), rev), "符号反了")
    rejects(checks["check_ex8"](lambda x: (fwd(x)[0] + 1, fwd(x)[1]), rev), "函数值")
    rejects(checks["check_ex8"](None, rev), "还没有作答")


def test_ex9(checks):
    good = answer("2.5.5-ex9-forward-or-reverse-mode")["ex9_answer"]
    accepts(checks["check_ex9"](good))
    accepts(checks["check_ex9"]({"A": "反向", "B": "正向", "C": "Forward "}))
    rejects(
        checks["check_ex9"]({"A": "forward", "B": "reverse", "C": "forward"}), "2 个情形不对", "10⁶"
    )
    rejects(checks["check_ex9"]({"A": "reverse", "B": "forward"}), "缺少情形 C")
    rejects(checks["check_ex9"]({"A": "reverse", "B": 1, "C": "forward"}), "'forward' 或 'reverse'")
    rejects(checks["check_ex9"]("reverse"), "应该是字典")
    rejects(checks["check_ex9"](None), "还没有作答")


def test_untouched_workbook_says_not_attempted():
    """In its committed state every check cell reports 'not attempted', not an error."""
    nb = load(ROOT / "notebooks" / "2.5.5-exercises.ipynb")
    outputs = [
        o
        for c in nb["cells"]
        if c["cell_type"] == "code" and source(c).startswith("check_ex")
        for o in c["outputs"]
    ]
    assert len(outputs) == 9
    assert all("还没有作答" in "".join(o["data"]["text/plain"]) for o in outputs)
