"""Formats and helpers shared by the XLSX reports."""

import re

# Excel refuses these characters in a sheet's name, and names over 31 characters.
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31


def formats(workbook):
    """The formats a manager sends on: bold headers on grey, thousands
    separators, percentages, totals in bold with a top border."""
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "header": workbook.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1,
                                       "text_wrap": True, "valign": "top"}),
        "text": workbook.add_format({"valign": "top"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "amount": workbook.add_format({"num_format": "#,##0.00"}),
        "integer": workbook.add_format({"num_format": "#,##0"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "total_label": workbook.add_format({"bold": True, "top": 1}),
        "total_amount": workbook.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"}),
        "total_integer": workbook.add_format({"bold": True, "top": 1, "num_format": "#,##0"}),
    }


def header(sheet, row, columns, fmt):
    for col, (label, width) in enumerate(columns):
        sheet.write(row, col, label, fmt["header"])
        sheet.set_column(col, col, width)


def sheet_name(workbook, name, suffix=""):
    """A name Excel accepts for a new sheet of ``workbook``: ``name`` then
    ``suffix`` (kept whole, ``name`` shortened to fit 31 characters), without
    the characters Excel forbids, numbered when another sheet has it already."""
    name = SHEET_FORBIDDEN.sub("-", name or "").strip().strip("'")
    suffix = SHEET_FORBIDDEN.sub("-", suffix)
    taken = {sheet.get_name().lower() for sheet in workbook.worksheets()}
    number = 1
    while True:
        tail = (" " + suffix if suffix else "") + (" (%d)" % number if number > 1 else "")
        candidate = (name[:SHEET_MAX - len(tail)].rstrip() + tail).strip()
        if candidate.lower() not in taken:
            return candidate
        number += 1
