"""The time limit on a student's code: `run_limited(fn, args, deadline)` runs it until a deadline.

The limit uses `signal.setitimer` (SIGALRM), which exists only on Unix and works only in the main
thread; where it does not (Windows, another thread) or when someone else's timer is armed (theirs
is left alone), the code runs without a limit. Whatever happens, no alarm is left armed. A long C
operation (a huge matrix product) is interrupted only once it returns.

This module imports only the standard library: the grader ships it, with the value encoder, into
the student's kernel (grader/agent.py), where the student's functions are called.
"""

from __future__ import annotations

import signal
import threading
import time


class TimeUp(BaseException):
    """The deadline passed. A BaseException, so that an `except Exception` in student code cannot
    catch it; a bare `except:` that does is caught out afterwards (see `run_limited`)."""


_STATE = threading.local()  # `fired`: the alarm went off during the current call


def _on_alarm(signum, frame):
    _STATE.fired = True
    raise TimeUp


def available() -> bool:
    """SIGALRM works only on Unix, in the main thread, and when no one else's timer is armed."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


def run_limited(fn, args, deadline):
    """fn(*args) in the time left before `deadline` (time.monotonic(); None: no limit), raising
    TimeUp when it runs out; without a usable timer, fn runs without a limit."""
    if deadline is None or not available():
        return fn(*args)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeUp
    _STATE.fired = False
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, remaining)
            result = fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)  # first of all, however fn ended
    finally:
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
    if getattr(_STATE, "fired", False):  # student code swallowed the alarm with a bare except:
        raise TimeUp
    return result
