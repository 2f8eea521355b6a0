"""The grader's side of a student's kernel: tools/grade.py sends this file's source, with a TASK dict,
as its own cells (never imported, never visible to the student's code before it runs).

- `baseline` (before any student cell): imports what the checks and the workbook's set-up cell use
  (torch, math, matplotlib.pyplot) and reports a fingerprint of everything the checks rely on:
  torch, builtins and the stdlib modules they call, the Tensor classes, the output stream,
  IPython's hooks and transformers, trace/profile/GC/signal hooks, and which Python threads exist.
- `exercises` (after the student's cells): runs the repository's checks in a fresh private
  namespace, calls each check exactly as the workbook's check cell does (the arguments are looked
  up in the student's namespace), then the hidden variant below, and reports each verdict with the
  fingerprint taken before and after its check, so the grader can tell (outside this process)
  whether anything the checks rely on changed. tests/test_grade.py calls `judge` on every row of
  the student-answer table.

Every report is one line: TASK["nonce"] followed by JSON. The grader reads only the output of its
own requests. All of this runs in the student's process, so it raises the bar rather than proving
anything; the README's "For teachers" section says what a container adds.

The hidden variants call the student's functions on inputs the workbook never shows (other
functions for exercise 1, other points for 4, 7 and 8); expected values are closed forms here.
They reuse the checks' own helpers (`_call`, `_compare`, `_pair`, `_check`), so answers in any form
the checks accept are accepted, with messages in the edition's language.
"""

import ast
import builtins
import gc
import hashlib
import json
import signal
import sys
import threading
import types

WATCHED = ("builtins", "torch", "torch.autograd", "torch.func", "torch.nn.functional", "math",
           "ast", "inspect", "re", "functools", "textwrap", "warnings", "json", "hashlib", "numpy")  # fmt: skip
EX4_HIDDEN_POINTS = (-2.15, -1.05, -0.45, 0.47, 1.42, 2.83, 3.35)
EX7_HIDDEN_POINTS = (-7.3, -2.75, -1.15, 0.62, 1.55, 3.85, 9.1)
EX8_HIDDEN_POINTS = (0.8, 1.7, -2.2)
TASK: dict = globals()["TASK"]  # given by tools/grade.py with the source


COMPILED: dict = {}  # the checks' code by source (a kernel compiles once anyway; the tests reuse)
ALIVE: list = []  # baseline only: the fingerprinted objects, kept alive so no id is reused


def _ident(value) -> str:
    """Which object this is (a bound method: which function on which object; a function: which
    code), so that a replacement shows even where the same name and type remain."""
    if TASK.get("mode") == "baseline":
        ALIVE.append(value)
    if isinstance(value, types.MethodType):
        return f"method:{id(value.__self__)}:{_ident(value.__func__)}"
    code = getattr(value, "__code__", None)
    return f"{type(value).__name__}:{id(value)}:{'' if code is None else id(code)}"


def _installed(fn) -> bool:
    module = getattr(fn, "__module__", None) or ""
    return module.split(".")[0] in {"IPython", "ipykernel", "matplotlib", "matplotlib_inline"}


def _student_threads() -> list[str]:
    """Threads (other than the main one) running code from outside the Python installation: the
    student's, since every thread of the kernel, IPython and torch runs installed code."""
    found, main = [], threading.main_thread().ident
    for ident, frame in sys._current_frames().items():
        while ident != main and frame is not None:
            name = frame.f_code.co_filename
            if not name.startswith((sys.prefix, sys.base_prefix, "<frozen")):
                found.append(f"a background thread ({frame.f_code.co_name})")
                break
            frame = frame.f_back
    return found


