"""What every check shares: the Feedback it returns, the session it runs in (its language, where
the student's objects live, its time budget), and the helpers that turn an answer into a float64
tensor, compare it with the expected value and name the first wrong element, and call a student's
function under the time limit, turning its errors into a hint.

A check never raises: `run` turns a `Stop` into its feedback, a timeout into one line, and anything
unexpected into a message. The session lives in a context variable, so the grader can run checks
for several students at once, each in its own thread, in its own language.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
import time
import warnings
from dataclasses import dataclass, field

import torch

from .timer import TimeUp


class Feedback(str):
    """A check's verdict: shown as one line of feedback (✓ or ✗, then why); `.ok` says whether it
    passed."""

    def __new__(cls, ok, message):
        self = super().__new__(cls, ("✓ " if ok else "✗ ") + message)
        self.ok = ok
        return self

    def __repr__(self):
        return str(self)


class Stop(Exception):
    """Feedback given partway through a check."""

    def __init__(self, message):
        super().__init__(message)
        self.feedback = Feedback(False, message)


class Timeout(Stop):
    """The student's function ran out of time: no handling such as "skip this point" may swallow
    this."""


@dataclass
class Session:
    """One check's run: its messages (one language's catalogue), the student's side (where their
    objects live: this process, or the grader's sandboxed kernel), and its time limit in seconds
    for all the student's code it calls (None: no limit)."""

    messages: dict
    student: object
    limit: float | None = None
    deadline: float | None = field(default=None, init=False)


_SESSION: contextvars.ContextVar[Session] = contextvars.ContextVar("autograd_checks_session")


def session() -> Session:
    return _SESSION.get()


def say(key, /, **fields):
    """The message `key` of the session's catalogue, with its fields filled in."""
    return session().messages[key].format(**fields)


@contextlib.contextmanager
def using(current):
    """Within: the session `current`, its time budget starting now."""
    token = _SESSION.set(current)
    current.deadline = None if current.limit is None else time.monotonic() + current.limit
    try:
        yield current
    finally:
        current.deadline = None
        _SESSION.reset(token)


def run(check, current, args=(), kwargs=None):
    """check(*args, **kwargs) in the session `current`; never raises."""
    with using(current):
        return _run(check, args, kwargs)


def _run(check, args, kwargs):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return check(*args, **(kwargs or {}))
    except Stop as stop:
        return stop.feedback
    except TimeUp:
        return Feedback(False, timeout_message(check.__name__))
    except TypeError as err:
        if "argument" in str(err) and check.__name__ in str(err):
            signature = inspect.signature(check)
            return Feedback(
                False, say("bad_arguments", check=check.__name__, signature=signature, error=err)
            )
        return unexpected(err)
    except Exception as err:  # noqa: BLE001 - feedback, never an error
        return unexpected(err)


def timeout_message(name):
    return say("timeout", name=name, limit=session().limit)


def unexpected(err):
    return Feedback(False, say("unexpected", type=type(err).__name__, text=str(err)[:100]))


def missing(name):
    return Feedback(False, say("missing", name=name))


def absent(value):
    return value is None or value is Ellipsis


def missing_grad(name, grad):
    """The answer is None: perhaps not attempted yet, perhaps .grad is still None."""
    return Feedback(False, say("missing_grad", name=name, grad=grad))


# ---------------------------------------------------------------- values from the student's side
class Remote:
    """What the grader knows of an object in the student's kernel that it could not rebuild here:
    its type's name, its repr, and, where it converts, its items or its values (see grader/wire.py).
    In the workbook every answer is the real object, and nothing is Remote."""

    type_name = "object"
    text = ""
    ref = None


def describe(value):
    remote = value if isinstance(value, Remote) else getattr(value, "_autograd_checks_remote", None)
    name, text = (remote.type_name, remote.text) if remote else (type(value).__name__, repr(value))
    return f"{name} {text[:40] + '…' if len(text) > 40 else text}"


def grad_fn_name(value):
    """The class name of a tensor's grad_fn (e.g. 'CosBackward0'), or None."""
    remote = getattr(value, "_autograd_checks_remote", None)
    if remote is not None:
        return remote.grad_fn
    grad_fn = getattr(value, "grad_fn", None)
    return None if grad_fn is None else type(grad_fn).__name__


