"""The checks' messages, one catalogue per language (`zh.py`, `en.py`): MESSAGES = {key: (text,
fingerprint of its twins)}, where the twins are the same key's texts in the other catalogues.

A language is a module here; every catalogue has the same keys and, per key, the same str.format
fields. Changing a text makes its twins' recorded fingerprints stale until someone updates the other
languages and stamps them (`make stamp-messages`); tests/checks/test_messages.py fails meanwhile.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import string

SOURCE = "zh"  # the edition the others are translated from; it comes first


def languages(package: str = __name__) -> tuple[str, ...]:
    """The languages of a package of catalogues (this one, or the grader's: grader.messages)."""
    path = importlib.import_module(package).__path__
    found = sorted(m.name for m in pkgutil.iter_modules(path) if not m.name.startswith("_"))
    return (SOURCE, *[lang for lang in found if lang != SOURCE])


def catalogue(lang: str, package: str = __name__) -> dict[str, tuple[str, str]]:
    return importlib.import_module(f"{package}.{lang}").MESSAGES


def texts(lang: str, package: str = __name__) -> dict[str, str]:
    """{key: text} of one language, as a Session takes them."""
    return {key: text for key, (text, _) in catalogue(lang, package).items()}


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def twins_fingerprint(key: str, lang: str, catalogues: dict[str, dict]) -> str:
    """The fingerprint a message of `lang` records: that of the key's texts in the other languages."""
    others = [catalogues[other][key][0] for other in catalogues if other != lang]
    return fingerprint("\x00".join(others))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def catalogues(package: str = __name__) -> dict[str, dict]:
    return {lang: catalogue(lang, package) for lang in languages(package)}


def problems(given: dict[str, dict] | None = None) -> list[str]:
    """What is out of step between the catalogues (default: the checks'): keys, fields, stale
    fingerprints."""
    books = given or catalogues()
    found, keys = [], {lang: set(c) for lang, c in books.items()}
    first = next(iter(books))
    for lang in books:
        if keys[lang] != keys[first]:
            found.append(f"{lang}: keys differ from {first}'s: {sorted(keys[lang] ^ keys[first])}")
    for key in sorted(set.intersection(*keys.values())):
        if len({frozenset(fields(c[key][0])) for c in books.values()}) > 1:
            found.append(f"{key}: the languages' str.format fields differ")
        for lang, c in books.items():
            if c[key][1] != twins_fingerprint(key, lang, books):
                others = "+".join(o for o in books if o != lang)
                found.append(f"{key}: {others} changed since {lang} was stamped: update {lang} (or check it still says the same) and stamp")  # fmt: skip
    return found
