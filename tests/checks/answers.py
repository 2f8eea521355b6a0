"""The student-answer table: what a student might type into an answer cell, the check call below
it, the verdict a good teacher would give, and a phrase the feedback must contain (for a wrong
answer: the hint), as the Chinese checks say it; `EN` gives the English checks' phrase for each
Chinese one. Every row is checked in every language: tests/test_grade.py checks each row in one
language (the languages taking turns, `JUDGED`) and compares the grader's judge with it there;
tests/checks/test_answers.py checks it in the others (`LOCAL`). `assert_feedback` is what both
require of the feedback.
"""

from __future__ import annotations

import signal

from autograd_checks import messages
from tools.editions import CJK

HANG_LIMIT_S = 0.1  # CHECK_TIME_LIMIT for the rows whose student code never finishes

# (id, student code, check call, accepted?, phrase the feedback must contain)
# fmt: off
CASES = [
    # ---- ex1
    ("ex1-autograd-grad-twice", """
def second_derivative(f, x):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return torch.autograd.grad(g.sum(), x)[0]
""", "check_ex1(second_derivative)", True, "6x"),
    ("ex1-backward-route", """
def second_derivative(f, x):
    x.requires_grad_(True)
    f(x).sum().backward(create_graph=True)
    g = x.grad
    x.grad = None
    g.sum().backward()
    return x.grad
""", "check_ex1(second_derivative)", True, "正确"),
    ("ex1-torch-func", """
from torch.func import grad, vmap
def second_derivative(f, x):
    return vmap(grad(grad(f)))(x)
""", "check_ex1(second_derivative)", True, "正确"),
    ("ex1-grad-outputs", """
def second_derivative(f, x):
    x = x.clone().requires_grad_()
    y = f(x)
    dy = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True)[0]
    return torch.autograd.grad(dy, x, grad_outputs=torch.ones_like(dy))[0]
""", "check_ex1(second_derivative)", True, "正确"),
    ("ex1-list-of-floats", """
def second_derivative(f, x):
    out = []
    for v in x:
        t = v.clone().requires_grad_(True)
        (d1,) = torch.autograd.grad(f(t), t, create_graph=True)
        out.append(torch.autograd.grad(d1, t)[0].item())
    return out
""", "check_ex1(second_derivative)", True, "正确"),
    ("ex1-first-derivative-only", """
def second_derivative(f, x):
    x = x.detach().requires_grad_(True)
    return torch.autograd.grad(f(x).sum(), x)[0]
""", "check_ex1(second_derivative)", False, "一阶导数"),
    ("ex1-no-create-graph", """
def second_derivative(f, x):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x)
    return torch.autograd.grad(g.sum(), x)[0]
""", "check_ex1(second_derivative)", False, "create_graph=True"),
    ("ex1-x-not-marked", """
def second_derivative(f, x):
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return torch.autograd.grad(g.sum(), x)[0]
""", "check_ex1(second_derivative)", False, "requires_grad_(True)"),
    ("ex1-grad-not-reset", """
def second_derivative(f, x):
    x.requires_grad_(True)
    f(x).sum().backward(create_graph=True)
    x.grad.sum().backward()
    return x.grad
""", "check_ex1(second_derivative)", False, "x.grad = None"),
    ("ex1-forgot-return", """
def second_derivative(f, x):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    d2 = torch.autograd.grad(g.sum(), x)[0]
""", "check_ex1(second_derivative)", False, "return"),
    ("ex1-not-a-function", "second_derivative = '6x'", "check_ex1(second_derivative)", False, "应该是一个函数"),
    # ---- ex2
    ("ex2-retain-graph-clone", """
y.sum().backward(retain_graph=True)
y.sum().backward()
ex2_answer = x.grad.clone()
""", "check_ex2(ex2_answer)", True, "正确"),
    ("ex2-alias-not-zeroed", """
y.sum().backward(retain_graph=True)
y.sum().backward()
ex2_answer = x.grad
""", "check_ex2(ex2_answer)", True, "正确"),
    ("ex2-autograd-grad-sum", """
(g1,) = torch.autograd.grad(y.sum(), x, retain_graph=True)
(g2,) = torch.autograd.grad(y.sum(), x)
ex2_answer = g1 + g2
""", "check_ex2(ex2_answer)", True, "正确"),
    ("ex2-as-list", """
y.sum().backward(retain_graph=True)
y.sum().backward()
ex2_answer = x.grad.tolist()
""", "check_ex2(ex2_answer)", True, "正确"),
    ("ex2-one-backward", """
y.sum().backward()
ex2_answer = x.grad
""", "check_ex2(ex2_answer)", False, "一次反向传播"),
    ("ex2-zeroed-between", """
y.sum().backward(retain_graph=True)
x.grad.zero_()
y.sum().backward()
ex2_answer = x.grad
""", "check_ex2(ex2_answer)", False, "清零"),
    ("ex2-alias-then-zeroed", """
y.sum().backward(retain_graph=True)
y.sum().backward()
ex2_answer = x.grad
x.grad.zero_()
""", "check_ex2(ex2_answer)", False, "clone()"),
    ("ex2-three-times", """
for _ in range(3):
    y.sum().backward(retain_graph=True)
ex2_answer = x.grad
""", "check_ex2(ex2_answer)", False, "3 次"),
    ("ex2-the-values-of-y", """
ex2_answer = y
""", "check_ex2(ex2_answer)", False, "不是梯度"),
    ("ex2-a-string", "ex2_answer = 'RuntimeError'", "check_ex2(ex2_answer)", False, "str"),
    ("ex2-wrong-element", 'ex2_answer = torch.tensor([0.0, 4.0, 9.0, 12.0])', "check_ex2(ex2_answer)", False, "下标为 2 的元素"),
    # ---- ex3
    ("ex3-sum-backward", """
a = torch.randn(size=(3,), requires_grad=True)
d = f(a)
d.sum().backward()
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", True, "正确"),
    ("ex3-ones-like", """
a = torch.randn(size=(3,), requires_grad=True)
d = f(a)
d.backward(torch.ones_like(d))
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", True, "正确"),
    ("ex3-autograd-grad", """
a = torch.randn(size=(3,), requires_grad=True)
(ex3_answer,) = torch.autograd.grad(f(a).sum(), a)
""", "check_ex3(a, ex3_answer)", True, "正确"),
    ("ex3-matrix", """
a = torch.randn(size=(2, 3), requires_grad=True)
f(a).sum().backward()
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", True, "正确"),
    ("ex3-mean-instead-of-sum", """
a = torch.randn(size=(3,), requires_grad=True)
f(a).mean().backward()
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", False, "d.mean()"),
    ("ex3-sum-of-a", """
a = torch.randn(size=(3,), requires_grad=True)
a.sum().backward()
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", False, "对 a 本身"),
    ("ex3-backward-twice", """
a = torch.randn(size=(3,), requires_grad=True)
d = f(a)
d.sum().backward(retain_graph=True)
d.sum().backward()
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", False, "2 倍"),
    ("ex3-the-output", """
a = torch.randn(size=(3,), requires_grad=True)
ex3_answer = f(a)
""", "check_ex3(a, ex3_answer)", False, "d = f(a) 的值"),
    ("ex3-one-element", """
a = torch.randn(size=(3,), requires_grad=True)
f(a).sum().backward()
ex3_answer = a.grad[0]
""", "check_ex3(a, ex3_answer)", False, "形状"),
    ("ex3-scalar-a", """
a = torch.randn(size=(), requires_grad=True)
f(a).backward()
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", False, "向量或矩阵"),
    # ---- ex4
    ("ex4-sign-branch", """
def g(x):
    if x > 0:
        return torch.sqrt(x)
    return x**2

def g_prime(x):
    if x > 0:
        return 1 / (2 * torch.sqrt(x))
    return 2 * x
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-constant-branch", """
def g(x):
    if x > 1:
        return x**2
    else:
        return torch.tensor(1.0)

def g_prime(x):
    return 2 * x if x > 1 else 0
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-while-loop", """
def g(x):
    y = x
    while y.abs() < 7:
        y = y * 2
    return y

def g_prime(x):
    k = 1.0
    while abs(x.item() * k) < 7:
        k *= 2
    return k
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-for-loop-polynomial", """
def g(x):
    y = torch.zeros(())
    for k in range(1, 4):
        y = y + x**k / k
    return y

def g_prime(x):
    return 1 + x + x**2
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-lambdas-with-if-expression", """
g = lambda x: x**3 if x > 0 else -(x**2)
g_prime = lambda x: 3 * x**2 if x > 0 else -2 * x
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-branch-in-a-helper", """
def piece(x):
    if x < 1:
        return torch.exp(x)
    return math.e * x

def g(x):
    return 3 * piece(x)

def g_prime(x):
    return 3 * torch.exp(x) if x < 1 else 3 * math.e
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-float-derivative", """
def g(x):
    if x >= 0:
        return x**2
    return -(x**2)

def g_prime(x):
    return 2 * abs(float(x))
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-if-only-in-a-comment", """
def g(x):
    # if x > 0 我本来想分两种情况
    return x**2

def g_prime(x):
    return 2 * x
""", "check_ex4(g, g_prime)", False, "注释里的字不算"),
    ("ex4-sign-error", """
def g(x):
    if x > 0:
        return x**3
    return x**2

def g_prime(x):
    return -3 * x**2 if x > 0 else -2 * x
""", "check_ex4(g, g_prime)", False, "符号反了"),
    ("ex4-wrong-sqrt-derivative", """
def g(x):
    if x > 0:
        return torch.sqrt(x)
    return x**2

def g_prime(x):
    return 1 / torch.sqrt(x) if x > 0 else 2 * x
""", "check_ex4(g, g_prime)", False, "g_prime(0.3)"),
    ("ex4-outside-the-domain", """
def g(x):
    if x > -1:
        return torch.sqrt(x)
    return x**2

def g_prime(x):
    return 1 / (2 * torch.sqrt(x)) if x > -1 else 2 * x
""", "check_ex4(g, g_prime)", False, "定义域"),
    ("ex4-kink-on-a-check-point", """
def g(x):
    if x > 0.3:
        return x
    return -x

def g_prime(x):
    return 1.0 if x > 0.3 else -1.0
""", "check_ex4(g, g_prime)", False, "不可导"),
    ("ex4-constant-everywhere", """
def g(x):
    if x > 0:
        return torch.tensor(1.0)
    return torch.tensor(-1.0)

def g_prime(x):
    return 0.0
""", "check_ex4(g, g_prime)", False, "都返回常数"),
    ("ex4-no-derivative-yet", """
def g(x):
    if x > 0:
        return x**2
    return x
g_prime = None
""", "check_ex4(g, g_prime)", False, "还没有作答"),
    # ---- ex5
    ("ex5-sum-backward", """
y.sum().backward()
dy_dx = x.grad
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-ones-like", """
y.backward(torch.ones_like(y))
dy_dx = x.grad
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-autograd-grad", """
(dy_dx,) = torch.autograd.grad(y.sum(), x)
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-torch-func", """
dy_dx = torch.func.vmap(torch.func.grad(torch.sin))(x.detach())
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-cos-only-to-check", """
y.sum().backward()
dy_dx = x.grad
print(torch.allclose(dy_dx, torch.cos(x)))  # 用 cos 核对一下
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-numpy-array", """
y.sum().backward()
dy_dx = x.grad.numpy()
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-torch-cos", """
dy_dx = torch.cos(x)
""", "check_ex5(x, dy_dx)", False, "不许用 cos"),
    ("ex5-cos-of-detached", """
dy_dx = torch.cos(x.detach())
""", "check_ex5(x, dy_dx)", False, "不许用 cos"),
    ("ex5-cos-through-a-name", """
c = x.detach().cos()
dy_dx = c
""", "check_ex5(x, dy_dx)", False, "不许用 cos"),
    ("ex5-the-function-itself", """
dy_dx = y
""", "check_ex5(x, dy_dx)", False, "sin(x) 本身"),
    ("ex5-backward-twice", """
y.sum().backward(retain_graph=True)
y.sum().backward()
dy_dx = x.grad
""", "check_ex5(x, dy_dx)", False, "2 倍"),
    ("ex5-half-the-grid", """
y.sum().backward()
dy_dx = x.grad[:50]
""", "check_ex5(x, dy_dx)", False, "形状"),
    # ---- ex6
    ("ex6-set-of-tuples", """
ex6_edges = {("x", "u1"), ("u1", "u2"), ("x", "u3"), ("u2", "u4"), ("u3", "u4"),
             ("x", "u5"), ("u4", "f"), ("u5", "f")}
""", "check_ex6(ex6_edges)", True, "三条路径"),
    ("ex6-list-of-lists", """
ex6_edges = [["x", "u1"], ["u1", "u2"], ["x", "u3"], ["u2", "u4"], ["u3", "u4"],
             ["x", "u5"], ["u4", "f"], ["u5", "f"]]
""", "check_ex6(ex6_edges)", True, "正确"),
    ("ex6-arrow-strings", '\nex6_edges = ["x -> u1", "u1 -> u2", "x -> u3", "u2 -> u4", "u3 -> u4", "x -> u5", "u4 -> f", "u5 -> f"]\n', "check_ex6(ex6_edges)", True, "正确"),
    ("ex6-adjacency-dict", '\nex6_edges = {"x": ["u1", "u3", "u5"], "u1": ["u2"], "u2": ["u4"], "u3": ["u4"], "u4": ["f"], "u5": "f"}\n', "check_ex6(ex6_edges)", True, "正确"),
    ("ex6-capitals-and-subscripts", """
ex6_edges = {("X", "U1"), ("u₁", "u₂"), ("X", "U3"), ("u_2", "u_4"), ("U3", "U4"),
             ("x", "u5"), ("u4", "F"), ("u5", "f(x)")}
""", "check_ex6(ex6_edges)", True, "正确"),
    ("ex6-reversed", """
ex6_edges = {("u1", "x"), ("u2", "u1"), ("u3", "x"), ("u4", "u2"), ("u4", "u3"),
             ("u5", "x"), ("f", "u4"), ("f", "u5")}
""", "check_ex6(ex6_edges)", False, "方向反了"),
    ("ex6-missing-the-reciprocal", '\nex6_edges = {("x", "u1"), ("u1", "u2"), ("x", "u3"), ("u2", "u4"), ("u3", "u4"), ("u4", "f"), ("u5", "f")}\n', "check_ex6(ex6_edges)", False, "('x', 'u5')"),
    ("ex6-extra-edge", """
ex6_edges = {("x", "u1"), ("u1", "u2"), ("x", "u3"), ("u2", "u4"), ("u3", "u4"),
             ("x", "u5"), ("u4", "f"), ("u5", "f"), ("u1", "u3")}
""", "check_ex6(ex6_edges)", False, "多了 1 条边"),
    ("ex6-unknown-node", '\nex6_edges = {("x", "v1"), ("v1", "u2")}\n', "check_ex6(ex6_edges)", False, "不认识的节点名"),
    ("ex6-one-long-string", 'ex6_edges = "x->u1, u1->u2"', "check_ex6(ex6_edges)", False, "集合"),
    # ---- ex7
    ("ex7-closed-form", """
def df_dx(x):
    return 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
""", "check_ex7(df_dx)", True, "正确"),
    ("ex7-path-by-path", """
def df_dx(x):
    u1 = x**2
    u2 = torch.log(u1)
    u3 = torch.sin(x)
    via_u1 = 2 * x * (1 / u1) * u3
    via_u3 = torch.cos(x) * u2
    via_u5 = -1 / x**2
    return via_u1 + via_u3 + via_u5
""", "check_ex7(df_dx)", True, "正确"),
    ("ex7-numpy-functions", """
import numpy as np
def df_dx(x):
    x = x.numpy()
    return 2 / x * np.sin(x) + np.log(x**2) * np.cos(x) - 1 / x**2
""", "check_ex7(df_dx)", True, "正确"),
    ("ex7-sign-of-reciprocal", """
def df_dx(x):
    return 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) + x**-2
""", "check_ex7(df_dx)", False, "符号反了"),
    ("ex7-product-rule-half", """
def df_dx(x):
    return torch.log(x**2) * torch.cos(x) - x**-2
""", "check_ex7(df_dx)", False, "乘积求导少了一项"),
    ("ex7-forgot-inner-derivative", """
def df_dx(x):
    return 1 / x**2 * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
""", "check_ex7(df_dx)", False, "(x²)' = 2x"),
    ("ex7-two-log-x", """
def df_dx(x):
    return 2 / x * torch.sin(x) + 2 * torch.log(x) * torch.cos(x) - x**-2
""", "check_ex7(df_dx)", False, "2·log(x)"),
    ("ex7-used-autograd", """
def df_dx(x):
    x = x.clone().requires_grad_(True)
    (torch.log(x**2) * torch.sin(x) + 1 / x).sum().backward()
    return x.grad
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex7-math-on-a-tensor", """
def df_dx(x):
    return 2 / x * math.sin(x) + math.log(x**2) * math.cos(x) - x**-2
""", "check_ex7(df_dx)", False, "torch.sin"),
    # ---- ex8
    ("ex8-by-hand", """
def forward_mode(x):
    u1, du1 = x**2, 2 * x
    u2, du2 = torch.log(u1), du1 / u1
    u3, du3 = torch.sin(x), torch.cos(x)
    u4, du4 = u2 * u3, du2 * u3 + u2 * du3
    u5, du5 = 1 / x, -1 / x**2
    return u4 + u5, du4 + du5

def reverse_mode(x):
    u1 = x**2; u2 = torch.log(u1); u3 = torch.sin(x); u4 = u2 * u3; u5 = 1 / x
    f_bar = 1.0
    u4_bar = u5_bar = f_bar
    u2_bar, u3_bar = u4_bar * u3, u4_bar * u2
    u1_bar = u2_bar / u1
    x_bar = u1_bar * 2 * x + u3_bar * torch.cos(x) - u5_bar / x**2
    return u4 + u5, x_bar
""", "check_ex8(forward_mode, reverse_mode)", True, "同一个导数"),
    ("ex8-torch-apis-and-lists", """
def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

def forward_mode(x):
    value, tangent = torch.func.jvp(f, (x,), (torch.ones_like(x),))
    return [value, tangent]

def reverse_mode(x):
    x = x.clone().requires_grad_(True)
    y = f(x)
    y.backward()
    return [y.item(), x.grad.item()]
""", "check_ex8(forward_mode, reverse_mode)", True, "正确"),
    ("ex8-reverse-misses-a-path", """
def forward_mode(x):
    x = x.clone().requires_grad_(True)
    y = torch.log(x**2) * torch.sin(x) + 1 / x
    y.backward()
    return y, x.grad

def reverse_mode(x):
    u1 = x**2; u2 = torch.log(u1); u3 = torch.sin(x)
    x_bar = u3 / u1 * 2 * x + u2 * torch.cos(x)
    return u2 * u3 + 1 / x, x_bar
""", "check_ex8(forward_mode, reverse_mode)", False, "经过 u5"),
    ("ex8-swapped-order", """
def forward_mode(x):
    f = torch.log(x**2) * torch.sin(x) + 1 / x
    df = 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
    return df, f
reverse_mode = forward_mode
""", "check_ex8(forward_mode, reverse_mode)", False, "顺序反了"),
    ("ex8-only-the-derivative", """
def forward_mode(x):
    return 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
reverse_mode = forward_mode
""", "check_ex8(forward_mode, reverse_mode)", False, "两个值"),
    ("ex8-value-missing-a-term", """
def forward_mode(x):
    return torch.log(x**2) * torch.sin(x), 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
reverse_mode = forward_mode
""", "check_ex8(forward_mode, reverse_mode)", False, "函数值"),
    ("ex8-not-started", """
forward_mode = None
reverse_mode = None""", "check_ex8(forward_mode, reverse_mode)", False, "还没有作答"),
    # ---- ex9
    ("ex9-english", 'ex9_answer = {"A": "reverse", "B": "forward", "C": "forward"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-chinese", 'ex9_answer = {"A": "反向", "B": "正向", "C": "正向"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-mode-forms-lower-keys", 'ex9_answer = {"a": "Reverse mode", "b": "forward-mode", "c": "前向模式"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-list-and-jargon", 'ex9_answer = ["backprop", "Forward AD", "jvp"]', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-chinese-phrases", 'ex9_answer = {"A": "反向传播", "B": "正向模式", "C": "正向累积"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-a-and-b-swapped", 'ex9_answer = {"A": "forward", "B": "reverse", "C": "forward"}', "check_ex9(ex9_answer)", False, "10⁶"),
    ("ex9-c-reverse", 'ex9_answer = {"A": "reverse", "B": "forward", "C": "reverse"}', "check_ex9(ex9_answer)", False, "不需要保存中间结果"),
    ("ex9-missing-c", 'ex9_answer = {"A": "reverse", "B": "forward"}', "check_ex9(ex9_answer)", False, "缺少情形 C"),
    ("ex9-a-number", 'ex9_answer = {"A": "reverse", "B": 1, "C": "forward"}', "check_ex9(ex9_answer)", False, "'forward'（正向）或 'reverse'（反向）"),
    ("ex9-unknown-word", 'ex9_answer = {"A": "symbolic", "B": "forward", "C": "forward"}', "check_ex9(ex9_answer)", False, "收到的是 str 'symbolic'"),
    ("ex9-one-word", 'ex9_answer = "reverse"', "check_ex9(ex9_answer)", False, "应该是字典"),
    # ---- found by trying the checks as students: forms that must pass, mistakes that need their own hint
    ("ex2-backward-without-parentheses", """
y.sum().backward
y.sum().backward
ex2_answer = x.grad
""", "check_ex2(ex2_answer)", False, "backward()"),
    ("ex3-gradient-equals-a", """
a = torch.randn(size=(3,), requires_grad=True)
d = f(a)
d.backward(a)
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", False, "gradient=a"),
    ("ex4-float32-accumulator", """
def g(x):
    y = torch.zeros(1)
    for k in range(1, 4):
        y = y + x**k / k
    return y

def g_prime(x):
    return 1 + x + x**2
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-math-breaks-the-graph", """
def g(x):
    if x > 0:
        return math.sin(x)
    return x**2

def g_prime(x):
    return math.cos(x) if x > 0 else 2 * x
""", "check_ex4(g, g_prime)", False, "切断计算图"),
    ("ex4-derivative-by-autograd", """
def g(x):
    return x**3 if x > 0 else x**2

def g_prime(x):
    x = x.detach().requires_grad_(True)
    return torch.autograd.grad(g(x), x)[0]
""", "check_ex4(g, g_prime)", False, "手推"),
    ("ex5-tuple-with-a-cos-check", """
y.sum().backward()
dy_dx, expected = x.grad, torch.cos(x.detach())
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-name-reused-after", """
dy_dx = torch.autograd.grad(y.sum(), x)[0]
y = torch.cos(x)  # 对照
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-temp-name-reused", """
ref = torch.cos(x.detach())
y.sum().backward()
ref = x.grad
dy_dx = ref
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-mean", """
y.mean().backward()
dy_dx = x.grad
""", "check_ex5(x, dy_dx)", False, "y.mean()"),
    ("ex5-autograd-grad-then-x-grad", """
torch.autograd.grad(y.sum(), x)
dy_dx = x.grad
""", "check_ex5(x, dy_dx)", False, "不写入 .grad"),
    ("ex6-adjacency-with-an-empty-sink", """
ex6_edges = {"x": ["u1", "u3", "u5"], "u1": ["u2"], "u2": ["u4"], "u3": ["u4"], "u4": ["f"], "u5": ["f"], "f": None}
""", "check_ex6(ex6_edges)", True, "正确"),
    ("ex7-local-variable-named-grad", """
from torch.autograd import grad
def df_dx(x):
    grad = 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x)
    return grad - x**-2
""", "check_ex7(df_dx)", True, "正确"),
    ("ex7-own-adjoint-class", """
class Node:
    def __init__(self, value):
        self.value, self.grad = value, 0.0

def df_dx(x):
    u1, u3 = Node(x**2), Node(torch.sin(x))
    u2 = Node(torch.log(u1.value))
    u2.grad, u3.grad = u3.value, u2.value
    u1.grad = u2.grad / u1.value
    return u1.grad * 2 * x + u3.grad * torch.cos(x) - x**-2
""", "check_ex7(df_dx)", True, "正确"),
    ("ex7-torch-func", """
from torch.func import grad, vmap
def df_dx(x):
    return vmap(grad(lambda t: torch.log(t**2) * torch.sin(t) + 1 / t))(x)
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex7-forward-ad", """
import torch.autograd.forward_ad as fwAD
def df_dx(x):
    with fwAD.dual_level():
        t = fwAD.make_dual(x, torch.ones_like(x))
        return fwAD.unpack_dual(torch.log(t**2) * torch.sin(t) + 1 / t).tangent
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex8-forward-misses-the-product-rule", """
def forward_mode(x):
    u1, du1 = x**2, 2 * x
    u2, du2 = torch.log(u1), du1 / u1
    u3, du3 = torch.sin(x), torch.cos(x)
    u4, du4 = u2 * u3, du2 * u3
    u5, du5 = 1 / x, -1 / x**2
    return u4 + u5, du4 + du5
reverse_mode = forward_mode
""", "check_ex8(forward_mode, reverse_mode)", False, "乘积法则"),
    ("ex8-reverse-overwrites-x-bar", """
def forward_mode(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x, 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2

def reverse_mode(x):
    u1 = x**2; u2 = torch.log(u1); u3 = torch.sin(x)
    x_bar = 2 * x * u3 / u1
    x_bar = torch.cos(x) * u2
    x_bar = -1 / x**2
    return u2 * u3 + 1 / x, x_bar
""", "check_ex8(forward_mode, reverse_mode)", False, "不要覆盖"),
    ("ex9-long-words-and-brackets", 'ex9_answer = {"A": "reverse mode automatic differentiation", "B": "forward（正向）", "C": "前向积累"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-pairs-with-case-keys", 'ex9_answer = [("情形A", "逆向模式"), ("情形B", "forward"), ("情形C", "jvp")]', "check_ex9(ex9_answer)", True, "正确"),
    # ---- issue 15: every hint true; disguised forbidden routes; time limits; more containers
    ("ex1-zeroed-first-derivative", """
def second_derivative(f, x):
    x.requires_grad_(True)
    f(x).sum().backward(create_graph=True)
    g = x.grad
    x.grad.zero_()
    g.sum().backward()
    return x.grad
""", "check_ex1(second_derivative)", False, "zero_() 把它原地清成了 0"),
    ("ex1-hint-remedy-applied", """
def second_derivative(f, x):
    x.requires_grad_(True)
    f(x).sum().backward(create_graph=True)
    g = x.grad
    x.grad = None
    g.sum().backward()
    return x.grad
""", "check_ex1(second_derivative)", True, "正确"),
    ("ex1-numpy-array", """
def second_derivative(f, x):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return torch.autograd.grad(g.sum(), x)[0].numpy()
""", "check_ex1(second_derivative)", True, "正确"),
    ("ex1-the-grad-tuple", """
def second_derivative(f, x):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return torch.autograd.grad(g.sum(), x)
""", "check_ex1(second_derivative)", True, "正确"),
    ("ex1-hangs", """
def second_derivative(f, x):
    while True:
        pass
""", "check_ex1(second_derivative)", False, "秒内没有运行完"),
    ("ex1-hangs-and-swallows-the-interrupt", """
import time
def second_derivative(f, x):
    try:
        time.sleep(30)
    except BaseException:
        pass
    return 6 * x
""", "check_ex1(second_derivative)", False, "秒内没有运行完"),
    ("ex2-numpy-array", """
y.sum().backward(retain_graph=True)
y.sum().backward()
ex2_answer = x.grad.numpy().copy()
""", "check_ex2(ex2_answer)", True, "正确"),
    ("ex2-tuple-of-floats", """
y.sum().backward(retain_graph=True)
y.sum().backward()
ex2_answer = tuple(x.grad.tolist())
""", "check_ex2(ex2_answer)", True, "正确"),
    ("ex3-numpy-array", """
a = torch.randn(size=(3,), requires_grad=True)
f(a).sum().backward()
ex3_answer = a.grad.numpy()
""", "check_ex3(a, ex3_answer)", True, "正确"),
    ("ex4-in-place-on-the-leaf", """
def g(x):
    if x > 0:
        x *= 2
        return x**2
    return -x

def g_prime(x):
    return 8 * x if x > 0 else -1.0
""", "check_ex4(g, g_prime)", False, "x = x.clone()"),
    ("ex4-difference-quotient-of-g", """
def g(x):
    if x > 0:
        return x**3
    return x**2

g_prime = lambda x: (g(x + 1e-6) - g(x - 1e-6)) / 2e-6
""", "check_ex4(g, g_prime)", False, "调用 g 做数值差分"),
    ("ex4-difference-quotient-in-a-helper", """
def g(x):
    if x > 0:
        return torch.exp(x)
    return 1 + x

def numerical_derivative(fn, x, h=1e-5):
    return (fn(x + h) - fn(x - h)) / (2 * h)

def g_prime(x):
    return numerical_derivative(g, x)
""", "check_ex4(g, g_prime)", False, "调用 g 做数值差分"),
    ("ex4-difference-quotient-with-a-default", """
def g(x):
    if x > 0:
        return x**3
    return x**2

def g_prime(x, g=g, h=1e-5):
    return (g(x + h) - g(x - h)) / (2 * h)
""", "check_ex4(g, g_prime)", False, "通常来自数值差分"),
    ("ex4-difference-quotient-of-the-formula", """
def g(x):
    if x > 0:
        return x**3
    return x**2

def g_prime(x):
    h = 1e-5
    if x > 0:
        return ((x + h)**3 - (x - h)**3) / (2 * h)
    return ((x + h)**2 - (x - h)**2) / (2 * h)
""", "check_ex4(g, g_prime)", False, "通常来自数值差分"),
    ("ex4-derivative-uses-g-by-hand", """
def g(x):
    if x < 1:
        return torch.exp(x)
    return math.e * x

def g_prime(x):
    return g(x) if x < 1 else math.e
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-wrong-branch-beyond-the-points", """
def g(x):
    if x < 2:
        return x**2
    return x**3 - 4 * x

def g_prime(x):
    if x < 2:
        return 2 * x
    if x < 4:
        return 3 * x**2 - 4
    return 3 * x - 4
""", "check_ex4(g, g_prime)", False, "g_prime(4.25)"),
    ("ex4-wrong-for-large-negative-x", """
def g(x):
    if x > 0:
        return torch.sin(x)
    return x**3

def g_prime(x):
    if x > 0:
        return torch.cos(x)
    if x > -3:
        return 3 * x**2
    return -3 * x**2
""", "check_ex4(g, g_prime)", False, "其他点"),
    ("ex4-undefined-away-from-the-points", """
def g(x):
    if x > -1:
        return torch.sqrt(x + 1)
    return -x

def g_prime(x):
    return 1 / (2 * torch.sqrt(x + 1)) if x > -1 else -1.0
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-numpy-scalars", """
import numpy as np
def g(x):
    if x > 0:
        return x**2
    return -x

def g_prime(x):
    return np.float64(2 * x.item()) if x > 0 else np.array(-1.0)
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-float32-numpy-scalar", """
import numpy as np
def g(x):
    if x > 0:
        return x**2
    return -x

def g_prime(x):
    return np.float32(2 * x.item()) if x > 0 else np.float32(-1)
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-tanh-far-from-the-points", """
def g(x):
    if x > 0:
        return torch.tanh(x)
    return x**3

def g_prime(x):
    return 1 / torch.cosh(x) ** 2 if x > 0 else 3 * x**2
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-hangs-for-negative-x", """
def g(x):
    y = x
    while y < 10:
        y = y * 2
    return y

def g_prime(x):
    k = 1
    while x * k < 10:
        k = k * 2
    return k
""", "check_ex4(g, g_prime)", False, "秒内没有运行完"),
    ("ex5-sin-shifted", """
dy_dx = torch.sin(x.detach() + math.pi / 2)
""", "check_ex5(x, dy_dx)", False, "不是自动求导给出的值"),
    ("ex5-sin-shifted-in-the-graph", """
dy_dx = torch.sin(x + math.pi / 2)
""", "check_ex5(x, dy_dx)", False, "不是自动求导给出的值"),
    ("ex5-finite-difference", """
h = 1e-3
dy_dx = (torch.sin(x.detach() + h) - torch.sin(x.detach() - h)) / (2 * h)
""", "check_ex5(x, dy_dx)", False, "有限差分"),
    ("ex5-finite-difference-in-float64", """
xd = x.detach().double()
h = 1e-5
dy_dx = (torch.sin(xd + h) - torch.sin(xd - h)) / (2 * h)
""", "check_ex5(x, dy_dx)", False, "不是自动求导给出的值"),
    ("ex5-finite-difference-rounded-to-float32", """
xd = x.detach().double()
h = 1e-5
dy_dx = ((torch.sin(xd + h) - torch.sin(xd - h)) / (2 * h)).float()
""", "check_ex5(x, dy_dx)", False, "沿赋值往回找"),
    ("ex5-sin-shifted-in-float64-rounded", """
dy_dx = torch.sin(x.detach().double() + math.pi / 2).float()
""", "check_ex5(x, dy_dx)", False, "沿赋值往回找"),
    ("ex5-finite-difference-in-a-helper", """
def slope(fn, t, h=1e-6):
    t = t.detach().double()
    return ((fn(t + h) - fn(t - h)) / (2 * h)).float()

dy_dx = slope(torch.sin, x)
""", "check_ex5(x, dy_dx)", False, "沿赋值往回找"),
    ("ex5-cos-in-a-helper", """
def derivative_of_sin(t):
    return torch.cos(t)

dy_dx = derivative_of_sin(x.detach())
""", "check_ex5(x, dy_dx)", False, "不许用 cos"),
    ("ex5-cos-under-another-name", """
from numpy import cos as c
dy_dx = c(x.detach().numpy())
""", "check_ex5(x, dy_dx)", False, "不许用 cos"),
    ("ex5-autograd-in-a-helper", """
def derivative(fn, t):
    t = t.detach().requires_grad_(True)
    fn(t).sum().backward()
    return t.grad

dy_dx = derivative(torch.sin, x)
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-one-point-at-a-time", """
out = []
for v in x.detach():
    t = v.clone().requires_grad_(True)
    torch.sin(t).backward()
    out.append(t.grad)
dy_dx = torch.stack(out)
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-list-of-floats", """
y.sum().backward()
dy_dx = x.grad.tolist()
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-autograd-in-float64", """
xd = x.detach().double().requires_grad_(True)
torch.sin(xd).sum().backward()
dy_dx = xd.grad
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-torch-func-alias", """
import torch.func as tf
dy_dx = tf.vmap(tf.grad(torch.sin))(x.detach())
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-jacobian-diagonal", """
from torch.autograd.functional import jacobian
dy_dx = jacobian(torch.sin, x.detach()).diagonal()
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex7-difference-quotient-of-own-f", """
def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

def df_dx(x):
    h = 1e-6
    return (f(x + h) - f(x - h)) / (2 * h)
""", "check_ex7(df_dx)", False, "调用 f 做数值差分"),
    ("ex7-difference-quotient-inline", """
def df_dx(x):
    h = 1e-5
    F = lambda t: torch.log(t**2) * torch.sin(t) + 1 / t
    return (F(x + h) - F(x - h)) / (2 * h)
""", "check_ex7(df_dx)", False, "数值差分"),
    ("ex7-torch-func-alias", """
import torch.func as tf
def df_dx(x):
    return tf.vmap(tf.grad(lambda t: torch.log(t**2) * torch.sin(t) + 1 / t))(x)
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex7-from-torch-import-func", """
from torch import func
def df_dx(x):
    return func.vmap(func.grad(lambda t: torch.log(t**2) * torch.sin(t) + 1 / t))(x)
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex7-import-inside-the-function", """
def df_dx(x):
    import torch.func as tf
    return tf.vmap(tf.grad(lambda t: torch.log(t**2) * torch.sin(t) + 1 / t))(x)
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex7-autograd-in-a-helper", """
def slope(fn, x):
    x = x.clone().requires_grad_(True)
    fn(x).sum().backward()
    return x.grad

def df_dx(x):
    return slope(lambda t: torch.log(t**2) * torch.sin(t) + 1 / t, x)
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex7-wrong-above-three", """
def df_dx(x):
    right = 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
    return torch.where(x > 3, torch.log(x**2) * torch.cos(x) - x**-2, right)
""", "check_ex7(df_dx)", False, "x = 3.3"),
    ("ex7-wrong-for-large-negative-x", """
def df_dx(x):
    right = 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
    return torch.where(x < -4, 2 / x.abs() * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2, right)
""", "check_ex7(df_dx)", False, "x = -9.4"),
    ("ex7-two-log-abs-x", """
def df_dx(x):
    return 2 / x * torch.sin(x) + 2 * torch.log(x.abs()) * torch.cos(x) - 1 / x**2
""", "check_ex7(df_dx)", True, "正确"),
    ("ex7-hangs", """
def df_dx(x):
    n = 0
    while n >= 0:  # 本来想写 n < 10
        n += 1
    return 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2
""", "check_ex7(df_dx)", False, "秒内没有运行完"),
    ("ex8-numpy-pair", """
import numpy as np
def forward_mode(x):
    u1, du1 = x**2, 2 * x
    u2, du2 = torch.log(u1), du1 / u1
    u3, du3 = torch.sin(x), torch.cos(x)
    u4, du4 = u2 * u3, du2 * u3 + u2 * du3
    u5, du5 = 1 / x, -1 / x**2
    return np.array([(u4 + u5).item(), (du4 + du5).item()])
def reverse_mode(x):
    u1 = x**2; u2 = torch.log(u1); u3 = torch.sin(x); u4 = u2 * u3; u5 = 1 / x
    u2_bar, u3_bar = u3, u2
    u1_bar = u2_bar / u1
    x_bar = u1_bar * 2 * x + u3_bar * torch.cos(x) - 1 / x**2
    return np.array([(u4 + u5).item(), x_bar.item()])
""", "check_ex8(forward_mode, reverse_mode)", True, "正确"),
    ("ex8-numpy-scalars", """
import numpy as np
def forward_mode(x):
    u1, du1 = x**2, 2 * x
    u2, du2 = torch.log(u1), du1 / u1
    u3, du3 = torch.sin(x), torch.cos(x)
    u4, du4 = u2 * u3, du2 * u3 + u2 * du3
    u5, du5 = 1 / x, -1 / x**2
    return np.float64((u4 + u5).item()), np.float64((du4 + du5).item())
def reverse_mode(x):
    u1 = x**2; u2 = torch.log(u1); u3 = torch.sin(x); u4 = u2 * u3; u5 = 1 / x
    u1_bar = u3 / u1
    x_bar = u1_bar * 2 * x + u2 * torch.cos(x) - 1 / x**2
    return np.float64((u4 + u5).item()), np.float64(x_bar.item())
""", "check_ex8(forward_mode, reverse_mode)", True, "正确"),
    ("ex8-python-floats-closed-form", """
def forward_mode(x):
    t = x.item()
    return math.log(t**2) * math.sin(t) + 1 / t, 2 / t * math.sin(t) + math.log(t**2) * math.cos(t) - t**-2
reverse_mode = forward_mode
""", "check_ex8(forward_mode, reverse_mode)", False, "同一个函数"),
    ("ex8-python-floats-by-hand", """
def forward_mode(x):
    t = x.item()
    u1, du1 = t**2, 2 * t
    u2, du2 = math.log(u1), du1 / u1
    u3, du3 = math.sin(t), math.cos(t)
    u4, du4 = u2 * u3, du2 * u3 + u2 * du3
    u5, du5 = 1 / t, -1 / t**2
    return u4 + u5, du4 + du5
def reverse_mode(x):
    t = x.item()
    u1 = t**2; u2 = math.log(u1); u3 = math.sin(t); u4 = u2 * u3; u5 = 1 / t
    u1_bar = u3 / u1
    return u4 + u5, u1_bar * 2 * t + u2 * math.cos(t) - 1 / t**2
""", "check_ex8(forward_mode, reverse_mode)", False, "torch 的运算"),
    ("ex8-hangs", """
def forward_mode(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x, 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2

def reverse_mode(x):
    x_bar = 0
    while x_bar != 1:
        x_bar = x_bar + 0.3
    return forward_mode(x)
""", "check_ex8(forward_mode, reverse_mode)", False, "reverse_mode 在"),
    ("ex9-colons-and-reasons", 'ex9_answer = {"A": "reverse: 一遍反向传播就得到整个梯度", "B": "forward：3 遍就够", "C": "forward，不需要保存中间结果"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-dashes", 'ex9_answer = {"A": "reverse — one backward pass", "B": "forward – three passes", "C": "forward - nothing to store"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-chinese-punctuation", 'ex9_answer = {"A": "反向。只要一遍", "B": "正向、三遍", "C": "正向；省内存"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-reason-names-the-other-mode", 'ex9_answer = {"A": "reverse: forward would need 10⁶ passes", "B": "forward (reverse would need 1000)", "C": "正向——反向要保存中间结果"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-quoted-and-case-labels", 'ex9_answer = ["A: \'reverse\'", "B: “forward”", "C: forward"]', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-reason-without-punctuation", 'ex9_answer = {"A": "reverse because the loss is a scalar", "B": "forward", "C": "forward"}', "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-wrong-with-a-reason", 'ex9_answer = {"A": "forward: one pass per parameter", "B": "forward", "C": "forward"}', "check_ex9(ex9_answer)", False, "10⁶"),
    # ---- the method: numerical routes, disguised autograd, computer algebra, complex steps, and honest forms
    # ======== method not verified: ex1 with a finite difference instead of autograd twice
    # hint: a finite difference is not autograd; differentiate twice with torch.autograd.grad(..., create_graph=True)
    ("ex1-finite-difference-second", """
def second_derivative(f, x):
    h = 1e-4
    return (f(x + h) - 2 * f(x) + f(x - h)) / h**2
""", "check_ex1(second_derivative)", False, "create_graph=True"),
    # hint: the same, a difference quotient of a difference quotient (in a helper) is still not autograd
    ("ex1-nested-difference-in-a-helper", """
def central(g, x, h=1e-4):
    return (g(x + h) - g(x - h)) / (2 * h)

def second_derivative(f, x):
    return central(lambda t: central(f, t), x)
""", "check_ex1(second_derivative)", False, "create_graph=True"),
    # hint: the first derivative is autograd but the second is a difference of it: keep the first one's
    # graph (create_graph=True) and differentiate it with autograd again
    ("ex1-autograd-then-difference", """
def second_derivative(f, x):
    def first(t):
        t = t.detach().requires_grad_(True)
        return torch.autograd.grad(f(t).sum(), t)[0]
    h = 1e-5
    return (first(x + h) - first(x - h)) / (2 * h)
""", "check_ex1(second_derivative)", False, "create_graph=True"),
    ("ex1-hessian-diagonal", """
def second_derivative(f, x):
    H = torch.autograd.functional.hessian(lambda t: f(t).sum(), x)
    return H.diagonal()  # f 逐元素作用，Hessian 是对角的
""", "check_ex1(second_derivative)", True, "正确"),
    ("ex1-forward-over-reverse", """
from torch.func import grad, jvp

def second_derivative(f, x):
    df = grad(lambda t: f(t).sum())
    return jvp(df, (x,), (torch.ones_like(x),))[1]
""", "check_ex1(second_derivative)", True, "正确"),

    # ======== method not verified: ex3 with d / a or a finite difference instead of reading a.grad
    # hint: right numbers (f happens to be linear), but not from backpropagation: d.sum().backward(), then a.grad
    ("ex3-d-over-a", """
a = torch.randn(size=(3,), requires_grad=True)
d = f(a)
ex3_answer = d / a  # f 是线性的：d = k·a，所以导数就是 d / a
""", "check_ex3(a, ex3_answer)", False, "a.grad"),
    ("ex3-d-over-a-detached", """
a = torch.randn(size=(3,), requires_grad=True)
with torch.no_grad():
    ex3_answer = f(a) / a
""", "check_ex3(a, ex3_answer)", False, "a.grad"),
    # hint: a finite difference is not the gradient autograd computed; backpropagate from d.sum() and read a.grad
    ("ex3-finite-difference", """
a = torch.randn(size=(3,), requires_grad=True)
a64, h = a.detach().double(), 1e-6
ex3_answer = torch.stack([(f(a64 + h * e).sum() - f(a64 - h * e).sum()) / (2 * h)
                          for e in torch.eye(3, dtype=torch.float64)])
""", "check_ex3(a, ex3_answer)", False, "a.grad"),
    ("ex3-functional-vjp", """
a = torch.randn(size=(3,), requires_grad=True)
d, ex3_answer = torch.autograd.functional.vjp(f, a, torch.ones(3))
""", "check_ex3(a, ex3_answer)", True, "正确"),
    ("ex3-matrix-gradient-of-ones", """
a = torch.randn(size=(2, 2), requires_grad=True)
d = f(a)
d.backward(gradient=torch.ones(2, 2))
ex3_answer = a.grad
""", "check_ex3(a, ex3_answer)", True, "正确"),

    # ======== method not verified: ex8 (forward: tangents from x to f; reverse: adjoints from f back to x)
    # hint: difference quotients, forward or backward, are neither mode: carry u̇ forwards, ū backwards
    ("ex8-difference-quotients", """
def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

def forward_mode(x):
    h = 1e-7
    return f(x), (f(x + h) - f(x)) / h  # 从 x 往前走一步

def reverse_mode(x):
    h = 1e-7
    return f(x), (f(x) - f(x - h)) / h  # 从 x 往回退一步
""", "check_ex8(forward_mode, reverse_mode)", False, "数值差分"),
    ("ex8-central-differences", """
def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

def forward_mode(x, h=1e-6):
    return f(x), (f(x + h) - f(x - h)) / (2 * h)

reverse_mode = forward_mode
""", "check_ex8(forward_mode, reverse_mode)", False, "数值差分"),
    # hint: forward_mode carries adjoints from f back to x and reverse_mode tangents from x to f: swap them
    ("ex8-swapped-modes", """
def forward_mode(x):
    u1 = x**2; u2 = torch.log(u1); u3 = torch.sin(x); u4 = u2 * u3; u5 = 1 / x
    u4_bar = u5_bar = 1.0
    u2_bar, u3_bar = u4_bar * u3, u4_bar * u2
    u1_bar = u2_bar / u1
    x_bar = u1_bar * 2 * x + u3_bar * torch.cos(x) - u5_bar / x**2
    return u4 + u5, x_bar

def reverse_mode(x):
    u1, du1 = x**2, 2 * x
    u2, du2 = torch.log(u1), du1 / u1
    u3, du3 = torch.sin(x), torch.cos(x)
    u4, du4 = u2 * u3, du2 * u3 + u2 * du3
    u5, du5 = 1 / x, -1 / x**2
    return u4 + u5, du4 + du5
""", "check_ex8(forward_mode, reverse_mode)", False, "两种模式写反了"),
    # hint: the same, with PyTorch's APIs: backward() is reverse mode, jvp is forward mode
    ("ex8-apis-swapped", """
def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

def forward_mode(x):
    x = x.clone().requires_grad_(True)
    y = f(x)
    y.backward()
    return y.detach(), x.grad

def reverse_mode(x):
    return torch.func.jvp(f, (x,), (torch.ones_like(x),))
""", "check_ex8(forward_mode, reverse_mode)", False, "两种模式写反了"),
    # hint: reverse_mode is forward_mode itself: write the adjoint sweep, from f̄ = 1 back to x̄
    ("ex8-reverse-mode-is-forward-mode", """
def forward_mode(x):
    u1, du1 = x**2, 2 * x
    u2, du2 = torch.log(u1), du1 / u1
    u3, du3 = torch.sin(x), torch.cos(x)
    u4, du4 = u2 * u3, du2 * u3 + u2 * du3
    u5, du5 = 1 / x, -1 / x**2
    return u4 + u5, du4 + du5

reverse_mode = forward_mode  # 两种顺序结果一样
""", "check_ex8(forward_mode, reverse_mode)", False, "是同一个函数"),
    # hint: both return the finished formula for df/dx: forward mode carries u̇ᵢ through the graph, reverse mode ūᵢ
    ("ex8-closed-form-in-both", """
def forward_mode(x):
    f = torch.log(x**2) * torch.sin(x) + 1 / x
    return f, 2 * torch.sin(x) / x + torch.log(x**2) * torch.cos(x) - 1 / x**2

def reverse_mode(x):
    f = torch.log(x**2) * torch.sin(x) + 1 / x
    return f, -1 / x**2 + torch.log(x**2) * torch.cos(x) + 2 * torch.sin(x) / x  # 倒过来加
""", "check_ex8(forward_mode, reverse_mode)", False, "u̇"),
    ("ex8-closed-form-in-a-shared-helper", """
def f_and_df(x):
    f = torch.log(x**2) * torch.sin(x) + 1 / x
    return f, 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2

def forward_mode(x):
    return f_and_df(x)

def reverse_mode(x):
    return f_and_df(x)
""", "check_ex8(forward_mode, reverse_mode)", False, "u̇"),
    ("ex8-forward-ad-and-vjp", """
import torch.autograd.forward_ad as fwAD

def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

def forward_mode(x):
    with fwAD.dual_level():
        value, tangent = fwAD.unpack_dual(f(fwAD.make_dual(x, torch.ones_like(x))))
    return value, tangent

def reverse_mode(x):
    value, pullback = torch.func.vjp(f, x)
    (x_bar,) = pullback(torch.ones_like(value))
    return value, x_bar
""", "check_ex8(forward_mode, reverse_mode)", True, "正确"),
    ("ex8-dual-class-and-adjoint-dict", """
class Dual:
    def __init__(self, val, dot):
        self.val, self.dot = val, dot

    def __add__(self, other):
        return Dual(self.val + other.val, self.dot + other.dot)

    def __mul__(self, other):
        return Dual(self.val * other.val, self.dot * other.val + self.val * other.dot)

def d_square(a): return Dual(a.val**2, 2 * a.val * a.dot)
def d_log(a): return Dual(torch.log(a.val), a.dot / a.val)
def d_sin(a): return Dual(torch.sin(a.val), torch.cos(a.val) * a.dot)
def d_recip(a): return Dual(1 / a.val, -a.dot / a.val**2)

def forward_mode(x):
    x = Dual(x, torch.ones_like(x))
    f = d_log(d_square(x)) * d_sin(x) + d_recip(x)
    return f.val, f.dot

def reverse_mode(x):
    u = {"x": x}
    u["u1"] = x**2
    u["u2"] = torch.log(u["u1"])
    u["u3"] = torch.sin(x)
    u["u4"] = u["u2"] * u["u3"]
    u["u5"] = 1 / x
    f = u["u4"] + u["u5"]
    bar = dict.fromkeys(u, 0.0)
    bar["u4"] += 1.0
    bar["u5"] += 1.0
    bar["u2"] += bar["u4"] * u["u3"]
    bar["u3"] += bar["u4"] * u["u2"]
    bar["u1"] += bar["u2"] / u["u1"]
    bar["x"] += bar["u1"] * 2 * x
    bar["x"] += bar["u3"] * torch.cos(x)
    bar["x"] += bar["u5"] * (-1 / x**2)
    return f, bar["x"]
""", "check_ex8(forward_mode, reverse_mode)", True, "正确"),
    ("ex8-dot-names-and-accumulated-bar", """
def forward_mode(x):
    u1 = x**2;          u1_dot = 2 * x
    u2 = torch.log(u1); u2_dot = u1_dot / u1
    u3 = torch.sin(x);  u3_dot = torch.cos(x)
    u4 = u2 * u3;       u4_dot = u2_dot * u3 + u2 * u3_dot
    u5 = x**-1;         u5_dot = -x**-2
    return u4 + u5, u4_dot + u5_dot

def reverse_mode(x):
    u1 = x**2; u2 = torch.log(u1); u3 = torch.sin(x); u4 = u2 * u3; u5 = x**-1
    f_bar = 1.0
    u4_bar = f_bar
    u5_bar = f_bar
    u3_bar = u4_bar * u2
    u2_bar = u4_bar * u3
    u1_bar = u2_bar * (1 / u1)
    x_bar = 0.0
    x_bar += u1_bar * 2 * x
    x_bar += u3_bar * torch.cos(x)
    x_bar += u5_bar * (-x**-2)
    return u4 + u5, x_bar
""", "check_ex8(forward_mode, reverse_mode)", True, "正确"),

    # ======== disguised autograd / shortcuts where ex4 asks for g_prime by hand
    # hint: torch.func.grad(g) is autograd; work out g's derivative by hand
    ("ex4-torch-func-grad-of-g", """
def g(x):
    if x > 0:
        return x**3
    return torch.sin(x)

g_prime = torch.func.grad(g)
""", "check_ex4(g, g_prime)", False, "手推"),
    ("ex4-grad-imported-under-another-name", """
from torch.func import grad as derivative

def g(x):
    if x > 1:
        return x**2 - 1
    return torch.exp(x - 1) - 1

g_prime = derivative(g)
""", "check_ex4(g, g_prime)", False, "手推"),
    # hint: the helper behind functools.partial runs backward(): autograd, not a formula by hand
    ("ex4-autograd-through-partial", """
from functools import partial

def g(x):
    if x < 0:
        return x**2
    return torch.exp(-x)

def derivative(fn, x):
    x = x.detach().requires_grad_(True)
    fn(x).backward()
    return x.grad

g_prime = partial(derivative, g)
""", "check_ex4(g, g_prime)", False, "手推"),
    # hint: the instance's __call__ runs torch.autograd.grad: autograd, not a formula by hand
    ("ex4-autograd-in-a-callable-class", """
class Derivative:
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, x):
        x = x.detach().clone().requires_grad_(True)
        (dx,) = torch.autograd.grad(self.fn(x), x)
        return dx

def g(x):
    if x > 0:
        return x * torch.sin(x)
    return x**3

g_prime = Derivative(g)
""", "check_ex4(g, g_prime)", False, "手推"),
    # hint: sympy.diff is a computer algebra system doing the derivation: work it out by hand
    ("ex4-sympy-diff", """
import sympy as sp

t = sp.symbols("t")
d_right = sp.lambdify(t, sp.diff(t**3 - 2 * t, t))
d_left = sp.lambdify(t, sp.diff(sp.exp(t) * sp.cos(t), t))

def g(x):
    if x > 1:
        return x**3 - 2 * x
    return torch.exp(x) * torch.cos(x)

def g_prime(x):
    return d_right(x.item()) if x > 1 else d_left(x.item())
""", "check_ex4(g, g_prime)", False, "sympy"),
    # hint: a complex-step derivative, Im f(x + ih) / h, is numerical differentiation, not a formula by hand
    ("ex4-complex-step-on-the-formula", """
def g(x):
    if x > 0:
        return torch.sin(x) * x
    return x**3

def g_prime(x):
    h = 1e-30
    z = x + 1j * h
    if x > 0:
        return (torch.sin(z) * z).imag / h
    return (z**3).imag / h
""", "check_ex4(g, g_prime)", False, "复数步长"),
    ("ex4-complex-step-through-g", """
def g(x):
    if x.real > 0:
        return torch.sin(x) * x
    return x**3

def g_prime(x):
    h = 1e-30
    return g(x + 1j * h).imag / h
""", "check_ex4(g, g_prime)", False, "复数步长"),
    # hint: on 1 < x < 1.5, g takes its x > 1 branch (slope 3) while g_prime still says 2x + 1: its boundary must be g's
    ("ex4-branch-point-differs-between-the-points", """
def g(x):
    if x > 1:
        return 3 * x - 1
    return x**2 + x

def g_prime(x):
    if x > 1.5:
        return 3.0
    return 2 * x + 1
""", "check_ex4(g, g_prime)", False, "其他点"),
    ("ex4-branch-point-differs-across-a-point", """
def g(x):
    if x < 2:
        return x**2
    return 4 * x - 4

def g_prime(x):
    return 2 * x if x < 3 else 4.0
""", "check_ex4(g, g_prime)", False, "其他点"),
    ("ex4-by-hand-then-compared-with-autograd", """
def g(x):
    while x.abs() > 1:
        x = x / 2
    return x**2

def g_prime(x):
    k = 1.0
    while abs(x.item()) * k > 1:
        k /= 2
    return 2 * x * k**2

t = torch.tensor(3.7, requires_grad=True)
g(t).backward()
print(t.grad, g_prime(torch.tensor(3.7)))  # 和自动求导对一下
""", "check_ex4(g, g_prime)", True, "正确"),
    ("ex4-by-hand-then-checked-with-sympy", """
import sympy as sp

def g(x):
    if x > 0:
        return x**3
    return torch.sin(x)

def g_prime(x):
    return 3 * x**2 if x > 0 else torch.cos(x)

s = sp.symbols("s")
assert sp.diff(s**3, s) == 3 * s**2 and sp.diff(sp.sin(s), s) == sp.cos(s)  # 用 sympy 核对手推的结果
""", "check_ex4(g, g_prime)", True, "正确"),

    # ======== disguised autograd / shortcuts where ex7 asks for df_dx by the chain rule
    ("ex7-vmap-grad-of-own-f", """
def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

df_dx = torch.func.vmap(torch.func.grad(f))
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex7-autograd-through-partial", """
from functools import partial

def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

def derivative(fn, x):
    x = x.detach().clone().requires_grad_(True)
    fn(x).sum().backward()
    return x.grad

df_dx = partial(derivative, f)
""", "check_ex7(df_dx)", False, "自动求导"),
    ("ex7-autograd-in-a-callable-class", """
class Grad:
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, x):
        x = x.detach().clone().requires_grad_(True)
        (dx,) = torch.autograd.grad(self.fn(x).sum(), x)
        return dx

df_dx = Grad(lambda t: torch.log(t**2) * torch.sin(t) + 1 / t)
""", "check_ex7(df_dx)", False, "自动求导"),
    # hint: sympy.diff did the chain rule for you: write the formula yourself, path by path on the graph
    ("ex7-sympy-diff-lambdified", """
import sympy as sp

s = sp.symbols("s")
expr = sp.log(s**2) * sp.sin(s) + 1 / s
df_dx = sp.lambdify(s, sp.diff(expr, s), modules=[{"log": torch.log, "sin": torch.sin, "cos": torch.cos}])
""", "check_ex7(df_dx)", False, "sympy"),
    # hint: Im f(x + ih) / h is a complex-step derivative, numerical differentiation: use the chain rule
    ("ex7-complex-step-inline", """
def df_dx(x):
    h = 1e-30
    z = x + 1j * h
    F = torch.log(z**2) * torch.sin(z) + 1 / z
    return F.imag / h
""", "check_ex7(df_dx)", False, "复数步长"),
    ("ex7-complex-step-of-own-f", """
def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x

def df_dx(x):
    return f(x + 1e-30j).imag / 1e-30
""", "check_ex7(df_dx)", False, "复数步长"),
    ("ex7-chain-rule-helpers", """
def d_log(u, du):
    return du / u

def d_mul(u, du, v, dv):
    return du * v + u * dv

def df_dx(x):
    u1, du1 = x**2, 2 * x
    u2, du2 = torch.log(u1), d_log(u1, du1)
    u3, du3 = torch.sin(x), torch.cos(x)
    return d_mul(u2, du2, u3, du3) + (-1) * x**-2
""", "check_ex7(df_dx)", True, "正确"),
    ("ex7-by-hand-then-checked-with-sympy", """
import sympy as sp

def df_dx(x):
    return 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2

s = sp.symbols("s")
mine = 2 / s * sp.sin(s) + sp.log(s**2) * sp.cos(s) - s**-2
print(sp.simplify(sp.diff(sp.log(s**2) * sp.sin(s) + 1 / s, s) - mine))  # 0：手推的没错
""", "check_ex7(df_dx)", True, "正确"),

    # ======== honest ex5 answers (dy_dx from autograd) that must be accepted
    ("ex5-helper-asserts-against-cos", """
def autograd_derivative(fn, t):
    t = t.detach().clone().requires_grad_(True)
    fn(t).sum().backward()
    assert torch.allclose(t.grad, torch.cos(t.detach()), atol=1e-6)  # cos 只用来核对
    return t.grad

dy_dx = autograd_derivative(torch.sin, x)
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-autograd-grad-in-float64", """
x64 = x.detach().to(torch.float64).requires_grad_(True)
(dy_dx,) = torch.autograd.grad(torch.sin(x64), x64, grad_outputs=torch.ones_like(x64))
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-float64-cast-back", """
x64 = x.detach().double().requires_grad_(True)
torch.sin(x64).sum().backward()
dy_dx = x64.grad.float()
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-double-inside-the-graph", """
torch.sin(x.double()).sum().backward()
dy_dx = x.grad
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-grad-fn-called-directly", """
dy_dx = y.grad_fn(torch.ones_like(y))
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-grad-fn-through-a-name", """
node = y.grad_fn  # SinBackward0
dy_dx = node(torch.ones(101))
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-functional-vjp", """
from torch.autograd.functional import vjp
_, dy_dx = vjp(torch.sin, x.detach(), torch.ones_like(x))
""", "check_ex5(x, dy_dx)", True, "正确"),
    ("ex5-helper-returns-cos-after-backward", """
def derivative(fn, t):
    t = t.detach().clone().requires_grad_(True)
    fn(t).sum().backward()
    return torch.cos(t.detach())  # 反正和 t.grad 一样

dy_dx = derivative(torch.sin, x)
""", "check_ex5(x, dy_dx)", False, "不许用 cos"),

    # ======== honest ex6 answers: a networkx edge view, an (8, 2) array, lists of pairs
    ("ex6-networkx-edge-view", """
import networkx as nx
G = nx.DiGraph()
G.add_edges_from([("x", "u1"), ("u1", "u2"), ("x", "u3"), ("u2", "u4"),
                  ("u3", "u4"), ("x", "u5"), ("u4", "f"), ("u5", "f")])
ex6_edges = G.edges
""", "check_ex6(ex6_edges)", True, "正确"),
    ("ex6-networkx-edges-called", """
import networkx as nx
G = nx.DiGraph([("x", "u1"), ("x", "u3"), ("x", "u5"), ("u1", "u2"),
                ("u2", "u4"), ("u3", "u4"), ("u4", "f"), ("u5", "f")])
ex6_edges = G.edges()
""", "check_ex6(ex6_edges)", True, "正确"),
    ("ex6-networkx-reversed", """
import networkx as nx
G = nx.DiGraph([("x", "u1"), ("x", "u3"), ("x", "u5"), ("u1", "u2"),
                ("u2", "u4"), ("u3", "u4"), ("u4", "f"), ("u5", "f")])
ex6_edges = G.reverse().edges  # 反向传播的方向
""", "check_ex6(ex6_edges)", False, "方向反了"),
    ("ex6-numpy-array", """
import numpy as np
ex6_edges = np.array([["x", "u1"], ["u1", "u2"], ["x", "u3"], ["u2", "u4"],
                      ["u3", "u4"], ["x", "u5"], ["u4", "f"], ["u5", "f"]])
""", "check_ex6(ex6_edges)", True, "正确"),
    ("ex6-numpy-array-missing-an-edge", """
import numpy as np
ex6_edges = np.array([["x", "u1"], ["u1", "u2"], ["x", "u3"], ["u2", "u4"],
                      ["u3", "u4"], ["u4", "f"], ["u5", "f"]])
""", "check_ex6(ex6_edges)", False, "('x', 'u5')"),
    ("ex6-numpy-array-tolist", """
import numpy as np
edges = np.array([["x", "u1"], ["u1", "u2"], ["x", "u3"], ["u2", "u4"],
                  ["u3", "u4"], ["x", "u5"], ["u4", "f"], ["u5", "f"]])
ex6_edges = edges.tolist()
""", "check_ex6(ex6_edges)", True, "正确"),
    ("ex6-zipped-columns", """
sources = ["x", "u1", "x", "u2", "u3", "x", "u4", "u5"]
targets = ["u1", "u2", "u3", "u4", "u4", "u5", "f", "f"]
ex6_edges = list(zip(sources, targets))
""", "check_ex6(ex6_edges)", True, "正确"),

    # ======== honest ex9 answers
    ("ex9-forwards-and-backwards", """
ex9_answer = {"A": "backwards", "B": "forwards", "C": "forwards"}
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-sweeps", """
ex9_answer = {"A": "one backward sweep", "B": "forward sweeps", "C": "a single forward sweep"}
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-adjoint-and-tangent-mode", """
ex9_answer = {"A": "adjoint mode", "B": "tangent mode", "C": "tangent mode"}
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-other-mode-after-a-comma", """
ex9_answer = {"A": "reverse, because forward mode would need 10^6 passes", "B": "forward, because reverse mode would need 1000 passes", "C": "forward, reverse mode would have to store every intermediate"}
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-other-mode-in-brackets", """
ex9_answer = {"A": "reverse (forward: 10^6 passes)", "B": "forward (vs. reverse: 1000 passes)", "C": "forward"}
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-sentences-without-punctuation", """
ex9_answer = {"A": "reverse mode because there is one output", "B": "forward mode because there are only 3 inputs", "C": "forward mode since nothing has to be stored"}
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-chinese-sentences-without-punctuation", """
ex9_answer = {"A": "反向模式因为只有一个输出", "B": "正向模式因为只有3个输入", "C": "正向模式不用存中间结果"}
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-one-string", """
ex9_answer = "A: reverse, B: forward, C: forward"
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-one-chinese-string", """
ex9_answer = "A：反向；B：正向；C：正向"
""", "check_ex9(ex9_answer)", True, "正确"),
    ("ex9-one-string-a-wrong", """
ex9_answer = "A: forward, B: forward, C: forward"
""", "check_ex9(ex9_answer)", False, "10⁶"),
    ("ex9-forwards-everywhere", """
ex9_answer = {"A": "forwards", "B": "forwards", "C": "forwards"}
""", "check_ex9(ex9_answer)", False, "10⁶"),
    ("ex9-adjoint-everywhere", """
ex9_answer = {"A": "adjoint mode", "B": "adjoint mode", "C": "adjoint mode"}
""", "check_ex9(ex9_answer)", False, "2 个情形不对"),
    ("ex9-no-choice-made", """
ex9_answer = {"A": "reverse", "B": "forward or reverse", "C": "forward"}
""", "check_ex9(ex9_answer)", False, "'forward'（正向）或 'reverse'（反向）"),
    # ---- check
    ("check-called-with-too-few-arguments", '', "check_ex3(None)", False, "(a, a_grad)"),
]
# fmt: on

# The English checks' phrase for each Chinese phrase above (a phrase without Chinese is the same in both)
EN = {
    "正确": "Correct",
    "一阶导数": "first derivative",
    "应该是一个函数": "should be a function",
    "一次反向传播": "one backward pass",
    "清零": "zeroed",
    "3 次": "3 times",
    "不是梯度": "not a gradient",
    "下标为 2 的元素": "the element at index 2",
    "对 a 本身": "from a itself",
    "2 倍": "twice the correct value",
    "d = f(a) 的值": "the value of d = f(a)",
    "形状": "shape",
    "向量或矩阵": "a vector or a matrix",
    "注释里的字不算": "words in comments do not count",
    "符号反了": "wrong sign",
    "定义域": "domain",
    "不可导": "not differentiable",
    "都返回常数": "returns a constant at every check point",
    "还没有作答": "Not attempted yet",
    "不许用 cos": "does not allow cos",
    "sin(x) 本身": "sin(x) itself",
    "三条路径": "three paths",
    "方向反了": "point the wrong way",
    "多了 1 条边": "Extra edges: 1",
    "不认识的节点名": "Unknown node name",
    "集合": "a set of",
    "乘积求导少了一项": "product rule is missing a term",
    "自动求导": "autograd",
    "同一个导数": "the same derivative",
    "经过 u5": "through u5",
    "顺序反了": "wrong order",
    "两个值": "two values",
    "函数值": "function value",
    "不需要保存中间结果": "need not save intermediate results",
    "缺少情形 C": "lacks case C",
    "'forward'（正向）或 'reverse'（反向）": "'forward' or 'reverse'",
    "收到的是 str 'symbolic'": "got str 'symbolic'",
    "应该是字典": "should be a dict",
    "切断计算图": "cut the graph",
    "手推": "by hand",
    "不写入 .grad": "does not write it to .grad",
    "乘积法则": "product rule",
    "不要覆盖": "not overwritten",
    "zero_() 把它原地清成了 0": "zero_() set it to 0 in place",
    "秒内没有运行完": "did not finish within",
    "调用 g 做数值差分": "calls g to take numerical differences",
    "通常来自数值差分": "usually comes from a numerical difference",
    "其他点": "other points",
    "不是自动求导给出的值": "not the value autograd gives",
    "有限差分": "finite difference",
    "沿赋值往回找": "following the assignments back",
    "调用 f 做数值差分": "calls f to take numerical differences",
    "数值差分": "numerical difference",
    "reverse_mode 在": "reverse_mode did not finish",
    "同一个函数": "one and the same function",
    "是同一个函数": "one and the same function",
    "两种模式写反了": "modes are swapped",
    "复数步长": "complex-step",
    "2 个情形不对": "Wrong cases: 2",
    "torch 的运算": "torch operations",
}


def phrase_in(lang: str, phrase: str) -> str:
    """The phrase a row expects from the checks of the edition `lang`."""
    return EN[phrase] if lang == "en" and CJK.search(phrase) else phrase


STARTER = {  # the first lines of the workbook's starter cells, which the rows above leave out
    "ex2": "x = torch.arange(4.0, requires_grad=True)\ny = x**2\n",
    "ex5": "x = torch.linspace(-2 * math.pi, 2 * math.pi, 101, requires_grad=True)\ny = torch.sin(x)\n",
}
WORKBOOK_PRELUDE = """
import math
import torch

def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

_ = torch.manual_seed(0)
"""


LANGS = messages.languages()
# (row, language): each row once in the judge's test, the languages taking turns, so that each
# language meets every exercise there; each row in every other language in tests/checks/.
JUDGED = [(case, LANGS[i % len(LANGS)]) for i, case in enumerate(CASES)]
LOCAL = [(case, lang) for case, judged in JUDGED for lang in LANGS if lang != judged]


def assert_feedback(case, lang: str, feedback, seconds: float) -> None:
    """What a row requires of the checks' feedback in the edition `lang`, given in `seconds`."""
    name, _, _, ok, phrase = case
    phrase = phrase_in(lang, phrase)
    assert seconds < 10 * HANG_LIMIT_S + 2, f"{name}: the check took too long"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), f"{name}: an alarm was left armed"
    assert feedback.ok is ok, f"{name}: expected {'accept' if ok else 'reject'}, got: {feedback}"
    assert lang == "zh" or not CJK.search(feedback), (
        f"{name}: Chinese in English feedback: {feedback}"
    )
    assert str(feedback).startswith("✓" if ok else "✗")
    assert phrase in feedback, f"{name}: expected {phrase!r} in: {feedback}"
