import unicodedata

from django.core.exceptions import ValidationError


def fold(text: str) -> str:
    """Text for matching: accents stripped, case folded, spaces collapsed.

    "Musée", "MUSEE" and "musee" all fold to "musee", on SQLite and PostgreSQL alike,
    without a database extension.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("&", " and ").split())


# Control characters (Unicode category Cc: NUL, escape, backspace, DEL and the C1 set) have no place
# in anything a person writes here; they break exports, the PDF and other systems that read our
# data, and hide text from reviewers. Multi-line text may keep its tabs and line breaks.
LINE_BREAKS = frozenset("\t\n\r")

# The longest free text a field holds unless it says otherwise: a long description, not a book.
LONG_TEXT = 10_000


def control_characters(value: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The control characters in `value` other than `allowed`, each once, as U+ codes."""
    found = {ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in allowed}
    return [f"U+{ord(ch):04X}" for ch in sorted(found)]


def no_control_characters(value: str) -> None:
    """For one line of text: a title, a name, a reference."""
    found = control_characters(str(value))
    if found:
        raise ValidationError(
            "Remove the control characters (%(found)s): one line of plain text only.",
            code="control_characters",
            params={"found": ", ".join(found)},
        )


def no_control_characters_but_line_breaks(value: str) -> None:
    """For text of several lines: a description, notes, minutes."""
    found = control_characters(str(value), LINE_BREAKS)
    if found:
        raise ValidationError(
            "Remove the control characters (%(found)s): plain text, tabs and line breaks only.",
            code="control_characters",
            params={"found": ", ".join(found)},
        )
