"""The message catalogues (autograd_checks/messages/*.py) stay in step: the same keys and
str.format fields in every language, no Chinese in the English one, and each message's recorded
fingerprint of its twins still current, so that a message changed in one language fails here until
the others are updated and stamped (`make stamp-messages`)."""

from __future__ import annotations

import copy

import pytest

from autograd_checks import messages
from tools import checks
from tools.editions import CJK
from tools.nb import EDITIONS

PACKAGES = list(checks.CATALOGUE_PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_the_catalogues_are_in_step(package):
    assert messages.languages(package) == EDITIONS  # one list of editions: tools/nb.py's
    assert not (problems := messages.problems(messages.catalogues(package))), "\n".join(problems)


@pytest.mark.parametrize("package", PACKAGES)
def test_the_english_catalogue_holds_no_chinese(package):
    assert not [k for k, text in messages.texts("en", package).items() if CJK.search(text)]


def _catalogues():
    return {lang: copy.deepcopy(messages.catalogue(lang)) for lang in messages.languages()}


def test_a_message_changed_in_one_language_is_caught_until_stamped():
    catalogues = _catalogues()
    text, fp = catalogues["en"]["ex5.sign"]
    catalogues["en"]["ex5.sign"] = (text + " Really.", fp)
    (problem,) = messages.problems(catalogues)
    assert problem.startswith("ex5.sign: en changed since zh was stamped")
    stamped = messages.twins_fingerprint("ex5.sign", "zh", catalogues)
    catalogues["zh"]["ex5.sign"] = (catalogues["zh"]["ex5.sign"][0], stamped)
    assert messages.problems(catalogues) == []


def test_a_field_missing_in_one_language_is_caught():
    catalogues = _catalogues()
    text, fp = catalogues["zh"]["ex4.sign"]
    catalogues["zh"]["ex4.sign"] = (text.replace("{auto:.6g}", "?"), fp)
    assert any("fields differ" in p for p in messages.problems(catalogues))


def test_stamping_rewrites_only_fingerprints(tmp_path):
    for lang in messages.languages():
        (tmp_path / f"{lang}.py").write_text((checks.CATALOGUES / f"{lang}.py").read_text(encoding="utf-8"), encoding="utf-8")  # fmt: skip
    before = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    done = checks._stamp("autograd_checks.messages", tmp_path)
    assert done == sum(len(messages.catalogue(lang)) for lang in messages.languages())
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == before
