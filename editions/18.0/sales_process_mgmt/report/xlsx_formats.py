"""Formats and helpers shared by the XLSX reports."""


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
