"""The judge's side of the wire to the student's kernel: requests out, plain data back.

A reply is parsed within limits (its size, its nesting, its numbers) and never unpickled or run;
`decode` rebuilds from it what the checks read of a student's object: builtins as themselves,
tensors and numpy arrays as fresh ones with the same dtype, shape and values (and, kept aside,
whether the original required grad, its grad_fn's name, its type's name and repr), functions as
`RemoteFunction` handles the checks can call back, anything else as `Opaque`. A reply that breaks
the rules is a `ReplyError`, which the checks report like any unexpected error: a forged reply can
claim only what a student's function could have returned.

`Remote` is the student's side of a check session in the grader (the workbook's is
autograd_checks/local.py): the same operations, carried out in the kernel by grader/agent.py.
"""

from __future__ import annotations

import array
import ast
import base64
import binascii
import inspect
import json
import time

import numpy as np
import torch

from autograd_checks import core, probes
from autograd_checks.program import Program
from autograd_checks.timer import TimeUp

MAX_REPLY = 32 << 20  # bytes of a reply as the kernel sends it
MAX_DEPTH = 16
MAX_NUMEL = 1_000_000
TENSOR_DTYPES = {str(d): d for d in (torch.float16, torch.bfloat16, torch.float32, torch.float64,
                 torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool)}  # fmt: skip
NUMPY_DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}
SLACK = 5.0  # seconds the judge waits beyond a request's own time limit


class ReplyError(Exception):
    """The kernel's reply broke the rules (malformed, too large, not what was asked)."""


class KernelGone(BaseException):
    """The kernel no longer answers (it died, or hangs past the limit and ignored an interrupt).
    A BaseException: no check may turn it into feedback; the judge notes it."""


class RemoteInfo:
    """What the checks may ask of a rebuilt tensor that its copy cannot say."""

    def __init__(self, type_name, text, grad_fn=None, ref=None):
        self.type_name, self.text, self.grad_fn, self.ref = type_name, text, grad_fn, ref


class Opaque(core.Remote):
    """A student's object the judge does not rebuild: its type's name and repr, and its items
    where it has them (an iterable such as a graph library's edge view)."""

    def __init__(self, type_name, text, items=None, ref=None):
        self.type_name, self.text, self.items, self.ref = type_name, text, items, ref

    def __repr__(self):
        return self.text

    def __iter__(self):
        if self.items is None:
            raise TypeError(f"'{self.type_name}' object is not iterable")
        return iter(self.items)

    def as_tensor(self):
        return None


class RemoteFunction(Opaque):
    """A function in the student's kernel, which the checks call through the session's student."""

    def __init__(self, type_name, text, is_function, ref):
        super().__init__(type_name, text, None, ref)
        self.is_function = is_function

    def __call__(self, *args):
        raise TypeError("a student's function is called through the session's student")


class RemoteError(Exception):
    """An exception raised in the student's kernel, rebuilt under its type's name."""


def remote_error(data) -> Exception:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ReplyError("a malformed error")
    name = data["type"] if data["type"].isidentifier() else "Error"
    return type(name, (RemoteError,), {})(str(data.get("message", ""))[:1000])


def _number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ReplyError("not a number")
    return v


def decode(data, ref=None, depth=0):
    """The object a reply's plain data describes (see grader/agent.py, `encode`); a ReplyError
    for anything malformed."""
    try:
        return _decode(data, ref, depth)
    except ReplyError:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError, MemoryError, KeyError, IndexError) as err:  # fmt: skip
        raise ReplyError(f"a malformed value ({type(err).__name__})") from None


