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
    "forward": ("forwards", "forward", "fwd", "jvp", "tangents", "tangent", "正向", "前向", "切向"),
    "reverse": ("backpropagation", "backprop", "backwards", "backward", "reverse", "rev", "vjp",
                "adjoints", "adjoint", "反向", "后向", "逆向", "伴随"),
}  # fmt: skip
# a Latin word may run into these ('reversemode', 'forwardAD'), never into other letters
_SUFFIX = r"(?=$|[^a-z]|mode|ad\b|accumulation|differentiation|autodiff|sweep|pass)"
_MENTION = re.compile(
    "|".join(
        (
            rf"(?<![a-z])(?P<{mode}{i}>{re.escape(w)}){_SUFFIX}"
            if w.isascii()
            else f"(?P<{mode}{i}>{re.escape(w)})"
        )  # fmt: skip
        for mode, words in _WORDS.items()
        for i, w in enumerate(sorted(words, key=len, reverse=True))
    )
)
# a mention right after these is the mode not chosen: 'reverse rather than forward', '反向，不是正向'
_NEGATION = re.compile(
    r"(\b(not|no|never|instead|rather|than|over|unlike|vs|versus)\b[^.;:,!?]{0,12}|不是|不用|而非|并非|不|非|比|而不是|而不用)\s*$"
)
# two modes joined like this leave the choice open: 'forward or reverse', '正向或反向'
_HEDGE = re.compile(r"^\s*(mode|模式)?\s*(or|and|/|或者?|还是|和|与|及)\s*$")
_KEY = re.compile(r"(?:^|[\s,，;；\n])(?:情形|情况|case\s*)?([ABCabc])\s*[:：=）)]\s*", re.I)


def _mode(value):
    """The mode an answer names: the first one it mentions that is not put aside ('reverse (forward
    would need 10⁶ passes)', 'backprop, not forward', '反向模式：因为只有一个输出'); None when it names
    none, or two as alternatives ('forward or reverse')."""
    if not isinstance(value, str):
        return None
    text = value.lower()
    mentions, previous = [], 0
    for m in _MENTION.finditer(text):
        mode = re.sub(r"\d+$", "", m.lastgroup)
        if not _NEGATION.search(text[max(previous, m.start() - 20) : m.start()]):
            mentions.append((m.start(), m.end(), mode))
        previous = m.end()
    if not mentions:
        return None
    (_, end, mode), rest = mentions[0], mentions[1:]
    if rest and rest[0][2] != mode and _HEDGE.match(text[end : rest[0][0]]):
        return None
    return mode


def _cases(text):
    """'A: reverse, B: forward, C: forward' (or 'A：反向；B：正向；C：正向') as a dict."""
    found = list(_KEY.finditer(text))
    return {m.group(1).upper(): text[m.end() : (found[i + 1].start() if i + 1 < len(found) else len(text))] for i, m in enumerate(found)}  # fmt: skip


def check_ex9(answer):
    if absent(answer):
        return missing("ex9_answer")
    if isinstance(answer, str) and len(_cases(answer)) >= 2:
        answer = _cases(answer)  # 'A: reverse, B: forward, C: forward'
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
