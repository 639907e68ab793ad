"""Text a person must write."""


def is_blank(value):
    """Empty, only spaces and line breaks (HTML is not parsed), or not text at
    all (a number or a list sent over RPC)."""
    return not isinstance(value, str) or not value.strip()


def first_line(value, length=80):
    """The first non-blank line of ``value``, cut at a word boundary to at most
    ``length`` characters (with an ellipsis when cut); empty when blank."""
    for line in (value or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if len(line) <= length:
            return line
        cut = line[:length - 1]
        if " " in cut[length // 2:]:
            cut = cut[:cut.rindex(" ")]
        return cut.rstrip(" ,;:.") + "…"
    return ""
