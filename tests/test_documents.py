"""The printed documents: the PDF of the daily and weekly reports (a company
document on A4, in tables, amounts in the currency's rounding, percentages to
one decimal) and the names of the XLSX downloads and of their sheets.

East Region's week 2026-W47 (Monday 16 to Sunday 22 November 2026; November
has 21 working days), worked out:

* Alice's November sales target is 120,000: 5,714.285714... a working day,
  printed 5,714.29; the team's is the same 120,000: 28,571.428571... for the
  week's 5 working days, printed 28,571.43.
* Alice sells 45,976.75 to Shop Y on the 3rd and 3 x 1,111.11 = 3,333.33 to
  Shop X on Wednesday the 18th: month to date 49,310.08, 41.1 % of the target;
  the 18th is the 13th working day of 21: 61.9 % of the month expected.
* the week: 3,333.33 of 28,571.43, 11.7 %; Alice's 3 visits of the 18th are
  done, Shop X with the order, Shop Y with a payment, the distributor without
  result: effective 2 of 3 (66.7 %), with an order 1 of 3 (33.3 %).

The text of a PDF is read with pdftotext: in Odoo 11 from the PDF as printed
(the report's styles served by the suite's server), in Odoo 18 without the
server (its web font would be drawn as outlines, see
test_weekly_reports.real_pdf).  The layout is checked on the image of the
first page of the PDF as printed, in both editions (saved in /tmp/hdoc).
"""

import html
import io
import re
import subprocess
import time
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from edition import (
    VERSION,
    as_user,
    close_environment,
    new_environment,
    registry,
    render_pdf,
    render_xlsx,
)
from freezegun import freeze_time
from PIL import Image
from targets_scenario import Scenario

from odoo.tools import safe_eval as safe_eval_module
from odoo.tools.safe_eval import safe_eval

# The ``time`` report_xlsx gives print_report_name (Odoo 18: the wrapped module).
EVAL_TIME = safe_eval_module.time if VERSION >= 13 else time

IMAGES = Path("/tmp/hdoc")
A4_POINTS = (595, 842)
DAILY = "sales_process_mgmt.sales_daily_report_pdf"
WEEKLY = "sales_process_mgmt.sales_weekly_report_pdf"


def plan_visits(s, user, date, visits):
    """An approved plan of ``user`` on ``date``; visits = [(partner, UTC hour)]."""
    plan = as_user(s.env["sales.visit.plan"], user).create({"date": date, "visit_ids": [
        (0, 0, {"partner_id": partner.id, "purpose": "order",
                "planned_start": "%s %02d:00:00" % (date, hour),
                "planned_stop": "%s %02d:30:00" % (date, hour)}) for partner, hour in visits]})
    as_user(plan, user).action_submit()
    as_user(plan, s.sup_north).action_approve()
    return plan.sudo()


@pytest.fixture
def east(env):
    s = Scenario(env)
    s.north.name = "East Region"
    s.line("sales", "2026-11-01", "2026-11-30", 120000.0, team_id=s.north)
    s.line("sales", "2026-11-01", "2026-11-30", 120000.0, user_id=s.alice)
    s.order(s.alice, s.shop_y, "2026-11-03 02:00:00", [(s.bread, 1, 45976.75)])
    s.order(s.alice, s.shop_x, "2026-11-18 02:30:00", [(s.tea_product, 3, 1111.11)])
    s.pay(s.shop_y, 500.0, "2026-11-18")
    plan = plan_visits(s, s.alice, "2026-11-18", [(s.shop_x, 2), (s.shop_y, 3),
                                                  (s.distributor, 6)])
    as_user(plan.visit_ids, s.alice).action_done()
    with freeze_time("2026-11-18 12:00:00"):
        s.daily = as_user(env["sales.daily.report"], s.alice).create({"date": "2026-11-18"})
        as_user(s.daily, s.alice).action_submit()
    s.weekly = env["sales.weekly.report"]._cron_generate("2026-11-23").filtered(
        lambda report: report.team_id == s.north)
    assert s.weekly.name == "East Region 2026-W47"
    return s


# --------------------------------------------------------------------- PDF


@pytest.fixture
def real_pdf(monkeypatch, tmp_path):
    """Real PDFs: Odoo 11 gives HTML under tests without a report directory."""
    import odoo

    monkeypatch.setitem(odoo.tools.config.options, "test_report_directory", str(tmp_path))


