"""Exercise 6: the dependency graph of f(x) = log(x²)·sin(x) + 1/x as a set of (source, target) edges
(or a list, a dict of adjacency lists, 'x -> u1' strings; subscripts such as u₁ are fine)."""

from __future__ import annotations

from .core import Feedback, Stop, absent, describe, iterable, missing, say

TITLE = "dependency graph"
ANSWERS = ("ex6_edges",)
_EDGES = frozenset({("x", "u1"), ("u1", "u2"), ("x", "u3"), ("u2", "u4"), ("u3", "u4"),
                    ("x", "u5"), ("u4", "f"), ("u5", "f")})  # fmt: skip
_NODES = {n for e in _EDGES for n in e}
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _node(name):
    if not isinstance(name, str):
        raise Stop(say("ex6.node_not_str", got=describe(name)))
    key = name.translate(_SUBSCRIPTS).strip().lower().replace(" ", "").replace("_", "")
    key = {"f(x)": "f", "x0": "x"}.get(key, key)
    if key not in _NODES:
        raise Stop(say("ex6.unknown_node", name=name))
    return key


def _edge(item):
    if isinstance(item, str):
        for arrow in ("->", "→", "=>"):
            if arrow in item:
                item = item.split(arrow)
                break
    if not isinstance(item, (tuple, list)) and hasattr(item, "tolist"):  # a row of an array
        item = item.tolist()
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        raise Stop(say("ex6.not_an_edge", item=item))
    return _node(item[0]), _node(item[1])


def check_ex6(edges):
    if absent(edges):
        return missing("ex6_edges")
    if isinstance(edges, dict):  # adjacency lists {source: [target, ...]}; None or [] for no edges
        bad = [
            ds
            for ds in edges.values()
            if not (ds is None or isinstance(ds, (str, list, tuple, set)))
        ]
        if bad:
            return Feedback(False, say("ex6.bad_adjacency", got=describe(bad[0])))
        items = [
            (s, d) for s, ds in edges.items() for d in ([ds] if isinstance(ds, str) else ds or [])
        ]
    elif isinstance(edges, (set, frozenset, list, tuple)):
        items = list(edges)
    elif iterable(edges):
        items = list(edges)  # an edge view of a graph library, an array of pairs
    else:
        return Feedback(False, say("ex6.not_a_set", got=describe(edges)))
    given = {_edge(e) for e in items}
    if given == _EDGES:
        return Feedback(True, say("ex6.correct"))
    if {(d, s) for s, d in given} == _EDGES:
        return Feedback(False, say("ex6.reversed"))
    missing_edges, extra = sorted(_EDGES - given), sorted(given - _EDGES)
    if missing_edges and extra:
        return Feedback(
            False,
            say("ex6.missing_and_extra", missing=len(missing_edges), missing_one=missing_edges[0],
                extra=len(extra), extra_one=extra[0]),
        )  # fmt: skip
    if missing_edges:
        return Feedback(False, say("ex6.missing", missing=len(missing_edges), missing_one=missing_edges[0]))  # fmt: skip
    return Feedback(False, say("ex6.extra", extra=len(extra), extra_one=extra[0]))
