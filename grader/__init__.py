"""The teacher's grader for the 2.5.5 workbook: `make grade SUBMISSIONS=folder` (python -m grader).

Each submission's cells run in a sandboxed kernel of its own (sandbox.py, launch.py, kernel.py);
the judge (judge.py), in the grader's own process, runs the checks of the package autograd_checks,
visible and hidden cases, asking the kernel's agent (agent.py) for the student's values over a wire
of plain data (wire.py); submission.py reads each file without trusting it; gradebook.py writes the
class's gradebook and feedback; limits.py holds every limit; messages/ the grader's own words.
"""
