"""The grader's agent in the student's kernel: it evaluates what the judge asks for and answers with
plain data. The judge (grader/judge.py) ships this file's source, with the checks' timer and probes
(autograd_checks/timer.py, probes.py), into the kernel after the student's cells have run; it holds
no expected value, no hidden input before the judge sends it, and no verdict.

A request is JSON: {"op": ..., ...}; `handle` leaves the reply, base64 of JSON, in `Agent.reply`,
which the judge reads through the execute request's user_expressions (a channel of its own, so the
student's prints cannot mix in). Nothing here is trusted: student code runs in this process and may
change any of it; whatever it makes the agent reply is parsed as data, an answer at worst.

- value {ref}: the object a name of the student's namespace holds (or an expression of their own
  check call), encoded (see `encode`), and a handle to name it by in later requests.
- same {a, b}: whether two names hold the same object.
- call {fn, args, no_grad, remaining}: fn(*args) within the time left; `args` are specs: tensors,
  the checks' own functions (by source), plain values.
- swap_call {fn, name, replacement, args, remaining}: fn(*args) with a global swapped (probes.py).
- trace_call {fn, args, remaining}: fn(x) and the torch operations it ran (probes.trace_call).
- points {fn, values, remaining}: exercise 4's four calls of g at each point (probes.points).
- calls {fn, args_list, no_grad, remaining}: fn(*args) for each args (probes.calls).
Replies: {"value": ...}, {"error": {type, message}}, {"timeout": true} or {"agent_error": text}.
"""

from __future__ import annotations

import array
import base64
import inspect
import json
import math
import time

import torch

from autograd_checks import probes
from autograd_checks.timer import TimeUp, run_limited

MAX_DEPTH, MAX_ITEMS, MAX_NUMEL, MAX_TEXT, REPR = 12, 10_000, 1_000_000, 20_000, 200
DTYPES = {str(d): d for d in (torch.float16, torch.bfloat16, torch.float32, torch.float64,
          torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool)}  # fmt: skip


def _text(fn, limit=REPR):
    """repr() or str() of a student's object, cut short; never raises."""
    try:
        text = fn()
        return text[:limit] if isinstance(text, str) else "?"
    except Exception:  # noqa: BLE001
        return "?"


