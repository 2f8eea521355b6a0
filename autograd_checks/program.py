"""The student's code as text: which method an answer uses, judged from the cells' syntax trees.

The checks ask of an answer's code what its values cannot tell: does `g` have Python control flow,
does `g_prime` or `df_dx` use autograd (through a helper, an alias, an import under another name),
where did the values in `dy_dx` come from (cos? autograd?). They ask it of the program: the cells
as run, in order (IPython's `In` in the workbook; the submitted cells in the grader, which never
runs the student's code in its own process). A name means its last top-level binding: a `def`, a
`class`, an assignment or an import. Comments and strings never count.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import math

AUTOGRAD_MODULES = ("torch.autograd", "torch.func", "torch._functorch", "functorch")
# Calls into these return functions that differentiate (torch.func.grad(f), vmap, jacrev, ...).
TRANSFORM_MODULES = ("torch.func", "torch._functorch", "functorch")
CONTROL_FLOW = (ast.If, ast.IfExp, ast.While, ast.For, ast.comprehension) + (
    (ast.Match,) if hasattr(ast, "Match") else ()
)
MUTATORS = {"append", "extend", "insert", "add", "update", "copy_", "__setitem__"}
CAS_MODULES = ("sympy", "symengine")  # computer algebra: a derivative "by hand" it is not
FORWARD_WORDS = {"forward_ad", "make_dual", "unpack_dual", "jvp", "jacfwd", "linearize"}
REVERSE_WORDS = {"backward", "vjp", "jacrev"}
# Where cos only checks a result (an assert, a comparison): not how the result was made.
CHECKING = {"allclose", "isclose", "equal", "assert_close", "assert_allclose"}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def walk_top_level(tree):
    """ast.walk, without entering functions, classes and lambdas (assignments there are local)."""
    todo = [tree]
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, _SCOPES):
            todo += list(ast.iter_child_nodes(n))


def local_names(tree):
    return {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def assignments(tree):
    """[(line, variable name, the expression assigned to it)], by line; a, b = u, v pairs one by
    one. Loop variables of for, with ... as, comprehension variables and in-place changes such as
    out.append(...) count as assignments too."""
    found = []
    for n in walk_top_level(tree):
        pairs = []
        if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and n.value is not None:
            for target in n.targets if isinstance(n, ast.Assign) else [n.target]:
                if isinstance(target, ast.Tuple) and isinstance(n.value, ast.Tuple):
                    pairs += list(zip(target.elts, n.value.elts))
                else:
                    pairs.append((target, n.value))
        elif isinstance(n, (ast.For, ast.comprehension)):
            pairs.append((n.target, n.iter))
        elif isinstance(n, ast.withitem) and n.optional_vars is not None:
            pairs.append((n.optional_vars, n.context_expr))
        elif (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in MUTATORS
            and isinstance(n.func.value, ast.Name)
        ):
            pairs.append((n.func.value, n))
        line = getattr(n, "lineno", None) or getattr(getattr(n, "target", None), "lineno", 0)
        found += [
            (line, t.id, v) for tg, v in pairs for t in ast.walk(tg) if isinstance(t, ast.Name)
        ]
    return sorted(found, key=lambda item: item[0])


DYNAMIC = {"eval", "exec", "compile", "__import__", "globals", "vars", "locals", "import_module"}
REWRITING = {"input_transformers_post", "input_transformers_cleanup", "ast_transformers",
             "input_transformer_manager", "register_magic_function", "register_cell_magic",
             "register_line_magic", "register_line_cell_magic"}  # fmt: skip


def _literal_getattr(n):
    """'grad' for getattr(x, "grad") (the attribute it reads by a literal name), else None."""
    if (
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id == "getattr"
        and len(n.args) >= 2
        and isinstance(n.args[1], ast.Constant)
        and isinstance(n.args[1].value, str)
    ):
        return n.args[1].value
    return None


def _dynamic(n, called_literally=frozenset()):
    """Whether the node builds at run time what it calls: eval, exec, __import__, globals(),
    getattr or setattr with a name that is not a literal (or passed around as a value), a
    module's __dict__, a `global` statement (a function that rebinds a name when it is called)."""
    if isinstance(n, ast.Name) and n.id in DYNAMIC:
        return True
    if isinstance(n, ast.Name) and n.id in {"getattr", "setattr", "delattr"} and id(n) not in called_literally:  # fmt: skip
        return True
    if isinstance(n, (ast.Global, ast.Nonlocal)):
        return True
    if isinstance(n, ast.Attribute) and (n.attr in DYNAMIC or n.attr in {"__dict__", "__getattribute__"}):  # fmt: skip
        return True
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in {"getattr", "setattr", "delattr"}:  # fmt: skip
        return not (len(n.args) >= 2 and isinstance(n.args[1], ast.Constant))
    return False