def _decode(data, ref=None, depth=0):
    if depth > MAX_DEPTH or not isinstance(data, dict):
        raise ReplyError("a malformed value")
    t = data.get("t")
    type_name, text = str(data.get("type", ""))[:100], str(data.get("repr", ""))[:1000]
    if t == "none":
        return None
    if t == "ellipsis":
        return Ellipsis
    if t == "bool":
        return bool(data.get("v"))
    if t in ("int", "float"):
        v = _number(data.get("v"))
        return int(v) if t == "int" and isinstance(v, int) else float(v)
    if t == "str":
        if not isinstance(data.get("v"), str):
            raise ReplyError("a malformed string")
        return data["v"]
    if t in ("list", "tuple", "set", "frozenset"):
        items = [_decode(v, None, depth + 1) for v in _list(data.get("items"))]
        try:
            return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
        except TypeError:  # an unhashable item in a set
            return Opaque(type_name, text, items, ref)
    if t == "dict":
        pairs = [(_decode(k, None, depth + 1), _decode(v, None, depth + 1)) for k, v in (_pair(p) for p in _list(data.get("items")))]  # fmt: skip
        try:
            return dict(pairs)
        except TypeError:
            return Opaque(type_name, text, [k for k, _ in pairs], ref)
    if t == "tensor":
        return _tensor(data, type_name, text, ref)
    if t in ("ndarray", "npscalar"):
        return _numpy(data, type_name, text, ref)
    if t == "function":
        return RemoteFunction(type_name, text, bool(data.get("is_function")), ref)
    if t == "object":
        items = data.get("items")
        items = None if items is None else [_decode(v, None, depth + 1) for v in _list(items)]
        return Opaque(type_name, text, items, ref)
    raise ReplyError("a value of an unknown kind")


def _list(v):
    if not isinstance(v, list):
        raise ReplyError("a malformed list")
    return v


def _pair(v):
    if not isinstance(v, list) or len(v) != 2:
        raise ReplyError("a malformed pair")
    return v


def _shape(data):
    shape = _list(data.get("shape"))
    if not all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_NUMEL for n in shape
    ):
        raise ReplyError("a malformed shape")
    return shape


def _unpack(packed, shape) -> np.ndarray:
    """The numbers of grader/agent.py's `_pack`, as a numpy array of the shape (float64, int64 or
    bool), checked for their count."""
    if not isinstance(packed, dict) or packed.get("format") not in ("d", "q", "B") or not isinstance(packed.get("b64"), str):  # fmt: skip
        raise ReplyError("malformed packed numbers")
    if len(packed["b64"]) > MAX_REPLY:
        raise ReplyError("too many numbers")
    try:
        raw = base64.b64decode(packed["b64"], validate=True)
        values = array.array(packed["format"])
        values.frombytes(raw)
    except (binascii.Error, ValueError) as err:
        raise ReplyError(f"malformed packed numbers ({type(err).__name__})") from None
    count = int(np.prod(shape, dtype=np.int64))
    if len(values) != count or count > MAX_NUMEL:
        raise ReplyError("the numbers do not fit their shape")
    kind = {"d": np.float64, "q": np.int64, "B": np.bool_}[packed["format"]]
    return np.frombuffer(values.tobytes(), dtype={"d": np.float64, "q": np.int64, "B": np.uint8}[packed["format"]]).astype(kind).reshape(shape)  # fmt: skip


def _tensor(data, type_name, text, ref):
    dtype, shape = TENSOR_DTYPES.get(data.get("dtype")), _shape(data)
    info = RemoteInfo(type_name, text, data.get("grad_fn") if isinstance(data.get("grad_fn"), str) else None, ref)  # fmt: skip
    if dtype is None or data.get("packed") is None:
        return Opaque(type_name, text, None, ref)  # complex, sparse, too large: not rebuilt
    numbers = _unpack(data["packed"], shape)
    try:
        t = torch.from_numpy(numbers.copy()).to(dtype)
    except (TypeError, ValueError, RuntimeError, OverflowError) as err:
        raise ReplyError(f"a malformed tensor: {err}") from None
    if data.get("requires_grad") is True and t.is_floating_point():
        t.requires_grad_(True)
    t._autograd_checks_remote = info
    return t


