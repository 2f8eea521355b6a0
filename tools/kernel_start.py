"""A notebook's kernel that dies while starting (or does not answer within nbval's startup timeout)
is started again, once or twice, with what it wrote to stderr reported: on a busy machine a kernel can
lose one of its ports (chosen free, then bound a moment later) to another process, which has nothing
to do with the notebook. A kernel that cannot start at all still fails, with its stderr in the error.
The root conftest.py installs this for nbval."""

from __future__ import annotations

import tempfile
import warnings

TRIES = 3


class KernelRestarted(UserWarning):
    """A kernel died while starting and another one was started in its place."""


def retrying(start):
    """`start` with nbval.kernel.start_new_kernel's signature, tried up to TRIES times."""

    def start_new_kernel(startup_timeout=60, kernel_name="python", **kwargs):
        given = kwargs.pop("stderr", None)  # nbval's open /dev/null
        if given is not None:
            given.close()
        attempt = 1
        while True:
            log = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
            kwargs["stderr"] = log
            try:
                return start(startup_timeout=startup_timeout, kernel_name=kernel_name, **kwargs)
            except RuntimeError as error:
                log.seek(0)
                said = log.read()[-2000:].strip() or "(nothing)"
                if attempt == TRIES:
                    raise RuntimeError(f"{error} ({TRIES} tries); its stderr: {said}") from error
                message = f"kernel {kernel_name!r}: {error}; started again. Its stderr: {said}"
                warnings.warn(message, KernelRestarted, stacklevel=2)
                attempt += 1
            finally:
                log.close()  # a started kernel writes to its own copy of the descriptor

    start_new_kernel.retrying = True
    return start_new_kernel


def install() -> None:
    """Wraps nbval's kernel start (RunningKernel looks it up in nbval.kernel at each start)."""
    try:
        from nbval import kernel
    except ImportError:  # a run without nbval
        return
    if not getattr(kernel.start_new_kernel, "retrying", False):
        kernel.start_new_kernel = retrying(kernel.start_new_kernel)
