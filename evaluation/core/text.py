"""Free text as it is stored: one normal form, no invisible padding, no direction tricks.

Pure functions shared by the forms (a filter on every text field) and the Excel imports (the cell
reader), so typed and imported text follow the same rules.
"""

from __future__ import annotations

import unicodedata

# Characters that draw nothing: whitespace is handled by str.isspace; these are the rest.
# Format characters (category Cf: zero-width space/joiners U+200B–U+200D, word joiner U+2060,
# BOM U+FEFF, soft hyphen U+00AD, Mongolian vowel separator …) are found by category.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # Hangul fillers, braille blank

# Unicode's explicit bidirectional embeddings, overrides (U+202A–U+202E) and isolates
# (U+2066–U+2069): they reorder what a reader sees (a "Trojan source" name or title).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _invisible(char: str) -> bool:
    """Draws nothing; bidirectional controls count as visible so they are refused, not hidden."""
    if char in BIDI_CONTROLS:
        return False
    return (
        char.isspace()
        or char in _BLANK_LETTERS
        or unicodedata.category(char) in ("Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp")
    )


def _draws(char: str) -> bool:
    """A letter or digit that draws something: a quick answer for the common case, in C
    (the Hangul fillers are letters that draw nothing)."""
    return char.isalnum() and char not in _BLANK_LETTERS


def _padding(char: str) -> bool:
    # A combining mark belongs to the letter before it: never cut one off.
    return _invisible(char) and not unicodedata.combining(char)


def clean_text(value: str) -> str:
    """NFC, without invisible characters at either end; "" when nothing visible is left.

    NFD Vietnamese ("e" + U+0302 + U+0301) looks the same as NFC ("ế") but compares,
    sorts and searches differently, so everything is stored composed.
    """
    text = unicodedata.normalize("NFC", value)
    if text and _draws(text[0]) and _draws(text[-1]):
        return text  # the usual cell or field: nothing to trim, something visible
    start, end = 0, len(text)
    while start < end and _padding(text[start]):
        start += 1
    while end > start and _padding(text[end - 1]):
        end -= 1
    text = text[start:end]
    return text if has_visible(text) else ""


def has_visible(text: str) -> bool:
    """Whether at least one character draws something (or is a bidirectional control)."""
    return any(not _invisible(char) for char in text)


def has_bidi_control(text: str) -> bool:
    """Whether the text carries a bidirectional override, embedding or isolate."""
    return any(char in BIDI_CONTROLS for char in text)


# Letters that carry no combining mark to strip: NFD leaves "đ" whole.
_FOLD_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str) -> str:
    """Text for searching: no diacritics, no case, single spaces ("Nguyễn  Văn Đạt" → "nguyen
    van dat"), so someone typing without Vietnamese input finds the name they mean.

    The one folding of the application: `Person.search_name` stores it, and the search box
    folds what is typed the same way, so SQLite and PostgreSQL compare plain ASCII alike."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFC", bare).casefold().split())