@pytest.fixture(scope="session")
def report_styles(odoo_server):
    """The server from which wkhtmltopdf loads the report's styles.

    Odoo 11 serves a style bundle from its attachment, which a test's
    transaction would create where the server cannot see it: build the bundles
    and commit them first (as Odoo does outside tests, commit_assetsbundle),
    before the test's transaction begins (session scope), or it would not see
    them either.  Odoo 18's server builds a missing bundle itself."""
    if VERSION < 13:
        from odoo.tests.common import get_db_name

        with registry(get_db_name()).cursor() as cr:
            env = new_environment(cr)
            for bundle in ("web.report_assets_common", "web.report_assets_pdf"):
                env["ir.qweb"]._get_asset_nodes(bundle, {}, css=True, js=False)
            cr.commit()
            close_environment(env)
    return odoo_server


def _unserved(env):
    """No server for wkhtmltopdf (Odoo 18's PDF then has the system fonts)."""
    env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")


@pytest.fixture
def printed(report_styles, east, real_pdf):
    """The PDFs (bytes) of the daily and weekly reports as printed, with the
    report's styles."""
    east.env["ir.config_parameter"].sudo().set_param("report.url", report_styles)
    return {name: render_pdf(east.env.ref(action), record.ids)
            for name, action, record in (("daily", DAILY, east.daily),
                                         ("weekly", WEEKLY, east.weekly))}


@pytest.fixture
def readable(east, real_pdf, printed):
    """The PDFs whose text pdftotext can read: as printed in Odoo 11, without
    the server in Odoo 18."""
    if VERSION < 13:
        return printed
    _unserved(east.env)
    return {name: render_pdf(east.env.ref(action), record.ids)
            for name, action, record in (("daily", DAILY, east.daily),
                                         ("weekly", WEEKLY, east.weekly))}


def _words(pdf):
    """The words of the PDF's first page: [(text, x_min, y_min, x_max)]."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode()
    return [(unicodedata.normalize("NFKC", html.unescape(text)), float(x0), float(y0), float(x1))
            for x0, y0, x1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>',
                out)]


def _text(pdf):
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", out))


def _page_size(pdf):
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()
    return round(float(width)), round(float(height))


def _first_page_image(pdf, name):
    """The first page as a grey image, saved as /tmp/hdoc/<name>-<version>.png
    (with the PDF beside it)."""
    IMAGES.mkdir(exist_ok=True)
    root = IMAGES / ("%s-%s" % (name, VERSION))
    root.with_suffix(".pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", "72", "-singlefile", "-f", "1",
                    str(root.with_suffix(".pdf")), str(root)], check=True)
    image = Image.open(root.with_suffix(".pgm"))
    image.save(root.with_suffix(".png"))
    return image


def _rules(image):
    """The horizontal rules drawn across most of the page (table lines)."""
    width, height = image.size
    pixels = image.load()
    return [y for y in range(height)
            if sum(1 for x in range(width) if pixels[x, y] < 240) > width * 0.6]


def test_the_reports_print_on_a4_whatever_the_company_paper(east, real_pdf):
    s = east
    _unserved(s.env)
    s.company.paperformat_id = s.env.ref("base.paperformat_us")
    for action, record in ((DAILY, s.daily), (WEEKLY, s.weekly)):
        assert s.env.ref(action).paperformat_id.format == "A4"
        assert _page_size(render_pdf(s.env.ref(action), record.ids)) == A4_POINTS


def test_the_reports_have_the_company_layout(east):
    """The documents are framed by the company's letterhead (its header with
    the company's name and address, its footer), with the report styles: in
    Odoo 11 their bundle failed to build (a website stylesheet this Odoo does
    not ship), and the PDF printed with no layout at all."""
    s = east
    for action, record in ((DAILY, s.daily), (WEEKLY, s.weekly)):
        report = s.env.ref(action)
        if VERSION < 13:
            page = report.render_qweb_html(record.ids)[0].decode()
        else:
            page = s.env["ir.actions.report"]._render_qweb_html(
                report.report_name, record.ids)[0].decode()
        assert "__assetsBundleErrorSeen" not in page, "the report styles failed to build"
        assert re.search(r'<link[^>]+href="[^"]*web\.report_assets_common[^"]*\.css"', page)
        header = page[page.index('class="header'):page.index('class="article')]
        assert s.company.name in header
        assert 'class="footer' in page or "o_footer" in page


def test_the_figures_are_rounded_and_in_columns(readable):
    daily, weekly = _text(readable["daily"]), _text(readable["weekly"])
    for text in (daily, weekly):
        # Amounts in the currency's rounding, no figure run into the next one.
        assert not re.search(r"\d\.\d{3}", text), text
        # Every percentage to one decimal.
        percentages = re.findall(r"([\d.,]+) ?%", text)
        assert percentages and all(re.fullmatch(r"\d+\.\d", p) for p in percentages), text
    assert "Daily Sales Report T Alice, 11/18/2026" in daily
    assert "East Region" in daily
    for figure in ("$ 5,714.29", "$ 3,333.33", "$ 120,000.00", "$ 49,310.08",
                   "41.1 %", "61.9 %"):
        assert figure in daily, (figure, daily)
    assert "Sales Management Report East Region 2026-W47" in weekly
    assert "11/16/2026" in weekly and "11/22/2026" in weekly
    for figure in ("$ 28,571.43", "$ 3,333.33", "11.7 %", "41.1 %", "66.7 %", "33.3 %",
                   "$ 1,666.67"):
        assert figure in weekly, (figure, weekly)
    words = [word[0] for word in _words(readable["daily"])]
    assert "5,714.29" in words and "49,310.08" in words and "61.9" in words


def test_the_figures_are_aligned_under_their_headers(east, printed):
    """In the printed PDF (Odoo 11: Odoo 18's letters are outlines, see its
    image) the figures of a column end where its header ends."""
    if VERSION >= 13:
        pytest.skip("Odoo 18 draws the report's web font as outlines: see the image")
    words = _words(printed["daily"])

    def word(text, below=None):
        """The first word ``text`` (below the height ``below``)."""
        found = [w for w in words if w[0] == text and (below is None or w[2] > below)]
        assert found, text
        return found[0]

    # "Month to Date (%)" (the first "(%)") over "41.1 %".
    header = word("(%)")
    value = word("41.1", below=header[2])
    percent = min((w for w in words if w[0] == "%" and w[1] > value[1]), key=lambda w: w[1])
    assert abs(percent[3] - header[3]) < 1.5, (percent, header)
    # The results' "Day" over the day's sales (the first 3,333.33).
    sales, day = word("3,333.33"), word("Day")
    assert abs(sales[3] - day[3]) < 1.5, (sales, day)


def test_the_printed_pages_are_ruled_tables_on_a4(east, printed):
    """The first page as printed, saved as /tmp/hdoc/<daily|weekly>-<version>.png
    to be looked at: its tables have rules across the page (a page without
    the report styles has none)."""
    for name, pdf in printed.items():
        assert _page_size(pdf) == A4_POINTS
        image = _first_page_image(pdf, name)
        rows = _rules(image)
        assert len(rows) >= 10, (name, rows)


# -------------------------------------------------------------------- XLSX


def _download_name(action, records):
    """The name report_xlsx gives the download: the evaluated print_report_name
    for one record; for several, the action's file (11.0) or name (18.0)."""
    if action.print_report_name and len(records) == 1:
        return safe_eval(action.print_report_name, {"object": records, "time": EVAL_TIME}) + ".xlsx"
    return (action.report_file if VERSION < 13 else action.name) + ".xlsx"


