"""Exercise 9: forward or reverse mode for three cases (A: one loss, 10⁶ parameters; B: 3 inputs,
1000 outputs; C: one directional derivative, tight memory), as a dict of mode names."""

from __future__ import annotations

import re

from .core import Feedback, absent, describe, missing, say

TITLE = "forward or reverse mode"
ANSWERS = ("ex9_answer",)
_EXPECTED = {"A": "reverse", "B": "forward", "C": "forward"}
# What a student may write for each mode, in either language
_WORDS = {
    "forward": {"forward", "fwd", "jvp", "正向", "前向"},
    "reverse": {"reverse", "rev", "backward", "backwards", "backprop", "backpropagation", "vjp",
                "反向", "后向", "逆向"},
}  # fmt: skip
_SUFFIXES = ("automaticdifferentiation", "differentiation", "accumulation", "autodiff", "mode",
             "ad", "自动微分", "自动求导", "模式", "累积", "积累", "求导", "微分", "传播")  # fmt: skip
# The punctuation between a keyword and an explanation: brackets, slash, comma, colon, semicolon,
# full stop, enumeration comma, dashes, question and exclamation marks, a line break, a hyphen with
# spaces around it ("forward-mode" keeps its hyphen), a full stop followed by a space
_SEPARATORS = r"[()（）\[\]【】/|,，:：;；。、—–!！?？\n]|\s-+\s|\.\s"


def _mode(value):
    """Recognises 'Reverse mode', 'backprop', 'forward-mode AD', 'reverse (backward)', 'reverse: one
    pass', their Chinese forms and so on: of the parts that punctuation separates, those that are
    exactly a mode's name must agree."""
    if not isinstance(value, str):
        return None
    modes = {_mode_word(part) for part in re.split(_SEPARATORS, value) if part.strip()}
    modes.discard(None)
    return modes.pop() if len(modes) == 1 else None


def _mode_word(text):
    key = re.sub(r"[\s\-_.。!！'\"“”‘’`「」『』《》*]", "", text.lower())
    stripped = True
    while stripped:
        stripped = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and key[: -len(suffix)]:
                key, stripped = key[: -len(suffix)], True
    return next((mode for mode, words in _WORDS.items() if key in words), None)


def check_ex9(answer):
    if absent(answer):
        return missing("ex9_answer")
    if isinstance(answer, (list, tuple)) and all(
        isinstance(p, (list, tuple)) and len(p) == 2 for p in answer
    ):
        answer = dict(answer)  # [("A", "reverse"), ...]
    elif isinstance(answer, (list, tuple)) and len(answer) == 3:
        answer = dict(zip("ABC", answer))
    if not isinstance(answer, dict):
        return Feedback(False, say("ex9.not_a_dict", got=describe(answer)))
    # keys "a", "情形A", "Case A" all mean "A"
    answer = {
        re.sub(r"^(情形|情况|case)", "", str(k).strip(), flags=re.I).strip().upper(): v
        for k, v in answer.items()
    }
    wrong = []
    for key, expected in _EXPECTED.items():
        if key not in answer:
            return Feedback(False, say("ex9.lacks", key=key))
        mode = _mode(answer[key])
        if mode is None:
            return Feedback(False, say("ex9.unknown_mode", key=key, got=describe(answer[key])))
        if mode != expected:
            wrong.append(key)
    if wrong:
        why = " ".join(say(f"ex9.why_{k}") for k in wrong)
        return Feedback(False, say("ex9.wrong", count=len(wrong), why=why))
    return Feedback(True, say("ex9.correct"))
