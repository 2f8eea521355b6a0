"""The checks as the workbook defines them: `bind(namespace, messages)` returns check_ex1 … and
Feedback, each check reading the notebook's CHECK_TIME_LIMIT when it is called, and finding the
student's objects (and IPython's `In`) in the notebook's namespace."""

from __future__ import annotations

import functools
import re

from .core import Feedback, Session, run
from .local import Local

DEFAULT_TIME_LIMIT = 10  # seconds: the notebook's CHECK_TIME_LIMIT, which a student may raise


def time_limit(namespace):
    limit = namespace.get("CHECK_TIME_LIMIT")
    return limit if isinstance(limit, (int, float)) and limit > 0 else None


def bind(namespace, messages, exercises):
    """{'check_ex1': ..., 'Feedback': Feedback} for a notebook's namespace, in the catalogue's
    language (messages: {key: text}); exercises: the exercise modules."""
    found = {}
    for module in exercises:
        name = next(n for n in vars(module) if re.fullmatch(r"check_ex\d+", n))
        found[name] = _bound(getattr(module, name), namespace, messages)
    found["Feedback"] = Feedback
    return found


def _bound(check, namespace, messages):
    @functools.wraps(check)
    def bound(*args, **kwargs):
        session = Session(messages, Local(namespace), time_limit(namespace))
        return run(check, session, args, kwargs)

    return bound
