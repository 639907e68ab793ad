"""Text a person must write."""

import unicodedata


def is_blank(value):
    """Empty, only spaces and line breaks (HTML is not parsed), or not text at
    all (a number or a list sent over RPC)."""
    return not isinstance(value, str) or not value.strip()


# Characters that hold a word of a language written with spaces together.
_JOINERS = "'’-_"


def _in_word(char):
    """Whether ``char`` is part of a word written with spaces (Latin letters,
    digits...).  A Chinese or Japanese character is a word of its own: text
    in those languages, which has no spaces, may be cut between any two."""
    if char in _JOINERS:
        return True
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("W", "F")


def first_line(value, length=80):
    """The first non-blank line of ``value``, cut to at most ``length``
    characters, ellipsis included, when longer: at the last word boundary
    (never inside a word written with spaces, unless the line starts with a
    single word longer than that), or between two characters in Chinese; the
    spaces and punctuation before the cut are dropped.  Empty when blank."""
    for line in (value or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if len(line) <= length:
            return line
        cut = line[:length - 1]
        if _in_word(cut[-1]) and _in_word(line[length - 1]):
            start = len(cut)
            while start and _in_word(cut[start - 1]):
                start -= 1
            if start:
                cut = cut[:start]
        return cut.rstrip(" ,;:.-，。；：、") + "…"
    return ""