def _plain(t):
    """The tensor as a plain torch.Tensor: a subclass's __torch_function__ cannot take part in the
    comparisons that follow."""
    with torch._C.DisableTorchFunctionSubclass():
        return t.detach().to("cpu")


def as_tensor(value):
    """A tensor, numpy array or scalar, Python number, list or tuple as a float64 tensor on the CPU;
    None when it cannot be converted."""
    if isinstance(value, Remote):
        return value.as_tensor()
    if isinstance(value, (str, bytes, dict, set)) or value is None or callable(value):
        return None
    if isinstance(value, (list, tuple)) and len(value) == 1 and isinstance(value[0], torch.Tensor):
        value = value[0]  # the tuple torch.autograd.grad returns
    try:
        if isinstance(value, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in value):
            value = torch.stack([_plain(torch.as_tensor(v)).reshape(()) for v in value])
        with torch._C.DisableTorchFunctionSubclass():
            t = torch.as_tensor(value).detach().to("cpu")
        if t.is_complex() or t.dtype == torch.bool:
            return None
        if not isinstance(value, torch.Tensor):  # a Python float is float64: not via float32 first
            t = torch.as_tensor(value, dtype=torch.float64)
        return _plain(t).to(torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None


def tensor(name, value, shape=None):
    """The answer as a float64 tensor on the CPU (tensors, arrays, lists, numbers), with a message
    when its shape is wrong."""
    t = as_tensor(value)
    if t is None:
        if shape is not None:
            raise Stop(say("want_shape", name=name, shape=tuple(shape), got=describe(value)))
        raise Stop(say("want_number", name=name, got=describe(value)))
    if shape is not None and tuple(t.shape) != tuple(shape):
        if t.squeeze().shape != torch.empty(shape).squeeze().shape:  # (1, 4) and (4,) are alike
            raise Stop(say("wrong_shape", name=name, shape=tuple(shape), got=tuple(t.shape)))
        t = t.reshape(shape)
    if torch.isnan(t).any():
        raise Stop(say("has_nan", name=name))
    if torch.isinf(t).any():
        raise Stop(say("has_inf", name=name))
    return t


def scalar(name, value):
    """A number: a scalar tensor, a numpy scalar or 0-d array, a Python number, or a one-element
    list."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise Stop(say("scalar_tensor", name=name, shape=tuple(value.shape)))
        return value.reshape(())
    t = as_tensor(value)
    if t is None:
        raise Stop(say("scalar_number", name=name, got=describe(value)))
    if t.numel() != 1:
        raise Stop(say("scalar_shape", name=name, shape=tuple(t.shape)))
    return t.reshape(())


def is_float64(value):
    """Whether the value was computed in float64 (a float64 tensor or array, a Python float); a
    float32 answer can only be compared to float32 precision."""
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return isinstance(value, (int, float))
    return str(dtype).endswith("float64")


def fmt(t):
    if t.numel() == 1:
        return f"{t.item():.6g}"
    head = ", ".join(f"{v:.4g}" for v in t.reshape(-1)[:6].tolist())
    return f"[{head}{', …' if t.numel() > 6 else ''}]"


def close(a, b, rtol=1e-5, atol=1e-6):
    return a.shape == b.shape and torch.allclose(a, b, rtol=rtol, atol=atol)


def compare(name, value, expected, hints=(), points=None):
    """Compares with the expected value: first the common mistakes (hints: (wrong answer, hint)),
    then which elements are wrong. points: each element's x (when given, the feedback names x, not
    an index)."""
    expected = torch.as_tensor(expected, dtype=torch.float64)
    got = tensor(name, value, expected.shape)
    if close(got, expected):
        return Feedback(True, say("correct_value", name=name, value=fmt(expected)))
    for wrong, hint in hints:
        if close(got, torch.as_tensor(wrong, dtype=torch.float64).reshape(expected.shape)):
            return Feedback(False, hint)
    bad = (~torch.isclose(got, expected, rtol=1e-5, atol=1e-6)).reshape(-1).nonzero().reshape(-1)
    first = bad[0].item()
    got_first, want_first = got.reshape(-1)[first].item(), expected.reshape(-1)[first].item()
    if expected.numel() == 1:
        return Feedback(False, say("wrong_scalar", name=name, got=got_first, want=want_first))
    if points is not None:
        at = float(points.reshape(-1)[first])
        return Feedback(
            False,
            say("wrong_at", name=name, count=len(bad), at=at, got=got_first, want=want_first),
        )
    return Feedback(
        False,
        say(
            "wrong_element", name=name, count=len(bad), index=first, got=got_first, want=want_first
        ),
    )


# ---------------------------------------------------------------- calling the student's code
# (a phrase of PyTorch's error message, the key of the hint that explains it)
ERROR_HINTS = [
    ("does not require grad", "hint.no_graph"),
    ("second time", "hint.second_time"),
    ("only one element tensors", "hint.math_scalar"),
    ("only for scalar outputs", "hint.scalar_outputs"),
    ("leaf Variable", "hint.leaf_in_place"),
]


def _guard(name, fn):
    if absent(fn):
        raise Stop(missing(name)[2:])
    if not callable(fn):
        raise Stop(say("not_a_function", name=name, got=describe(fn)))


def _failed(name, err):
    text = str(err)
    hint = next((say(key) for phrase, key in ERROR_HINTS if phrase in text), "")
    first_line = text.splitlines()[0][:120] if text else ""
    if hint:
        return Stop(say("call_failed_hint", name=name, type=type(err).__name__, line=first_line, hint=hint))  # fmt: skip
    return Stop(say("call_failed", name=name, type=type(err).__name__, line=first_line))


def call(name, fn, *args, no_grad=False):
    """Calls the student's function (within the time limit); an error or a timeout becomes a
    message. no_grad: under torch.no_grad()."""
    _guard(name, fn)
    try:
        return session().student.call(fn, args, no_grad=no_grad)
    except TimeUp:
        raise Timeout(timeout_message(name)) from None
    except Exception as err:  # noqa: BLE001 - any error in student code becomes one line
        raise _failed(name, err) from None


def _outcome(name, outcome):
    """A probe's outcome as `call` gives it: the value, or the Stop (with the hint) or Timeout."""
    if outcome[0] == "timeout":
        return Timeout(timeout_message(name))
    if outcome[0] == "error":
        return _failed(name, outcome[1])
    return outcome[1]