def encode(value, depth=0):
    """Plain data (JSON) that describes a student's object: what the checks read of it."""
    kind = type(value)
    head = {"type": kind.__name__, "repr": _text(lambda: repr(value))}
    if value is None or value is Ellipsis:
        return {"t": "none" if value is None else "ellipsis"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int:
        return {"t": "int", "v": value} if abs(value) < 2**63 else {"t": "float", "v": float(value)}
    if kind is float:
        return {"t": "float", "v": value}
    if kind is str:
        return {"t": "str", "v": value[:MAX_TEXT], "cut": len(value) > MAX_TEXT}
    if isinstance(value, torch.Tensor):
        return {**head, **_tensor(value)}
    if type(value).__module__ == "numpy" and hasattr(value, "dtype") and hasattr(value, "tolist"):
        return {**head, **_numpy(value)}
    base = next((b for b in (list, tuple, set, frozenset, dict) if isinstance(value, b)), None)
    if depth < MAX_DEPTH and base in (list, tuple, set, frozenset):  # a namedtuple is a tuple
        items = list(value)[:MAX_ITEMS]
        return {**head, "t": base.__name__, "items": [encode(v, depth + 1) for v in items]}
    if depth < MAX_DEPTH and base is dict:  # a defaultdict, an OrderedDict
        items = list(value.items())[:MAX_ITEMS]
        return {**head, "t": "dict", "items": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in items]}  # fmt: skip
    listed = hasattr(value, "__iter__") and hasattr(value, "__len__")  # an edge view is data
    if callable(value) and not listed:
        return {**head, "t": "function", "is_function": inspect.isfunction(value)}
    found = {**head, "t": "object"}
    if depth < MAX_DEPTH and listed:
        try:
            if len(value) <= MAX_ITEMS:
                found["items"] = [encode(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
        except Exception:  # noqa: BLE001 - an object that will not list its items: none
            found.pop("items", None)
    return found


def _tensor(t):
    with torch._C.DisableTorchFunctionSubclass():
        grad_fn = None if t.grad_fn is None else type(t.grad_fn).__name__
        found = {"t": "tensor", "dtype": str(t.dtype), "shape": list(t.shape), "device": str(t.device),
                 "requires_grad": bool(t.requires_grad), "grad_fn": grad_fn}  # fmt: skip
        plain = t.layout == torch.strided and t.device.type != "meta" and str(t.dtype) in DTYPES
        if plain and t.numel() <= MAX_NUMEL:
            found["packed"] = _pack(t.detach().to("cpu").reshape(-1).tolist(), t.is_floating_point(), t.dtype is torch.bool)  # fmt: skip
    return found


def _pack(values, floating, boolean):
    """Numbers as base64 of their bytes: 'd' (float64: exact for every float dtype, nan and inf
    included), 'q' (int64) or 'B' (bool)."""
    kind = "d" if floating else "B" if boolean else "q"
    return {"format": kind, "b64": base64.b64encode(array.array(kind, values).tobytes()).decode("ascii")}  # fmt: skip


def _numpy(a):
    if a.dtype.kind in "USO" and type(a).__name__ == "ndarray":  # strings: a row of names is a list
        items = [encode(v, 1) for v in a.tolist()[:MAX_ITEMS]] if a.ndim else None
        return {"t": "object", "items": items}
    found = {"t": "ndarray" if hasattr(a, "shape") and type(a).__name__ == "ndarray" else "npscalar",
             "dtype": str(a.dtype), "shape": list(getattr(a, "shape", ()))}  # fmt: skip
    if a.dtype.kind in "biuf" and getattr(a, "size", 1) <= MAX_NUMEL:
        if found["t"] == "ndarray":
            found["packed"] = _pack(
                a.reshape(-1).tolist(), a.dtype.kind == "f", a.dtype.kind == "b"
            )
        else:
            found["data"] = a.item()
    return found


def error(err):
    return {"type": type(err).__name__, "message": _text(lambda: str(err), 1000)}


class Agent:
    def __init__(self, namespace):
        self.namespace, self.reply, self._functions = namespace, "", {}
        self._held = []  # the objects the judge looked up, by the handle it was given

    def handle(self, request: str) -> None:
        try:
            found = getattr(self, "op_" + json.loads(request)["op"])(json.loads(request))
        except Exception as err:  # noqa: BLE001 - the judge reads a failed request as such
            found = {"agent_error": f"{type(err).__name__}: {err}"[:500]}
        self.reply = base64.b64encode(json.dumps(found).encode()).decode("ascii")

    # ---- the objects a request names
    def _object(self, ref):
        """What a reference names: an object looked up before (its handle), else a name of the
        student's namespace (None if unbound), else an expression of the student's own check
        call (e.g. `x.grad`), evaluated here, in the student's kernel."""
        if "handle" in ref:
            return self._held[int(ref["handle"])]
        text = ref["expr"]
        if not isinstance(text, str):
            raise ValueError("a reference is a name or an expression")
        if text.isidentifier():
            return self.namespace.get(text)
        return eval(text, self.namespace)  # noqa: S307 - the student's own code, in their kernel

    def _arg(self, spec):
        if "tensor" in spec:
            t = spec["tensor"]
            x = torch.tensor(t["data"], dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
            return x.requires_grad_(True) if t.get("requires_grad") else x
        if "torch" in spec:
            return getattr(torch, spec["torch"])
        if "source" in spec:  # one of the checks' own functions, e.g. t**3 for exercise 1
            key = (spec["name"], spec["source"])
            if key not in self._functions:
                scope = {"torch": torch, "math": math}
                exec(compile(spec["source"], f"<checks {spec['name']}>", "exec"), scope)  # noqa: S102 - the judge's own function
                self._functions[key] = scope[spec["name"]]
            return self._functions[key]
        return spec["json"]

    @staticmethod
    def _deadline(request):
        remaining = request.get("remaining")
        return None if remaining is None else time.monotonic() + float(remaining)

    def _outcome(self, deadline, thunk, hold=False):
        try:
            value = run_limited(thunk, (), deadline)
            found = {"value": run_limited(encode, (value,), deadline)}
            if hold:
                self._held.append(value)
                found["handle"] = len(self._held) - 1
            return found
        except TimeUp:
            return {"timeout": True}
        except Exception as err:  # noqa: BLE001 - the student's error, as the checks report it
            return {"error": error(err)}

    # ---- the operations
    def op_value(self, request):
        deadline = self._deadline(request)
        return self._outcome(deadline, lambda: self._object(request["ref"]), hold=True)

    def op_same(self, request):
        return {"value": {"t": "bool", "v": self._object(request["a"]) is self._object(request["b"])}}  # fmt: skip

    def op_call(self, request):
        fn, args = self._object(request["fn"]), [self._arg(a) for a in request["args"]]
        deadline = self._deadline(request)
        return self._outcome(deadline, lambda: probes.call(fn, args, deadline, request.get("no_grad", False)))  # fmt: skip

    def op_swap_call(self, request):
        fn, args = self._object(request["fn"]), [self._arg(a) for a in request["args"]]
        replacement, deadline = self._arg(request["replacement"]), self._deadline(request)
        return self._outcome(deadline, lambda: probes.swap_call(self.namespace, request["name"], replacement, fn, args, deadline))  # fmt: skip

    def op_trace_call(self, request):
        fn, (x,) = self._object(request["fn"]), [self._arg(a) for a in request["args"]]
        deadline = self._deadline(request)
        try:
            result, ops = probes.trace_call(fn, x, deadline)
            return {"value": [run_limited(encode, (result,), deadline), [list(op) for op in ops]]}
        except TimeUp:
            return {"timeout": True}
        except Exception as err:  # noqa: BLE001
            return {"error": error(err)}

    def _outcomes(self, outcomes, deadline, first_is_grad=False):
        found = []
        for outcome in outcomes:
            if outcome[0] == "timeout":
                found.append({"timeout": True})
            elif outcome[0] == "error":
                found.append({"error": error(outcome[1])})
            elif first_is_grad and not found:  # grad_at's (y, dy/dx, autograd's error)
                y, auto, err = outcome[1]
                found.append({"value": [run_limited(encode, (y,), deadline), encode(auto), None if err is None else error(err)]})  # fmt: skip
            else:
                found.append({"value": run_limited(encode, (outcome[1],), deadline)})
        return found

    def op_points(self, request):
        fn, deadline = self._object(request["fn"]), self._deadline(request)
        try:
            found = probes.points(fn, [float(v) for v in request["values"]], deadline)
            return {"value": [self._outcomes(o, deadline, first_is_grad=True) for o in found]}
        except TimeUp:
            return {"timeout": True}

    def op_calls(self, request):
        fn, deadline = self._object(request["fn"]), self._deadline(request)
        args_list = [[self._arg(a) for a in args] for args in request["args_list"]]
        try:
            found = probes.calls(fn, args_list, deadline, request.get("no_grad", False))
            return {"value": self._outcomes(found, deadline)}
        except TimeUp:
            return {"timeout": True}