def _dynamic_tree(tree):
    literal = frozenset(id(n.func) for n in ast.walk(tree) if _literal_getattr(n) is not None)
    return any(_dynamic(n, literal) for n in ast.walk(tree))


def _walk_making(tree):
    """ast.walk, without entering what only checks a result: asserts and comparisons such as
    torch.allclose(got, torch.cos(x))."""
    todo = [tree]
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Assert):
            continue
        if isinstance(n, ast.Call):
            called = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
            if called in CHECKING:
                continue
        yield n
        todo += list(ast.iter_child_nodes(n))


class Binding:
    """What a top-level statement binds a name to: kind 'def', 'class', 'import' (`path`: the
    dotted name imported) or 'assign' (`value`: the expression; `node`: the statement)."""

    def __init__(self, kind, node, path=None, value=None):
        self.kind, self.node, self.path, self.value = kind, node, path, value
        self.conditional = False  # inside an if, a loop, a try or a with: it may not have run


def _bindings(tree):
    """(line, name, Binding) for every name the cell binds at its top level."""
    found = []
    direct = {id(n) for n in getattr(tree, "body", [])}
    for n in walk_top_level(tree):
        line = getattr(n, "lineno", 0)
        before = len(found)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((line, n.name, Binding("def", n)))
        elif isinstance(n, ast.ClassDef):
            found.append((line, n.name, Binding("class", n)))
        elif isinstance(n, ast.Import):
            for a in n.names:
                name = a.asname or a.name.split(".")[0]
                found.append((line, name, Binding("import", n, path=a.asname and a.name or name)))
        elif isinstance(n, ast.ImportFrom) and not n.level:
            for a in n.names:
                path = f"{n.module}.{a.name}" if n.module else a.name
                found.append((line, a.asname or a.name, Binding("import", n, path=path)))
        elif isinstance(n, (ast.For, ast.AsyncFor)):
            for t in ast.walk(n.target):
                if isinstance(t, ast.Name):
                    found.append((line, t.id, Binding("assign", n, value=n.iter)))
        elif isinstance(n, ast.withitem) and n.optional_vars is not None:
            for t in ast.walk(n.optional_vars):
                if isinstance(t, ast.Name):
                    found.append((getattr(t, "lineno", 0), t.id, Binding("assign", n.optional_vars, value=n.context_expr)))  # fmt: skip
        elif isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name):
            found.append((line, n.target.id, Binding("assign", n, value=n.value)))
        elif isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and n.value is not None:
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    found.append((line, target.id, Binding("assign", n, value=n.value)))
                elif isinstance(target, ast.Tuple):
                    values = n.value.elts if isinstance(n.value, ast.Tuple) else [None] * len(target.elts)  # fmt: skip
                    for t, v in zip(target.elts, values):
                        if isinstance(t, ast.Name):
                            found.append((line, t.id, Binding("assign", n, value=v)))
        for _, _, b in found[before:]:
            b.conditional = id(n) not in direct or isinstance(n, (ast.For, ast.AsyncFor, ast.NamedExpr))  # fmt: skip
    return found


MAGICS_WITH_CODE = {"time", "timeit", "capture", "prun"}  # %%time and the like run their body


def _parse(cell):
    """A cell's syntax tree, top-level await allowed, the bodies of %%time / %%capture and the
    like (IPython's run_cell_magic and run_line_magic calls) parsed as the cell's own code."""
    tree = compile(cell, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    extra = []
    for n in ast.walk(tree):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            continue
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in n.args]  # fmt: skip
        if n.func.attr == "run_cell_magic" and len(args) == 3 and args[0] in MAGICS_WITH_CODE and args[2]:  # fmt: skip
            extra.append(args[2])
        elif n.func.attr == "run_line_magic" and len(args) >= 2 and args[0] in MAGICS_WITH_CODE and args[1]:  # fmt: skip
            extra.append(args[1])
    for code in extra:
        try:
            tree.body += _parse(code).body
        except (SyntaxError, ValueError):
            pass
    return tree


