"""The student-answer table: what a student might type into an answer cell, the check call below
it, the verdict a good teacher would give, and a phrase the feedback must contain (for a wrong
answer: the hint), as the Chinese checks say it; `EN` gives the English checks' phrase for each
Chinese one. tests/checks/test_answers.py runs every row against the checks in each language, and
tests/test_grade.py runs it through the grader's judge.
"""

from __future__ import annotations

from tools.editions import CJK

HANG_LIMIT_S = 0.3  # CHECK_TIME_LIMIT for the rows whose student code never finishes

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
""", "check_ex4(g, g_prime)", False, "g_prime(4.6)"),
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
    t = x.item()
    return np.array([math.log(t**2) * math.sin(t) + 1 / t,
                     2 / t * math.sin(t) + math.log(t**2) * math.cos(t) - t**-2])
reverse_mode = forward_mode
""", "check_ex8(forward_mode, reverse_mode)", True, "正确"),
    ("ex8-numpy-scalars", """
import numpy as np
def forward_mode(x):
    t = np.float64(x.item())
    return np.log(t**2) * np.sin(t) + 1 / t, 2 / t * np.sin(t) + np.log(t**2) * np.cos(t) - t**-2
reverse_mode = forward_mode
""", "check_ex8(forward_mode, reverse_mode)", True, "正确"),
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
    ("ex9-reason-without-punctuation", 'ex9_answer = {"A": "reverse because the loss is a scalar", "B": "forward", "C": "forward"}', "check_ex9(ex9_answer)", False, "用标点"),
    ("ex9-wrong-with-a-reason", 'ex9_answer = {"A": "forward: one pass per parameter", "B": "forward", "C": "forward"}', "check_ex9(ex9_answer)", False, "10⁶"),
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
    "用标点": "with punctuation",
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
