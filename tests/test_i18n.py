"""The English catalog: complete, up to date with the sources, and with matching placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "evaluation" / "translations"
ENGLISH_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
UPDATE_HINT = "Run `make translations-update`, translate the new entries in {po}, then `make`."

# %(name)s, %(n)d, %s, %.1f … as Python's %-formatting reads them; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def messages(catalog: Catalog) -> list[Message]:
    """Every real entry: not the header, not the obsolete (#~) ones."""
    return [message for message in catalog if message.id]


def as_list(value: str | tuple[str, ...] | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def show(msgid: str | tuple[str, ...]) -> str:
    return repr(as_list(msgid)[0])


def placeholders(text: str) -> Counter[str]:
    tokens = (match.group(0) for match in PLACEHOLDER.finditer(text))
    return Counter(token for token in tokens if token != "%%")


@pytest.fixture(scope="module")
def english() -> Catalog:
    return read_catalog(ENGLISH_PO, locale="en")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages in the sources now, extracted as `make translations-update` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    return read_catalog(pot)


def test_every_english_entry_is_translated_and_not_fuzzy(english: Catalog) -> None:
    assert not english.fuzzy, f"The header of {ENGLISH_PO} is marked fuzzy."
    fuzzy = [show(m.id) for m in messages(english) if m.fuzzy]
    untranslated = [show(m.id) for m in messages(english) if not all(as_list(m.string))]
    assert not fuzzy, "Fuzzy entries in the English catalog (check, then drop the flag):\n" + (
        "\n".join(fuzzy)
    )
    assert not untranslated, "Untranslated entries in the English catalog:\n" + "\n".join(
        untranslated
    )


def test_the_english_catalog_has_every_message_in_the_sources(
    english: Catalog, extracted: Catalog
) -> None:
    assert messages(extracted), "Extraction found no messages; is babel.cfg right?"
    known = {m.id for m in messages(english)}
    missing = sorted(show(m.id) for m in messages(extracted) if m.id not in known)
    assert not missing, (
        f"{len(missing)} message(s) in the sources are not in the English catalog:\n"
        + "\n".join(missing)
        + "\n"
        + UPDATE_HINT.format(po=ENGLISH_PO.relative_to(ROOT))
    )


def test_translations_keep_the_placeholders_of_their_source(english: Catalog) -> None:
    wrong = []
    for message in messages(english):
        expected = placeholders(as_list(message.id)[-1])
        for translation in as_list(message.string):
            if translation and placeholders(translation) != expected:
                wrong.append(f"{show(message.id)} -> {translation!r}")
    assert not wrong, "Translations whose placeholders differ from the source:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Đã tạo %(period)s.", ["%(period)s"]),
        ("%(n)d người, %s và %.1f", ["%(n)d", "%s", "%.1f"]),
        ("100%% hoàn thành", []),
    ],
)
def test_placeholder_detection(text: str, found: list[str]) -> None:
    assert placeholders(text) == Counter(found)
