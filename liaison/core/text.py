"""Small text checks that every adapter and service needs the same way."""


def ascii_digits(text: str) -> bool:
    """True for "0"-"9" only. `str.isdigit()` is also true for "²" or "٣", which int() then
    refuses (or reads as a number nobody typed): input naming an id or a page must be plain digits."""
    return bool(text) and text.isascii() and text.isdigit()