class Program:
    """The student's cells as syntax trees (a cell that does not parse is left out)."""

    def __init__(self, cells):
        self.cells = []
        for cell in cells:
            try:
                self.cells.append(_parse(cell) if isinstance(cell, str) else None)
            except (SyntaxError, ValueError):
                self.cells.append(None)
        self.bound = {}  # name: [Binding, ...] in the order the cells bind it
        for i, tree in enumerate(self.cells):
            for _, name, binding in sorted(_bindings(tree), key=lambda b: b[0]) if tree else ():
                binding.cell = i
                self.bound.setdefault(name, []).append(binding)

    def binding(self, name):
        """The name's last top-level binding, or None."""
        found = self.bound.get(name)
        return found[-1] if found else None

    def candidates(self, name):
        """The bindings that may hold the name's value now: its last binding that surely ran, and
        every one after it that may have run (inside an if, a loop, a try)."""
        found = self.bound.get(name) or []
        sure = [i for i, b in enumerate(found) if not b.conditional]
        return found[sure[-1] :] if sure else found

    # ---- what a name refers to
    def path(self, node, depth=0):
        """The dotted name an expression refers to ('torch.autograd.grad'), following imports and
        plain assignments; None when it is not one."""
        if depth > 10:
            return None
        if isinstance(node, ast.Attribute):
            base = self.path(node.value, depth + 1)
            return None if base is None else f"{base}.{node.attr}"
        if isinstance(node, ast.Name):
            b = self.binding(node.id)
            if b is None:
                return node.id if hasattr(builtins, node.id) else None
            if b.kind == "import":
                return b.path
            if b.kind == "assign" and isinstance(b.value, (ast.Name, ast.Attribute)):
                return self.path(b.value, depth + 1)
        return None

    def is_autograd_name(self, name):
        """Whether the name refers to torch.autograd / torch.func or something in them (whatever
        name it was imported or assigned under), or to a function a torch.func transform made."""
        b = self.binding(name)
        if b is None or b.kind not in ("import", "assign"):
            return False
        if b.kind == "import":
            return b.path.startswith(AUTOGRAD_MODULES)
        path = self.path(b.value) if isinstance(b.value, (ast.Name, ast.Attribute)) else None
        if path is not None:
            return path.startswith(AUTOGRAD_MODULES)
        if isinstance(b.value, ast.Call):
            called = self.path(b.value.func) or ""
            return called.startswith(TRANSFORM_MODULES)
        return False

    def is_cos(self, n):
        if isinstance(n, ast.Attribute) and n.attr in {"cos", "cos_"}:
            return True
        if _literal_getattr(n) in {"cos", "cos_"}:
            return True
        if isinstance(n, ast.Name):
            path = self.path(n) or ""
            return n.id == "cos" or path.rsplit(".", 1)[-1] in {"cos", "cos_"}
        return False

    def autograd_node(self, n, local, grad_attr=False):
        """Whether this syntax-tree node is autograd: backward(), requires_grad, torch.autograd /
        torch.func (aliases such as import torch.func as tf and from torch import func included);
        with grad_attr=True, .grad too."""
        attrs = (
            {"backward", "grad", "autograd", "func", "grad_fn"}
            if grad_attr
            else {"backward", "requires_grad_", "autograd", "func"}
        )
        if isinstance(n, ast.Attribute) and n.attr in attrs:
            return True
        if _literal_getattr(n) in attrs:
            return True
        if isinstance(n, ast.keyword) and n.arg == "requires_grad" and not grad_attr:
            return True
        if isinstance(n, ast.Import):
            return any(a.name.startswith(AUTOGRAD_MODULES) for a in n.names)
        if isinstance(n, ast.ImportFrom):
            module = n.module or ""
            return module.startswith(AUTOGRAD_MODULES) or (
                module == "torch" and any(a.name in {"autograd", "func"} for a in n.names)
            )
        if isinstance(n, ast.Name) and n.id not in local:
            return self.is_autograd_name(n.id)
        return False

    # ---- an answer's code
    def definition(self, name):
        """The syntax tree of what the name is bound to: its def or class, or the assignment
        statement (a lambda, a call); None for an import or a name the cells never bind."""
        trees = self.definitions(name)
        return trees[-1] if trees else None

    def definitions(self, name):
        """The definitions the name may hold (see `candidates`), as syntax trees."""
        found = self.candidates(name) if name else []
        return [b.node for b in found if b.kind in ("def", "class", "assign")]

    def family(self, name, root=None, depth=10_000):
        """[(name, tree)]: the answer's code and that of the functions and classes it uses that the
        cells define, and theirs (to see the code of helpers, and of a callable object's class);
        root: the tree of the answer when the cells do not bind it (e.g. inspect.getsource in the
        workbook)."""
        roots = self.definitions(name) if root is None else [root]
        if not roots:
            return []
        found, todo = [], [(name, tree, 0) for tree in reversed(roots)]
        while todo:
            n, t, d = todo.pop()
            if any(t is f for _, f in found):
                continue
            found.append((n, t))
            if d >= depth:
                continue
            names = {m.id for m in ast.walk(t) if isinstance(m, ast.Name)} - local_names(t)
            for other in sorted(names):
                for b in self.candidates(other) if other != n else ():
                    if b.kind in ("def", "class") or (b.kind == "assign" and isinstance(b.value, ast.Lambda)):  # fmt: skip
                        todo.append((other, b.node, d + 1))
        return found

    def uses_control_flow(self, name, root=None):
        """Judged by the syntax tree; None when the answer's code is out of sight."""
        trees = self.family(name, root)
        if not trees:
            return None
        return any(isinstance(n, CONTROL_FLOW) for _, t in trees for n in ast.walk(t))

    def uses_autograd(self, name, root=None):
        """Whether the answer or a helper it calls uses autograd (local variables do not count)."""
        for _, tree in self.family(name, root):
            local = local_names(tree)
            if any(self.autograd_node(n, local) for n in ast.walk(tree)):
                return True
        return False

    def reached(self, name, root=None, depth=4):
        """The syntax trees of the answer's family, and of what the names they use were assigned
        (`d = sympy.lambdify(...)`, `h = 1e-6j`), and so on, a few steps deep."""
        trees = [t for _, t in self.family(name, root)]
        seen, todo = set(), [(t, 0) for t in trees]
        while todo:
            tree, d = todo.pop()
            for n in ast.walk(tree) if d < depth else ():
                b = self.binding(n.id) if isinstance(n, ast.Name) and n.id not in seen else None
                if b is not None and b.kind == "assign" and b.value is not None:
                    seen.add(n.id)
                    trees.append(b.value)
                    todo.append((b.value, d + 1))
        return trees

    def uses_module(self, name, modules, root=None):
        """Whether the answer, a helper, or what they use imports or names something of these
        modules."""
        for tree in self.reached(name, root):
            for n in ast.walk(tree):
                found = None
                if isinstance(n, ast.Import):
                    found = [a.name for a in n.names]
                elif isinstance(n, ast.ImportFrom):
                    found = [n.module or ""]
                elif isinstance(n, (ast.Name, ast.Attribute)):
                    found = [self.path(n) or ""]
                if found and any(f.split(".")[0] in modules for f in found):
                    return True
        return False

    def uses_complex(self, name, root=None):
        """Whether the answer or a helper computes with complex numbers (a complex step)."""
        words = {"imag", "complex", "view_as_real", "cfloat", "complex64", "complex128", "cdouble"}
        for tree in self.reached(name, root):
            for n in ast.walk(tree):
                if isinstance(n, ast.Constant) and isinstance(n.value, complex):
                    return True
                if (isinstance(n, ast.Attribute) and n.attr in words) or (
                    isinstance(n, ast.Name) and n.id in words
                ):
                    return True
        return False

    def ad_modes(self, name, root=None):
        """The modes of automatic differentiation the answer's code asks PyTorch for: 'forward'
        (forward_ad, jvp, jacfwd), 'reverse' (backward, autograd.grad, vjp, jacrev, torch.func.grad)."""
        found = set()
        for _, tree in self.family(name, root):
            for n in ast.walk(tree):
                word = n.attr if isinstance(n, ast.Attribute) else n.id if isinstance(n, ast.Name) else None  # fmt: skip
                path = self.path(n) or "" if isinstance(n, (ast.Name, ast.Attribute)) else ""
                if isinstance(n, ast.ImportFrom):
                    words = {a.name for a in n.names} | {(n.module or "").rsplit(".", 1)[-1]}
                    found |= {"forward"} if words & FORWARD_WORDS else set()
                    found |= {"reverse"} if words & REVERSE_WORDS else set()
                if word in FORWARD_WORDS or path.rsplit(".", 1)[-1] in FORWARD_WORDS:
                    found.add("forward")
                if word in REVERSE_WORDS or path.rsplit(".", 1)[-1] in REVERSE_WORDS:
                    found.add("reverse")
                if word == "grad" and (path.startswith(AUTOGRAD_MODULES) or (
                    isinstance(n, ast.Attribute) and (self.path(n.value) or "").startswith(AUTOGRAD_MODULES))):  # fmt: skip
                    found.add("reverse")
        return found

    def dynamic(self, name, root=None):
        """Whether the answer's code, or what it uses, builds at run time what it calls (then no
        reading of its text can tell its method)."""
        return any(_dynamic_tree(tree) for tree in self.reached(name, root))

    def rewrites_cells(self):
        """Whether some cell makes the cells' text differ from the code that runs: it changes how
        IPython reads them (input or AST transformers, magics of its own), or it builds code or
        bindings at run time (exec, eval, getattr with a made-up name, globals(), `global`)."""
        for tree in self.cells:
            for n in ast.walk(tree) if tree else ():
                word = n.attr if isinstance(n, ast.Attribute) else n.id if isinstance(n, ast.Name) else None  # fmt: skip
                if word in REWRITING:
                    return True
            if tree is not None and _dynamic_tree(tree):
                return True
        return False

    def flow_dynamic(self, name):
        """Whether the computation of the value of name builds at run time what it calls."""
        flow = self.flow(name)
        if flow is None:
            return False
        values, functions, _ = flow
        if any(_dynamic_tree(v) for v in values):
            return True
        return any(self.dynamic(fn) for fn in functions)

    def free_names(self, name, root=None):
        """The names the answer's code and its helpers use from the namespace, helper by helper."""
        return [
            sorted({m.id for m in ast.walk(t) if isinstance(m, ast.Name)} - local_names(t))
            for _, t in self.family(name, root)
        ]

    # ---- where a value came from
    def flow(self, name):
        """How the value of name was computed: follow the assignments back through the cells,
        taking for each name its last assignment before it is used. Returns (the expressions on the
        way, the cells' own functions it uses, whether some name's origin is out of sight); None
        when the cells never assign name."""
        by_name = {}  # name: [(position, value)], in the order of the cells and lines
        for i, tree in enumerate(self.cells):
            for line, n, v in assignments(tree) if tree is not None else ():
                by_name.setdefault(n, []).append(((i, line), v))
        if name not in by_name:
            return None
        todo, seen, values, functions, opaque = [(name, (math.inf, 0))], set(), [], [], False
        while todo:
            wanted, before = todo.pop()
            if (wanted, before) in seen:
                continue
            seen.add((wanted, before))
            found = by_name.get(wanted)
            if found:
                at = bisect.bisect_left([pos for pos, _ in found], before) - 1
                if at < 0:
                    continue
                pos, value = found[at]
                if (wanted, pos, "value") in seen:
                    continue
                seen.add((wanted, pos, "value"))
                values.append(value)
                todo += [(n.id, pos) for n in ast.walk(value) if isinstance(n, ast.Name)]
            else:
                b = self.binding(wanted)
                if b is not None and b.kind == "def":
                    if wanted not in functions:
                        functions.append(wanted)
                elif (b is None and not hasattr(builtins, wanted)) or (b and b.kind == "class"):
                    opaque = True  # where it comes from is out of sight: no conclusion
        return values, functions, opaque

    def route(self, name):
        """Where the value of name comes from: 'cos' (it uses cos, aliases and helpers included),
        'autograd', 'other' (neither cos nor autograd, e.g. sin(x + π/2) or a finite difference), or
        None (its origin is out of sight)."""
        flow = self.flow(name)
        if flow is None:
            return None
        values, functions, opaque = flow
        nodes = [n for v in values for n in ast.walk(v)]
        for fn in functions:
            for _, tree in self.family(fn):
                nodes += [n for n in _walk_making(tree) if self.is_cos(n)]
        if any(self.is_cos(n) for n in nodes):
            return "cos"
        if any(self.autograd_node(n, set(), grad_attr=True) for n in nodes) or any(
            self.uses_autograd(fn) for fn in functions
        ):
            return "autograd"
        return None if opaque else "other"