def _hooks() -> dict:
    """Everything outside the modules' dictionaries that can change what a check sees."""
    found = {f"sys.{n}": _ident(getattr(sys, n)) for n in ("displayhook", "excepthook", "stdout",
             "stderr", "meta_path", "path_hooks")}  # fmt: skip
    found["sys.gettrace()"] = _ident(sys.gettrace())
    found["sys.getprofile()"] = _ident(sys.getprofile())
    found["threading.settrace"] = _ident(threading._trace_hook)
    found["threading.setprofile"] = _ident(threading._profile_hook)
    found["sys.meta_path[:]"] = [_ident(m) for m in sys.meta_path]
    found["gc.callbacks"] = [_ident(c) for c in gc.callbacks]
    for name in ("SIGALRM", "SIGVTALRM", "SIGPROF", "SIGUSR1", "SIGUSR2"):
        found[f"signal.{name}"] = _ident(signal.getsignal(getattr(signal, name)))
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is not None:
        for event, callbacks in shell.events.callbacks.items():  # matplotlib adds its own
            found[f"IPython.events.{event}"] = [_ident(c) for c in callbacks if not _installed(c)]
        found["IPython.ast_transformers"] = [_ident(t) for t in shell.ast_transformers]
        found["IPython.input_transformers_post"] = [
            _ident(t) for t in shell.input_transformers_post
        ]
        manager = shell.input_transformer_manager
        for name in ("cleanup_transforms", "line_transforms", "token_transformers"):
            found[f"IPython.{name}"] = [_ident(t) for t in getattr(manager, name, ())]
        found["IPython.displayhook"] = _ident(shell.displayhook)
        for name in ("run_cell", "run_code", "run_ast_nodes", "transform_cell"):
            found[f"IPython.{name}"] = _ident(getattr(shell, name))
    return found


def fingerprint() -> dict:
    """{name: identity} of what the checks rely on; the grader compares it with the baseline."""
    found = _hooks()
    for name in WATCHED:
        module = sys.modules.get(name)
        for key, value in vars(module).items() if module else ():
            if not isinstance(value, types.ModuleType) and (name == "builtins" or key[:2] != "__"):
                found[f"{name}.{key}"] = _ident(value)
    torch = sys.modules["torch"]
    classes = type(torch.zeros(0)).__mro__[:-1] + type(sys.stdout).__mro__[:-1]
    for cls in classes:
        for key, value in vars(cls).items():
            found[f"{cls.__module__}.{cls.__qualname__}.{key}"] = _ident(value)
    return found