def _numpy(data, type_name, text, ref):
    dtype = data.get("dtype")
    if dtype not in NUMPY_DTYPES or (data.get("data") is None and data.get("packed") is None):
        return Opaque(type_name, text, None, ref)
    try:
        if data["t"] == "npscalar":
            return np.dtype(dtype).type(_number(data["data"]))
        return _unpack(data.get("packed"), _shape(data)).astype(dtype)
    except (TypeError, ValueError, OverflowError) as err:
        raise ReplyError(f"a malformed array: {err}") from None


def parse(text) -> dict:
    """A reply as the kernel's user_expressions show it: the repr of a base64 string of JSON."""
    if not isinstance(text, str) or len(text) > MAX_REPLY or len(text) < 2 or text[0] != text[-1] or text[0] not in "'\"":  # fmt: skip
        raise ReplyError("a malformed reply")
    try:
        found = json.loads(base64.b64decode(text[1:-1], validate=True))
    except (binascii.Error, ValueError, RecursionError, UnicodeDecodeError) as err:
        raise ReplyError(f"a malformed reply ({type(err).__name__})") from None
    if not isinstance(found, dict):
        raise ReplyError("a malformed reply")
    return found


# ---------------------------------------------------------------- arguments the judge sends
def argument(value):
    """The spec of an argument to a student's function: a tensor, one of the checks' own functions
    (by its source: the kernel defines it anew), a torch function, or a plain value."""
    if isinstance(value, torch.Tensor):
        t = value.detach()
        spec = {"data": t.reshape(-1).tolist(), "dtype": str(t.dtype), "shape": list(t.shape),
                "requires_grad": bool(value.requires_grad)}  # fmt: skip
        return {"tensor": spec}
    if isinstance(getattr(value, "__shipped_source__", None), str):  # a function drawn by a check
        return {"name": value.__name__, "source": value.__shipped_source__}
    module = getattr(value, "__module__", "") or ""
    if callable(value) and module.split(".")[0] == "torch":
        return {"torch": value.__name__}
    if inspect.isfunction(value) and module.startswith("autograd_checks"):
        return {"name": value.__name__, "source": inspect.getsource(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"json": value}
    raise TypeError(f"cannot send {type(value).__name__} to the student's kernel")


class Remote:
    """The student's side of a check in the grader: `kernel.request(payload, timeout)` carries a
    request to the agent and returns its parsed reply."""

    def __init__(self, kernel, cells):
        self.kernel, self.program = kernel, Program(cells)
        self._refs: dict[int, tuple] = {}  # id of a decoded answer: (it, the name it came from)

    def _remaining(self):
        deadline = core.session().deadline
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def _ask(self, payload, whole=False):
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            raise TimeUp  # the check's time is up: nothing more is asked
        payload["remaining"] = remaining
        reply = self.kernel.request(payload, (60.0 if remaining is None else remaining) + SLACK)
        if reply.get("timeout") is True:
            raise TimeUp
        if "agent_error" in reply:
            raise ReplyError(str(reply["agent_error"])[:300])
        if "error" in reply:
            raise remote_error(reply["error"])
        if "value" not in reply:
            raise ReplyError("a reply without a value")
        return reply if whole else reply["value"]

    def _name(self, value):
        """The reference ({"expr": name}) a decoded answer came from, or None."""
        ref = getattr(value, "ref", None) or getattr(getattr(value, "_autograd_checks_remote", None), "ref", None)  # fmt: skip
        if ref is None and id(value) in self._refs and self._refs[id(value)][0] is value:
            ref = self._refs[id(value)][1]
        return ref

    def _ref(self, value):
        ref = self._name(value)
        if ref is None:
            raise ReplyError("the student's object has no name to call it by")
        return ref

    def variable(self, name):
        """The object a name (or an expression of the student's check call) stands for."""
        try:
            reply = self._ask({"op": "value", "ref": {"expr": name}}, whole=True)
        except RemoteError as err:
            if name.isidentifier():  # looking a name up raises nothing: a forged reply
                raise ReplyError(f"an error in reply to a lookup: {err}") from None
            raise  # the student's own expression failed, as it would in the workbook
        handle = reply.get("handle")
        ref = {"expr": name} if not isinstance(handle, int) or isinstance(handle, bool) else {"expr": name, "handle": handle}  # fmt: skip
        value = decode(reply["value"], ref)
        self._refs[id(value)] = (value, ref)
        return value

    def same(self, a, b):
        refs = [self._name(v) for v in (a, b)]
        if None in refs:
            return a is b
        if refs[0] == refs[1]:
            return True
        return decode(self._ask({"op": "same", "a": refs[0], "b": refs[1]})) is True

    def call(self, fn, args, no_grad=False):
        payload = {"op": "call", "fn": self._ref(fn), "args": [argument(a) for a in args], "no_grad": no_grad}  # fmt: skip
        return decode(self._ask(payload))

    @staticmethod
    def _outcomes(found, first_is_grad=False):
        """Outcomes as probes.py gives them, from the agent's reply (see Agent._outcomes)."""
        if not isinstance(found, list) or len(found) > 10_000:
            raise ReplyError("malformed outcomes")
        outcomes = []
        for i, item in enumerate(found):
            if not isinstance(item, dict):
                raise ReplyError("a malformed outcome")
            if item.get("timeout") is True:
                outcomes.append(("timeout",))
            elif "error" in item:
                outcomes.append(("error", remote_error(item["error"])))
            elif first_is_grad and i == 0:
                got = item.get("value")
                if not isinstance(got, list) or len(got) != 3:
                    raise ReplyError("a malformed outcome")
                outcomes.append(("value", (decode(got[0]), decode(got[1]), None if got[2] is None else remote_error(got[2]))))  # fmt: skip
            else:
                outcomes.append(("value", decode(item.get("value"))))
        return outcomes

    def points(self, fn, values):
        found = self._ask(
            {"op": "points", "fn": self._ref(fn), "values": [float(v) for v in values]}
        )
        if not isinstance(found, list) or len(found) != len(values):
            raise ReplyError("a malformed reply to points")
        return [self._outcomes(o, first_is_grad=True)[:4] for o in found]

    def calls(self, fn, args_list, no_grad=False):
        payload = {"op": "calls", "fn": self._ref(fn), "no_grad": no_grad,
                   "args_list": [[argument(a) for a in args] for args in args_list]}  # fmt: skip
        found = self._outcomes(self._ask(payload))
        if len(found) != len(args_list):
            raise ReplyError("a malformed reply to calls")
        return found

    def trace_call(self, fn, x):
        found = self._ask({"op": "trace_call", "fn": self._ref(fn), "args": [argument(x)]})
        if not isinstance(found, list) or len(found) != 2 or not isinstance(found[1], list):
            raise ReplyError("a malformed reply to trace_call")
        ops = []
        for op in found[1][: probes.MAX_TRACE]:
            if not (isinstance(op, list) and len(op) == 3 and isinstance(op[0], str) and isinstance(op[2], list)):  # fmt: skip
                raise ReplyError("a malformed trace")
            value = (
                op[1] if isinstance(op[1], (int, float)) and not isinstance(op[1], bool) else None
            )
            ops.append((op[0][:50], value, [i for i in op[2] if isinstance(i, int) and not isinstance(i, bool)]))  # fmt: skip
        return decode(found[0]), ops

    def swap_call(self, fn, name, replacement, args):
        if replacement is not probes.probe:
            raise TypeError("only the checks' probe replaces a student's function")
        payload = {"op": "swap_call", "fn": self._ref(fn), "name": name, "replacement": argument(replacement),
                   "args": [argument(a) for a in args]}  # fmt: skip
        return decode(self._ask(payload))

    def code(self, value, usual):
        """(program, name, root): the name the answer's check call used; for an expression
        (a lambda in the call), its syntax tree as the root."""
        ref = self._name(value)
        text = ref["expr"] if ref else usual
        if text.isidentifier():
            return self.program, text, None
        try:
            return self.program, None, ast.parse(text, mode="eval").body
        except SyntaxError:
            return self.program, None, None