def _sheet_names(content):
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True).sheetnames


def test_weekly_xlsx_named_after_the_team_and_week(east):
    s = east
    action = s.env.ref("sales_process_mgmt.sales_weekly_report_xlsx")
    assert _download_name(action, s.weekly) == "Weekly Report - East Region - 2026-W47.xlsx"
    content, _kind = render_xlsx(action, s.weekly.ids)
    assert _sheet_names(content) == ["Summary", "East Region 2026-W47"]


def test_weekly_xlsx_sheet_names_excel_accepts(east):
    """Long team names, Excel's forbidden characters and teams of the same name."""
    s = east
    env = s.env
    sup = s.sup_south
    reports = s.weekly
    for name in ("Shanghai/Pudong: Key Accounts [A]*?", "East Region"):
        team = env["crm.team"].create({"name": name, "user_id": sup.id})
        reports |= env["sales.weekly.report"].create({
            "team_id": team.id, "week_start": "2026-11-16", "company_id": s.company.id})
    action = env.ref("sales_process_mgmt.sales_weekly_report_xlsx")
    content, _kind = render_xlsx(action, reports.ids)
    names = _sheet_names(content)
    assert names[0] == "Summary"
    assert names[1:] == ["East Region 2026-W47", "Shanghai-Pudong- Key A 2026-W47",
                         "East Region 2026-W47 (2)"]
    for name in names:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
    assert _download_name(action, reports) == (
        "Weekly Reports.xlsx" if VERSION < 13 else "Weekly Report (XLSX).xlsx")


def test_target_xlsx_named_after_its_targets(east):
    s = east
    lines = s.env["sales.target.line"].search([("target_id", "=", s.plan.id)])
    action = s.env.ref("sales_process_mgmt.sales_target_line_xlsx")
    team_line = lines.filtered("team_id")
    assert _download_name(action, team_line) == (
        "Target Achievement - %s.xlsx" % team_line.display_name)
    assert "East Region" in team_line.display_name
    assert _download_name(action, lines) == (
        "Target Achievement.xlsx" if VERSION < 13 else "Target Achievement (XLSX).xlsx")
    content, _kind = render_xlsx(action, lines.ids)
    assert _sheet_names(content) == ["Target Achievement"]