def call_points(name, fn, values):
    """probes.point at each value, in one go: for each, its outcomes (see `_outcome`)."""
    _guard(name, fn)
    try:
        found = session().student.points(fn, values)
    except TimeUp:
        raise Timeout(timeout_message(name)) from None
    return [[_outcome(name, o) for o in outcomes] for outcomes in found]


def call_many(name, fn, args_list, no_grad=False):
    """fn(*args) for each args, in one go: each outcome as `call` gives it (see `_outcome`)."""
    _guard(name, fn)
    try:
        found = session().student.calls(fn, args_list, no_grad)
    except TimeUp:
        raise Timeout(timeout_message(name)) from None
    return [_outcome(name, o) for o in found]


class Later:
    """Outcomes asked for in one go the first time one is needed (`fetch()` gives the list); an
    outcome that is an error is raised when it is taken."""

    def __init__(self, fetch):
        self._fetch, self._found = fetch, None

    def take(self, i):
        if self._found is None:
            self._found = self._fetch()
        found = self._found[i]
        if isinstance(found, Stop):
            raise found
        return found


def call_traced(name, fn, x):
    """(fn(x), the torch operations it ran), as `call` calls it. See probes.trace_call."""
    _guard(name, fn)
    try:
        return session().student.trace_call(fn, x)
    except TimeUp:
        raise Timeout(timeout_message(name)) from None
    except Exception as err:  # noqa: BLE001
        raise _failed(name, err) from None


def iterable(value):
    """Whether the checks can list the value's items (for a Remote: whether the grader has them)."""
    if isinstance(value, Remote):
        return getattr(value, "items", None) is not None
    return hasattr(value, "__iter__") and not isinstance(value, (str, bytes))
