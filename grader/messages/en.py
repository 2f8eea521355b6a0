"""The grader's own words in English: the feedback file's title, score and notes (the gradebook's
notes column is in English). Each message records the fingerprint of its Chinese twin."""

# One line a message (make stamp-messages rewrites the fingerprints in place).
# fmt: off
MESSAGES = {
    # ---- the feedback file
    "title": ("2.5.5 Exercises: feedback — {file}", "831624f57876"),
    "score": ("Score: {total}/{out_of}", "44f02de3377f"),
    "exercise": ("Exercise {n}", "dad1b973377f"),
    "notes": ("Notes", "daede9881787"),
    "sep": ("; ", "b0d3c9cfa0e1"),
    "list": (", ", "c4a40ea8fe35"),
    "hidden": ("✓ in the workbook, but a hidden test (inputs the workbook does not show) failed: {message}", "a5e8bc49a245"),
    "not_graded": ("✗ not graded (see the notes)", "7578921852b7"),
    "not_run": ("✗ not graded: {why}", "5ab41eeacefe"),
    "edition": ("Graded with the {edition} edition's checks.", "f3b3390cd45c"),
    # ---- notes
    "empty": ("empty file", "d350d798f368"),
    "too_large": ("file too large (over {mb} MB)", "faeae22dc921"),
    "not_json": ("not a notebook (not JSON)", "d179df32d247"),
    "no_cells": ("not a notebook (JSON without cells)", "0327c19e4852"),
    "malformed_cells": ("malformed cells, not run: {cells}", "6996658de61e"),
    "symlink": ("a symbolic link, not graded (only files handed in are)", "c6e7731862b5"),
    "not_a_file": ("not a regular file, not opened", "f1300ad93d7a"),
    "name_not_utf8": ("file name not UTF-8 (read as {encoding})", "82314cc04b3a"),
    "same_as": ("the same bytes as {other}", "32c53aa7f8dd"),
    "checks_edited": ("checks cell edited (ignored: graded with the repository's checks)", "9d133e8b6130"),
    "redefines": ("redefines a check in code cell {cell} (ignored)", "1cfa0262e112"),
    "own_tick": ("prints its own ✓ in code cell {cell} (ignored)", "89a05a6c8bc1"),
    "errors": ("errors in code cells {cells}", "7dea937bf21d"),
    "error_item": ("{cell} ({kind})", "26c6abc5d914"),
    "memory": ("memory limit", "ae2e603f9bac"),
    "cell_timeout": ("timed out in code cell {cell} (interrupted)", "a9703c3e818d"),
    "cell_timeout_dead": ("timed out in code cell {cell}, past an interrupt: the kernel was stopped, and nothing after it was graded", "30889a27149e"),
    "exited": ("kernel exited early (code cell {cell}): nothing after it was graded", "8349936f2445"),
    "children": ("child processes killed after code cell {cell}", "4bfd224044d1"),
    "timed_out": ("timed out", "7723d08993cc"),
    "kernel_died": ("kernel exited early", "a6a7501dea37"),
    "unanswered": ("ex{n}: the kernel stopped answering", "d11b7458bf22"),
    "unreadable": ("ex{n}: the kernel's replies were not readable", "fbb004dc36aa"),
    "call_raised": ("ex{n}: the check call itself raised {error}", "9431f4a7a09c"),
    "voided": ("✗ not counted (see the notes):", "4dcb19d4d1cb"),
    "voided_note": ("none of its checks is counted: grade it by hand", "c80fa4987868"),
    "not_attempted": ("not attempted: {exercises}", "fa882c56c4ec"),
    "exercise_n": ("ex{n}", "dad1b973377f"),
    "hidden_failed": ("ex{n}: ✓ in the workbook, fails a hidden test", "a0e08ccc73c6"),
    "internals": ("code cell {cell} reaches into the kernel's internals ({what})", "ea86c1a3289a"),
    "grader_error": ("the grader failed on this file ({what}); not graded", "0779318e2a5d"),
}
# fmt: on