def report(payload: dict) -> None:
    payload["threads"] = _student_threads()
    sys.stdout.write(TASK["nonce"] + json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()


def baseline() -> None:
    # What the checks import, loaded before the student's code; and pyplot, which the workbook's
    # set-up cell imports: loaded here, its second or so (more on a busy machine) does not count
    # against that cell's time limit.
    import math  # noqa: F401

    import matplotlib.pyplot  # noqa: F401
    import torch  # noqa: F401

    keep = fingerprint()
    builtins.__grader_keep__ = (keep, ALIVE)  # compared in-process later, and its digest outside
    report({"fingerprint": keep, "digest": _digest(keep)})


def changes() -> dict:
    """What differs from the baseline now (only names that existed then: modules load lazily),
    and the digest of the baseline kept in this process, so that editing it shows too."""
    keep = builtins.__grader_keep__[0]
    now = fingerprint()
    return {
        "digest": _digest(keep),
        "changed": sorted(k for k, v in keep.items() if now.get(k) != v),
    }


def _arguments(call: str, user: dict) -> tuple[str, list]:
    """The check's name and its arguments, looked up in the student's namespace as the workbook's
    check cell would; a name the student deleted counts as not attempted (None)."""
    node = ast.parse(call, mode="eval").body
    env, args = dict(user), []
    for arg in node.args:
        try:
            args.append(eval(compile(ast.Expression(arg), "<call>", "eval"), env))  # noqa: S307
        except Exception:  # noqa: BLE001 - a missing answer is judged by the check itself
            args.append(None)
    return node.func.id, args


def run_checks(checks: str, cells: list, user: dict) -> dict:
    """The repository's checks run afresh in the student's namespace, as the workbook runs them
    (they read `In` and the student's names through globals()): a student's copy or rebinding of
    a check or a helper is replaced. `In` is what the grader ran, not what the kernel remembers.
    Returns the hidden variants, wrapped by the checks' own `_check`."""
    if checks not in COMPILED:
        COMPILED[checks] = compile(checks, "<checks>", "exec")
    exec(COMPILED[checks], user)  # noqa: S102 - the repository's checks
    user["In"] = list(cells)
    return {n: user["_check"](f) for n, f in HIDDEN.items()}


def verdict(user: dict, hidden: dict, call: str, n: int) -> dict:
    """The workbook's verdict on exercise n (its check, called as its check cell calls it), then
    the hidden variant's; and which of the checks' own names changed while they ran."""
    pristine = {k: _ident(user.get(k)) for k in user if k.startswith(("_", "check_ex", "Feedback"))}
    name, args = _arguments(call, user)
    feedback = user[name](*args)
    result = {"n": n, "ok": type(feedback) is user["Feedback"] and feedback.ok is True}
    result["message"] = str.__str__(feedback) if isinstance(feedback, str) else repr(feedback)
    if hidden.get(n) and result["ok"]:
        feedback = hidden[n](user, *args)
        result["hidden_ok"] = type(feedback) is user["Feedback"] and feedback.ok is True
        result["hidden_message"] = str.__str__(feedback)
    result["changed_in_checks"] = [k for k, v in pristine.items() if _ident(user.get(k)) != v]
    return result


def judge(checks: str, call: str, n: int, user: dict, cells: list, time_limit=None) -> dict:
    """The grader's verdict on one answer (tests/test_grade.py runs the student-answer table)."""
    hidden = run_checks(checks, cells, user)
    if time_limit:
        user["CHECK_TIME_LIMIT"] = time_limit
    return verdict(user, hidden, call, n)


def _digest(fp: dict) -> str:
    return hashlib.sha256(json.dumps(sorted(fp.items())).encode()).hexdigest()


def exercises() -> None:
    """Every exercise in turn, one report each, with the changes before and after its check."""
    user = sys.modules["IPython"].get_ipython().user_ns
    before = changes()
    hidden = run_checks(TASK["checks"], TASK["in"], user)
    for n, call in TASK["calls"].items():
        result = verdict(user, hidden, call, n)
        result["before"], result["after"] = before, changes()
        before = result["after"]
        report(result)


# ---------------------------------------------------------------- hidden variants
def hidden_ex1(ns, second_derivative):
    torch = sys.modules["torch"]
    x = torch.tensor([-1.3, -0.2, 0.7, 2.4], dtype=torch.float64)
    cases = [("exp(x)", torch.exp, torch.exp(x)), ("x**4", lambda t: t**4, 12 * x**2),
             ("cos(x)", torch.cos, -torch.cos(x)), ("x**2", lambda t: t * t, 2 + 0 * x)]  # fmt: skip
    for label, f, d2 in cases:
        result = ns["_call"]("second_derivative", second_derivative, f, x.clone())
        feedback = ns["_compare"](f"second_derivative(f, x), f(x) = {label}", result, d2)
        if not feedback.ok:
            return feedback
    return ns["Feedback"](True, "")


def hidden_ex4(ns, g, g_prime):
    """The workbook's own check, with its further points (skipped near a kink) replaced by ours."""
    name = "_EX4_MORE_POINTS" if "_EX4_MORE_POINTS" in ns else "_EX4_POINTS"
    points, ns[name] = ns[name], EX4_HIDDEN_POINTS
    try:
        return ns["check_ex4"](g, g_prime)
    finally:
        ns[name] = points


def _f_and_derivative(x):
    torch = sys.modules["torch"]
    f = torch.log(x**2) * torch.sin(x) + 1 / x
    return f, 2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - x**-2


def hidden_ex7(ns, df_dx):
    torch = sys.modules["torch"]
    x = torch.tensor(EX7_HIDDEN_POINTS, dtype=torch.float64)
    result = ns["_call"]("df_dx", df_dx, x.clone())
    return ns["_compare"]("df_dx(x)", result, _f_and_derivative(x)[1])


def hidden_ex8(ns, forward_mode, reverse_mode):
    torch = sys.modules["torch"]
    for name, fn in (("forward_mode", forward_mode), ("reverse_mode", reverse_mode)):
        for value in EX8_HIDDEN_POINTS:
            x = torch.tensor(value, dtype=torch.float64)
            got = ns["_pair"](name, ns["_call"](name, fn, x.clone()))
            for i, want in enumerate(_f_and_derivative(x)):
                feedback = ns["_compare"](f"{name}({value})[{i}]", got[i], want)
                if not feedback.ok:
                    return feedback
    return ns["Feedback"](True, "")


HIDDEN = {1: hidden_ex1, 4: hidden_ex4, 7: hidden_ex7, 8: hidden_ex8}

{"baseline": baseline, "exercises": exercises}.get(TASK.get("mode"), lambda: None)()
