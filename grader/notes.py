"""What the grader tells the teacher and the student about a submission, in either language: a Note
is a message key of grader/messages with its fields; lists in its fields are joined in the
language's own way."""

from __future__ import annotations

from autograd_checks import messages

PACKAGE = "grader.messages"


def words(lang: str) -> dict[str, str]:
    return messages.texts(lang, PACKAGE)


class Note:
    def __init__(self, key: str, **fields):
        self.key, self.fields = key, fields

    def say(self, lang: str) -> str:
        w = words(lang)
        fields = {
            k: w["list"].join(_item(v, lang) for v in value)
            if isinstance(value, list)
            else value.say(lang)
            if isinstance(value, Note)
            else value
            for k, value in self.fields.items()
        }
        return w[self.key].format(**fields)

    def __eq__(self, other):
        return isinstance(other, Note) and (self.key, self.fields) == (other.key, other.fields)

    def __hash__(self):
        return hash((self.key, repr(sorted(self.fields.items()))))

    def __repr__(self):
        return f"Note({self.say('en')!r})"


def _item(value, lang):
    return value.say(lang) if isinstance(value, Note) else str(value)
