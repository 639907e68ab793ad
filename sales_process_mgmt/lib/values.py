"""What a value sent for a field of a given type must look like (plain Python,
no Odoo): the ORM turns a wrong type into a database or Python error, shown to
the user as a server error with a traceback; the addon refuses it first."""

import math
import re
from datetime import date, datetime

INT_LIMIT = 2 ** 31 - 1  # PostgreSQL's integer (ids and integer fields)
AMOUNT_LIMIT = 1e13  # far above any figure of a sales process
YEARS = (1900, 2999)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$")
# The x2many commands and their lengths: (0, 0, values), (1, id, values),
# (2, id), (3, id), (4, id), (5,), (6, 0, ids).
COMMAND_LENGTHS = {0: (3,), 1: (3,), 2: (2, 3), 3: (2, 3), 4: (2, 3), 5: (1, 2, 3), 6: (3,)}


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INT_LIMIT


def _valid_date(text, with_time):
    pattern = DATETIME_RE if with_time else DATE_RE
    if not isinstance(text, str) or not pattern.match(text):
        return False
    try:
        parsed = datetime.strptime(text[:10], "%Y-%m-%d")
        if len(text) >= 19:
            datetime.strptime(text[11:19], "%H:%M:%S")
        elif len(text) > 10:
            datetime.strptime(text[11:16], "%H:%M")
    except ValueError:
        return False
    return YEARS[0] <= parsed.year <= YEARS[1]


def value_problem(ftype, value, choices=()):
    """Why ``value`` cannot be stored in a field of type ``ftype`` (a short
    key: "text", "whole", "number", "large", "date", "datetime", "record",
    "choice", "yes_no", "lines"), or None when it can.  ``choices``: the keys
    of a selection field.  An empty value (False, None) is always accepted
    here: required fields are the ORM's and the database's to enforce."""
    if value is False or value is None:
        return None
    if ftype in ("char", "text", "html"):
        # PostgreSQL stores no NUL character in text.
        return None if isinstance(value, str) and "\x00" not in value else "text"
    if ftype == "integer":
        if not is_number(value) or not math.isfinite(value) or value != int(value):
            return "whole"
        return None if abs(value) <= INT_LIMIT else "large"
    if ftype in ("float", "monetary"):
        if not is_number(value) or math.isnan(value) or math.isinf(value):
            return "number"
        return None if abs(value) < AMOUNT_LIMIT else "large"
    if ftype == "date":
        if isinstance(value, date):
            return None
        return None if _valid_date(value, False) else "date"
    if ftype == "datetime":
        if isinstance(value, datetime):
            return None
        return None if _valid_date(value, True) else "datetime"
    if ftype == "many2one":
        return None if is_id(value) else "record"
    if ftype == "selection":
        return None if isinstance(value, str) and value in choices else "choice"
    if ftype == "boolean":
        return None if value in (True, False, 0, 1) else "yes_no"
    if ftype in ("one2many", "many2many"):
        return None if _valid_commands(value) else "lines"
    return None


def _valid_commands(value):
    if not isinstance(value, (list, tuple)):
        return False
    for command in value:
        if is_id(command):  # a list of ids (many2many)
            continue
        if not isinstance(command, (list, tuple)) or not command:
            return False
        code = command[0]
        if isinstance(code, bool) or code not in COMMAND_LENGTHS \
                or len(command) not in COMMAND_LENGTHS[code]:
            return False
        if code in (1, 2, 3, 4) and not is_id(command[1]):
            return False
        if code in (0, 1) and not isinstance(command[2], dict):
            return False
        if code == 6 and not (isinstance(command[2], (list, tuple))
                              and all(is_id(item) for item in command[2])):
            return False
    return True
