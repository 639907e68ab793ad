import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html_escape

from ..lib import dates
from ..lib.rates import rate
from ..lib.sql import jit_disabled
from ..lib.targets import METRIC_KEYS
from ..lib.values import value_problem
from .orm_tools import bulk_create, bulk_write, render_qweb
from .sales_market_report import MARKET_KINDS

_logger = logging.getLogger(__name__)

# Written by the supervisor, kept by every refresh.
SUPERVISOR_FIELDS = {"week_comment", "next_week_targets", "next_week_plan"}


class SalesWeeklyReport(models.Model):
    """The sales management report (销售管理报告书) of a team for an ISO week
    (R8), created every Monday for the week just ended.

    The figures are computed (see ``_refresh``) and refreshed by every run of
    the Monday action and by *Refresh Figures* until the report is closed;
    what the supervisor and the director wrote is never touched by a refresh.
    The supervisor submits it to the sales director, who comments and
    closes it.
    """

    _name = "sales.weekly.report"
    _description = "Weekly Sales Management Report"
    _inherit = ["sales.activity.mixin", "sales.workflow.mixin"]
    _order = "week_start desc, team_id"
    _workflow_fields = frozenset({"state", "submitted_at", "closed_at", "closed_by_id"})

    name = fields.Char(compute="_compute_name", store=True)
    team_id = fields.Many2one("crm.team", required=True, readonly=True, index=True,
                              ondelete="cascade")
    supervisor_id = fields.Many2one(related="team_id.user_id", store=True, readonly=True,
                                    string="Supervisor")
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    week_start = fields.Date(required=True, readonly=True, index=True)
    week_end = fields.Date(compute="_compute_name", store=True)
    state = fields.Selection([("draft", "To Submit"), ("submitted", "Submitted"),
                              ("closed", "Closed")], default="draft", required=True,
                             readonly=True, track_visibility="onchange")
    refreshed_at = fields.Datetime(string="Figures of", readonly=True)
    submitted_at = fields.Datetime(readonly=True)
    closed_at = fields.Datetime(readonly=True)
    closed_by_id = fields.Many2one("res.users", readonly=True)

    target_ids = fields.One2many("sales.weekly.report.target", "weekly_report_id",
                                 string="Target Achievement", readonly=True)
    sales_amount = fields.Monetary(string="Sales of the Week", readonly=True)
    new_customer_count = fields.Integer(string="New Customers", readonly=True)
    collection_amount = fields.Monetary(string="Collections", readonly=True)
    visit_planned = fields.Integer(string="Visits Planned", readonly=True)
    visit_done = fields.Integer(string="Visits Done", readonly=True)
    visit_effective = fields.Integer(string="Effective Visits", readonly=True)
    visit_with_order = fields.Integer(string="Visits with an Order", readonly=True)
    effective_rate = fields.Float(string="Effective Visit Rate (%)", readonly=True)
    transaction_rate = fields.Float(string="Transaction Rate (%)", readonly=True,
                                    help="Visits done that led to an order.")
    salesperson_count = fields.Integer(string="Salespeople", readonly=True)
    avg_sales_per_salesperson = fields.Monetary(string="Average Sales per Salesperson",
                                                readonly=True)
    reports_due = fields.Integer(readonly=True,
                                 help="Working days of the week × salespeople.")
    reports_submitted = fields.Integer(readonly=True)
    reports_late = fields.Integer(readonly=True)
    reports_missing = fields.Integer(readonly=True)
    plans_approved = fields.Integer(readonly=True)
    plans_first_time = fields.Integer(string="Plans Approved on First Submission",
                                      readonly=True)
    competitor_html = fields.Html(string="Competitor Dynamics", readonly=True,
                                  sanitize=False)
    abnormal_html = fields.Html(string="Abnormal Customers", readonly=True, sanitize=False)
    abnormal_count = fields.Integer(string="Abnormal Customers (count)", readonly=True)

    week_comment = fields.Text(string="Comments on the Week")
    next_week_targets = fields.Text(string="Next Week's Targets")
    next_week_plan = fields.Text(string="Next Week's Plan")
    director_comment = fields.Text(string="Director's Comments", track_visibility="onchange")

    _sql_constraints = [
        ("team_week_unique", "UNIQUE(team_id, week_start)",
         "A team has one weekly report per week."),
    ]

    @api.depends("team_id", "week_start")
    def _compute_name(self):
        for report in self:
            if not report.week_start:
                continue
            start = fields.Date.from_string(report.week_start)
            report.week_end = fields.Date.to_string(start + timedelta(days=6))
            report.name = "%s %s" % (report.team_id.name or "", dates.iso_week_label(start))

    # ------------------------------------------------------------------ access

    def _document_label(self):
        return _("weekly report")

    @api.multi
    def write(self, values):
        if SUPERVISOR_FIELDS & set(values):
            for report in self:
                if report.state != "draft":
                    raise UserError(_("%s is submitted: the supervisor's text can no longer "
                                      "change.") % report.name)
                if self.env.user != report.supervisor_id and not self.env.user._is_sales_director():
                    raise AccessError(_("Only the supervisor of %s writes its comments "
                                        "and next week's plan.") % report.team_id.name)
        if "director_comment" in values and not self.env.user._is_sales_director():
            raise AccessError(_("Only a sales director comments on a weekly report."))
        return super(SalesWeeklyReport, self).write(values)

    # ---------------------------------------------------------------- workflow

    @api.multi
    def action_submit(self):
        for report in self:
            if report.state != "draft":
                raise UserError(_("%s has already been submitted.") % report.name)
            if self.env.user != report.supervisor_id and not self.env.user._is_sales_director():
                raise AccessError(_("Only the supervisor of %s submits its weekly report.")
                                  % report.team_id.name)
            report._workflow_write({"state": "submitted",
                                    "submitted_at": fields.Datetime.now()})
            directors = report.company_id._sales_directors()
            report._sales_post(directors, lambda self: _("Submitted to the sales director."),
                               subtype="mail.mt_comment")
            report._sales_schedule(directors, lambda self: _("Read %s") % self.name)
        return True

    @api.multi
    def action_close(self):
        if not self.env.user._is_sales_director():
            raise AccessError(_("Only a sales director closes a weekly report."))
        for report in self:
            if report.state != "submitted":
                raise UserError(_("%s must be submitted before it is closed.") % report.name)
        self._workflow_write({"state": "closed", "closed_at": fields.Datetime.now(),
                              "closed_by_id": self.env.uid})
        self._sales_close()
        for report in self:
            report._sales_post(
                report.supervisor_id,
                lambda self: html_escape(_("Closed by %s.") % self.env.user.name),
                subtype="mail.mt_comment")
        return True

    @api.multi
    def action_refresh(self):
        if self.filtered(lambda report: report.state == "closed"):
            raise UserError(_("The figures of a closed weekly report stay as they were."))
        failed = self._refresh()
        if failed:
            raise UserError(_("The figures of %s could not be computed: the server log says why.")
                            % ", ".join(failed.mapped("display_name")))
        return True

    # ------------------------------------------------------------- generation

    @api.model
    @api.returns("self", lambda reports: reports.ids)
    def generate_week(self, day):
        """Make the weekly reports of the ISO week of ``day`` (a date or an
        ISO date string) for every team that has a leader, and return them.

        Public (callable over RPC by a sales director): a report of the week
        that does not exist yet is created, one that exists is refreshed
        unless closed; what the supervisor and the director wrote is kept.
        A team whose figures fail is logged and left out (see ``_refresh``):
        the other teams' reports are made, and the next run makes the missing
        one.
        """
        if not self.env.user._is_sales_director():
            raise AccessError(_("Only a sales director makes the weekly reports."))
        if value_problem("date", day) or not day:
            raise UserError(_("Give the day of the week as a date (YYYY-MM-DD)."))
        week_start = fields.Date.to_string(dates.week_start(dates.as_date(day)))
        return self._generate(self.env["crm.team"].search([("user_id", "!=", False)]),
                              week_start)

    def _generate(self, teams, week_start):
        """Make or refresh the reports of ``teams`` for the week of ``week_start``
        (see ``generate_week``)."""
        existing = self.search([("team_id", "in", teams.ids), ("week_start", "=", week_start)])
        created = self._create_reports(teams - existing.mapped("team_id"), week_start)
        reports = existing | created
        failed = reports.filtered(lambda report: report.state != "closed")._refresh()
        # sudo: a report made in this run whose figures failed is removed, so
        # that the next run (the scheduler's retry) makes it again; the
        # director may not delete reports.
        (failed & created).sudo().unlink()
        return reports - failed

    def _create_reports(self, teams, week_start):
        """Create the reports of ``teams`` for the week of ``week_start``, in
        one INSERT that leaves out a report made meanwhile by another
        transaction (``ON CONFLICT (team_id, week_start) DO NOTHING``).

        Two directors, or a director and the Monday action, making the same
        new week at the same moment both find no report; the second INSERT
        waits for the first transaction, then fails with a serialization
        failure, which Odoo's RPC layer (the web client's and JSON-RPC calls)
        retries with a new snapshot that finds the reports and refreshes
        them, instead of a unique violation that refuses the call.  The reports are the
        system's: no creation or tracking message (whose author, the director
        or the scheduler, may have no e-mail address), nobody subscribed."""
        self.check_access_rights("create")
        created = bulk_create(
            self, [dict(self._prepare_report_values(team, week_start), state="draft")
                   for team in teams], unique=("team_id", "week_start"))
        # The stored computed fields (name, week end, supervisor), as create would.
        created.modified(["team_id", "week_start", "company_id"])
        return created

    @api.model
    def _prepare_report_values(self, team, week_start):
        """The values of the new weekly report of ``team`` for the week of ``week_start``."""
        return {"team_id": team.id, "week_start": week_start,
                # A team shared by all companies: its leader's company.
                "company_id": (team.company_id.id or team.user_id.company_id.id
                               or self.env.user.company_id.id)}

    @api.model
    def _cron_generate(self, today=None):
        """Every Monday: the reports of the week just ended (see ``generate_week``),
        and those of the week before that a failure left out."""
        today = fields.Date.from_string(today or fields.Date.context_today(self))
        previous = dates.previous_week_start(today)
        reports = self.generate_week(previous)
        # A team whose report of the week before failed (see ``_refresh``) gets
        # it now; a team made after that week gets none.
        earlier = fields.Date.to_string(previous - timedelta(weeks=1))
        teams = self.env["crm.team"].search([
            ("user_id", "!=", False),
            ("create_date", "<", fields.Datetime.to_string(datetime.combine(previous, time())))])
        made = self.search([("team_id", "in", teams.ids), ("week_start", "=", earlier)])
        missing = teams - made.mapped("team_id")
        if missing:
            reports |= self._generate(missing, earlier)
        return reports

    # ----------------------------------------------------------------- figures

    def _refresh(self):
        """Compute the figures of these reports, a fixed number of queries per
        distinct week whatever the number of teams and salespeople: read
        (``_read_week``), prepare (``_prepare_refresh_values`` per report, no
        query), write (one UPDATE, the target lines replaced in one DELETE and
        one INSERT).

        Returns the reports whose figures could not be prepared: each failure
        is logged with its team and leaves that report as it was, so that one
        team's bad data does not cost the other teams their reports."""
        by_week = defaultdict(lambda: self.browse())
        for report in self:
            by_week[report.week_start] |= report
        failed = self.browse()
        for week_start, reports in by_week.items():
            reports.recompute()
            figures = reports._read_week(fields.Date.from_string(week_start))
            now = fields.Datetime.now()
            values, targets = {}, []
            for report in reports:
                try:
                    report_values = dict(report._prepare_refresh_values(figures),
                                         refreshed_at=now)
                    report_targets = [dict(line, weekly_report_id=report.id)
                                      for line in report._prepare_target_values(figures)]
                except Exception:  # pylint: disable=broad-except
                    _logger.exception("The weekly report of team %s for the week of %s "
                                      "could not be computed; it is left out of this run.",
                                      report.team_id.name, week_start)
                    failed |= report
                    continue
                values[report.id] = report_values
                targets += report_targets
            reports -= failed
            bulk_write(reports, values)
            self.env.cr.execute(
                "DELETE FROM sales_weekly_report_target WHERE weekly_report_id = ANY(%s)",
                (reports.ids,))
            bulk_create(self.env["sales.weekly.report.target"], targets)
        return failed

    def _read_week(self, start):
        """Everything the reports of these teams need for the week of ``start``."""
        cr = self.env.cr
        end = start + timedelta(days=6)
        month_start = end.replace(day=1)
        teams = self.mapped("team_id")
        params = {"teams": teams.ids, "start": start, "end": end, "month_start": month_start,
                  "from": min(start, month_start)}
        with jit_disabled(cr):
            cr.execute("""
            SELECT f.team_id, f.metric,
                   COALESCE(SUM(f.amount) FILTER (WHERE f.date >= %(start)s), 0),
                   COALESCE(SUM(f.amount) FILTER (WHERE f.date >= %(month_start)s), 0)
            FROM sales_target_fact f
            WHERE f.team_id = ANY(%(teams)s) AND f.date BETWEEN %(from)s AND %(end)s
            GROUP BY f.team_id, f.metric""", params)
            facts = {(team, metric): (week, month) for team, metric, week, month in
                     cr.fetchall()}
        cr.execute("""
            SELECT v.team_id,
                   COUNT(*) FILTER (WHERE v.planned),
                   COUNT(*) FILTER (WHERE v.state = 'done'),
                   COUNT(*) FILTER (WHERE v.is_effective),
                   COUNT(*) FILTER (WHERE v.state = 'done' AND EXISTS (
                       SELECT 1 FROM sales_visit_sale_order_rel r WHERE r.visit_id = v.id))
            FROM sales_visit v
            WHERE v.team_id = ANY(%(teams)s) AND v.date BETWEEN %(start)s AND %(end)s
            GROUP BY v.team_id""", params)
        visits = {row[0]: row[1:] for row in cr.fetchall()}
        salespeople = defaultdict(int)
        for user in self.env["res.users"]._sales_salespeople(teams):
            salespeople[user.sale_team_id.id] += 1
        cr.execute("""
            SELECT r.team_id,
                   COUNT(*) FILTER (WHERE r.state <> 'draft'),
                   COUNT(*) FILTER (WHERE r.is_late)
            FROM sales_daily_report r
            WHERE r.team_id = ANY(%(teams)s) AND r.date BETWEEN %(start)s AND %(end)s
              AND EXTRACT(isodow FROM r.date) < 6
            GROUP BY r.team_id""", params)
        daily = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute("""
            SELECT p.team_id, COUNT(*) FILTER (WHERE p.state = 'approved'),
                   COUNT(*) FILTER (WHERE p.approved_first_time)
            FROM sales_visit_plan p
            WHERE p.team_id = ANY(%(teams)s) AND p.date BETWEEN %(start)s AND %(end)s
            GROUP BY p.team_id""", params)
        plans = {row[0]: row[1:] for row in cr.fetchall()}
        # sudo: the report sums the whole team's targets whoever refreshes it.
        targets = self.env["sales.target.line"].sudo().search([
            ("team_id", "in", teams.ids), ("user_id", "=", False),
            ("partner_id", "=", False), ("categ_id", "=", False),
            ("period_type", "=", "month"),
            ("date_from", "<=", fields.Date.to_string(end)),
            ("date_to", ">=", fields.Date.to_string(min(start, month_start))),
        ]).read(["team_id", "metric", "target_amount", "date_from", "date_to"],
                load="_classic_write")
        targets_of = defaultdict(list)
        for line in targets:
            targets_of[(line["team_id"], line["metric"])].append(line)
        return {
            "start": start, "end": end, "month_start": month_start,
            "facts": facts, "visits": visits, "salespeople": salespeople, "daily": daily,
            "plans": plans, "targets": targets_of,
            "competitors": self._competitor_dynamics(params),
            "abnormal": self._abnormal_customers(params),
        }

    def _prepare_refresh_values(self, figures):
        """The figures of this report (field values), from ``_read_week``."""
        team = self.team_id.id
        facts = figures["facts"]
        planned, done, effective, with_order = figures["visits"].get(team, (0, 0, 0, 0))
        submitted, late = figures["daily"].get(team, (0, 0))
        approved, first_time = figures["plans"].get(team, (0, 0))
        people = figures["salespeople"].get(team, 0)
        sales = facts.get((team, "sales"), (0.0, 0.0))[0]
        due = dates.working_days(figures["start"], figures["end"]) * people
        abnormal_html, abnormal_count = figures["abnormal"].get(team, ("", 0))
        return {
            "sales_amount": sales,
            "new_customer_count": int(facts.get((team, "new_customers"), (0, 0))[0]),
            "collection_amount": facts.get((team, "collections"), (0.0, 0.0))[0],
            "visit_planned": planned, "visit_done": done, "visit_effective": effective,
            "visit_with_order": with_order,
            "effective_rate": rate(effective, done),
            "transaction_rate": rate(with_order, done),
            "salesperson_count": people,
            "avg_sales_per_salesperson": sales / people if people else 0.0,
            "reports_due": due, "reports_submitted": submitted, "reports_late": late,
            "reports_missing": max(due - submitted, 0),
            "plans_approved": approved, "plans_first_time": first_time,
            "competitor_html": figures["competitors"].get(team, ""),
            "abnormal_html": abnormal_html,
            "abnormal_count": abnormal_count,
        }

    def _prepare_target_values(self, figures):
        """Per metric: the week's share of the team's monthly targets (each
        month's target over its working days, for the week's working days in
        that month) and the month to date of the week's last day."""
        start, end = figures["start"], figures["end"]
        values = []
        for metric in METRIC_KEYS:
            lines = figures["targets"].get((self.team_id.id, metric), [])
            if not lines:
                continue
            week_target = month_target = 0.0
            for line in lines:
                line_start = fields.Date.from_string(line["date_from"])
                line_end = fields.Date.from_string(line["date_to"])
                week_target += dates.overlap_share(line["target_amount"], line_start,
                                                   line_end, start, end)
                if line_start <= end <= line_end:
                    month_target += line["target_amount"]
            week_actual, month_actual = figures["facts"].get((self.team_id.id, metric),
                                                             (0.0, 0.0))
            values.append({
                "metric": metric, "week_target": week_target, "week_actual": week_actual,
                "month_target": month_target, "month_actual": month_actual,
            })
        return values

    def _competitor_dynamics(self, params):
        """{team id: HTML} of the week's market reports grouped by competitor."""
        reports = self.env["sales.market.report"].sudo().search([
            # sudo: the team's reports, whoever refreshes the weekly report.
            ("team_id", "in", params["teams"]),
            ("date", ">=", fields.Date.to_string(params["start"])),
            ("date", "<=", fields.Date.to_string(params["end"])),
            ("state", "!=", "cancelled"),
        ], order="competitor_id, date")
        by_team = defaultdict(lambda: defaultdict(list))
        for report in reports:
            by_team[report.team_id.id][report.competitor_id].append(report)
        template = self.env.ref("sales_process_mgmt.sales_weekly_report_competitors")
        kinds = dict(MARKET_KINDS)
        html = {}
        for team_id, groups in by_team.items():
            rows = [{"competitor": competitor.name or _("No competitor named"),
                     "count": len(items),
                     "reports": [(item.date, kinds[item.kind], item.severity, item.title)
                                 for item in items]}
                    for competitor, items in groups.items()]
            html[team_id] = render_qweb(template, {"rows": rows})
        return html

    def _abnormal_customers(self, params):
        """{team id: (HTML, count)}: customers with overdue invoices, customers
        who ordered in the last year but not in their company's number of weeks
        (the orders' company: a team's report has its company's settings,
        whoever refreshes it), customers with an open complaint."""
        cr = self.env.cr
        params = dict(params, year_ago=params["end"] - timedelta(days=365))
        # The customers' stored display names come with the rows: thousands of
        # rows in a large company, where name_get would go partner by partner.
        cr.execute("""
            SELECT inv.team_id, cp.display_name, SUM(inv.residual_company_signed),
                   MIN(inv.date_due)
            FROM account_invoice inv
            JOIN res_partner p ON p.id = inv.partner_id
            JOIN res_partner cp ON cp.id = p.commercial_partner_id
            WHERE inv.type = 'out_invoice' AND inv.state = 'open'
              AND inv.date_due <= %(end)s AND inv.team_id = ANY(%(teams)s)
            GROUP BY inv.team_id, cp.id""", params)
        overdue = cr.fetchall()
        # The last order on its local date: the week's days are local.
        local_date = self.env["sales.target.fact"]._local_date("so.date_order", "company_partner")
        cr.execute("""
            SELECT so.team_id, cp.display_name, MAX(%(local)s)
            FROM sale_order so
            JOIN res_company company ON company.id = so.company_id
            JOIN res_partner company_partner ON company_partner.id = company.partner_id
            JOIN res_partner p ON p.id = so.partner_id
            JOIN res_partner cp ON cp.id = p.commercial_partner_id
            WHERE so.state IN ('sale', 'done') AND so.team_id = ANY(%%(teams)s)
              AND %(local)s <= %%(end)s
            GROUP BY so.team_id, cp.id
            HAVING MAX(%(local)s) < %%(end)s::date - 7 * MIN(company.sales_abnormal_weeks)
               AND MAX(%(local)s) >= %%(year_ago)s""" % {"local": local_date}, params)
        silent = cr.fetchall()
        complaints = self.env["sales.market.report"].sudo().search([
            # sudo: the team's complaints, whoever refreshes the weekly report.
            ("team_id", "in", params["teams"]), ("is_complaint", "=", True),
            ("state", "in", ("new", "acknowledged", "in_progress")),
        ])
        # The labels translated once, not once per row.
        overdue_label = _("Overdue collection")
        overdue_detail = _("%(amount).2f due since %(date)s")
        silent_label, silent_detail = _("No order"), _("Last order on %s")
        complaint_label = _("Open complaint")
        rows = defaultdict(list)
        for team_id, name, amount, due in overdue:
            rows[team_id].append((name, overdue_label,
                                  overdue_detail % {"amount": amount, "date": due}))
        for team_id, name, last in silent:
            rows[team_id].append((name, silent_label, silent_detail % last))
        for complaint in complaints:
            rows[complaint.team_id.id].append((
                complaint.partner_id.commercial_partner_id.display_name or "-",
                complaint_label, "%s %s" % (complaint.name, complaint.title)))
        template = self.env.ref("sales_process_mgmt.sales_weekly_report_abnormal")
        return {team_id: (render_qweb(template, {"rows": sorted(items, key=lambda r: r[0] or "")}),
                          len({item[0] for item in items}))
                for team_id, items in rows.items()}
