import unicodedata


def fold(text: str) -> str:
    """Text for matching: accents stripped, case folded, spaces collapsed.

    "Musée", "MUSEE" and "musee" all fold to "musee", on SQLite and PostgreSQL alike,
    without a database extension.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("&", " and ").split())
