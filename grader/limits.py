"""The grader's limits, per submission: the one place they are set (the README's table is tested
against these values, tests/test_grade.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    cell: float = 30.0  # seconds per code cell of the student's
    check: float = 10.0  # seconds of the student's code per check, as the workbook's default
    total: float = 300.0  # seconds per submission, kernel start included
    memory: int = 6 << 30  # bytes of address space (RLIMIT_AS): torch alone reserves about 3.3 GB
    processes: int = 64  # tasks (threads count) of the submission's user
    disk: int = 256 << 20  # bytes: its home folder, a tmpfs; also the largest file it may write
    files: int = 256  # open files
    max_bytes: int = 5 << 20  # a larger submission is not opened
