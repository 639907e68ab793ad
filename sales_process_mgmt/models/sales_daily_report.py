from collections import defaultdict
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html_escape

from ..lib import dates
from ..lib.rates import EFFICIENCY_RATIOS, add_rates
from ..lib.sql import jit_disabled
from ..lib.targets import METRIC_KEYS
from .orm_tools import bulk_create, bulk_write, check_input, render_qweb

ATTENDANCE = [
    ("present", "Present"),
    ("leave", "On Leave"),
    ("business_trip", "Business Trip"),
]
QUALITY_SCORES = [
    ("1", "1 - Poor"),
    ("2", "2 - Fair"),
    ("3", "3 - Good"),
    ("4", "4 - Very Good"),
    ("5", "5 - Excellent"),
]
# Written by the approver while the report is submitted.
REVIEW_FIELDS = {"review_comment", "quality_score"}
# Written by the salesperson (or the prefill) while the report is a draft.
CONTENT_FIELDS = {
    "user_id", "team_id", "date", "attendance", "competitor_info", "customer_feedback",
    "customer_news", "reflections", "visit_planned_count", "visit_done_count",
    "visit_effective_count", "visit_unplanned_count", "complaint_count", "expense_amount",
    "order_ids", "order_count", "sales_amount", "margin_amount", "collection_amount",
    "new_customer_count", "target_ids", "prefilled_at",
}


class SalesDailyReport(models.Model):
    """A salesperson's daily sales report (每日销售报告表, R5), signed off by the
    supervisor with comments and a quality score.

    The figures are prefilled from Odoo (the day's visits, orders, collections,
    new customers and the achievement of the salesperson's monthly targets) when
    the report is created, on "Refresh figures", and one last time at the
    submission, after which they stay as submitted.  The salesperson writes
    the market information and the day's reflections.
    """

    _name = "sales.daily.report"
    _inherit = "sales.approval.mixin"
    _description = "Daily Sales Report"
    _sql_constraints = [
        ("user_date_unique", "UNIQUE(user_id, date)",
         "A salesperson has one daily report per day: open the existing one."),
    ]

    attendance = fields.Selection(ATTENDANCE, required=True, default="present",
                                  readonly=True, states={"draft": [("readonly", False)]})
    plan_id = fields.Many2one("sales.visit.plan", compute="_compute_plan",
                              string="Visit Plan")
    visit_ids = fields.One2many("sales.visit", compute="_compute_plan", string="Visits")
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)

    visit_planned_count = fields.Integer(string="Visits Planned", readonly=True)
    visit_done_count = fields.Integer(string="Visits Done", readonly=True)
    visit_effective_count = fields.Integer(string="Effective Visits", readonly=True)
    visit_unplanned_count = fields.Integer(string="Unplanned Visits", readonly=True)
    complaint_count = fields.Integer(string="Complaints Handled", readonly=True)
    expense_amount = fields.Monetary(string="Visit Expenses", readonly=True)
    order_ids = fields.Many2many("sale.order", "sales_daily_report_sale_order_rel",
                                 "report_id", "order_id", string="Orders Confirmed",
                                 readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    sales_amount = fields.Monetary(string="Sales", readonly=True)
    margin_amount = fields.Monetary(string="Gross Margin", readonly=True)
    collection_amount = fields.Monetary(string="Collections", readonly=True)
    new_customer_count = fields.Integer(string="New Customers", readonly=True)
    target_ids = fields.One2many("sales.daily.report.target", "report_id",
                                 string="Targets", readonly=True)
    prefilled_at = fields.Datetime(string="Figures of", readonly=True)

    competitor_info = fields.Text(string="Competitors' Market Information", readonly=True,
                                  states={"draft": [("readonly", False)]})
    customer_feedback = fields.Text(readonly=True, states={"draft": [("readonly", False)]})
    customer_news = fields.Text(string="Customers' Latest News", readonly=True,
                                states={"draft": [("readonly", False)]})
    reflections = fields.Text(string="The Day's Reflections", readonly=True,
                              states={"draft": [("readonly", False)]})

    market_line_ids = fields.One2many("sales.daily.report.market", "report_id",
                                      string="Market Information Lines")
    market_report_ids = fields.Many2many(
        "sales.market.report", compute="_compute_market_reports",
        string="Market Reports Filed",
        help="The market reports the salesperson filed on the report's day.")
    complaint_report_ids = fields.Many2many(
        "sales.market.report", compute="_compute_market_reports",
        string="Complaints Handled",
        help="The complaint reports the salesperson owns that were resolved on the "
             "report's day.")

    review_comment = fields.Text(string="Supervisor's Comments", track_visibility="onchange")
    quality_score = fields.Selection(QUALITY_SCORES, track_visibility="onchange")
    quality_value = fields.Integer(compute="_compute_quality_value", store=True,
                                   string="Quality Score (number)", group_operator="avg")

    deadline = fields.Datetime(compute="_compute_deadline", store=True,
                               help="When the report is due (the company's deadline, "
                                    "in the salesperson's time zone).")
    is_late = fields.Boolean(string="Late", compute="_compute_lateness", store=True)
    late_hours = fields.Float(compute="_compute_lateness", store=True,
                              help="Hours between the deadline and the first submission.")
    efficiency_html = fields.Html(
        string="Efficiency", compute="_compute_efficiency_html", sanitize=False,
        help="The salesperson's efficiency on the day, the week and the month to date.")
    missing_notified = fields.Boolean(
        readonly=True, copy=False,
        help="Set when the scheduled action reminded the salesperson and told the "
             "supervisor that the report was missing.")

    @api.depends("quality_score")
    def _compute_quality_value(self):
        for report in self:
            report.quality_value = int(report.quality_score or 0)

    @api.depends("date", "user_id", "company_id.sales_report_deadline")
    def _compute_deadline(self):
        for report in self.filtered(lambda r: r.date and r.user_id):
            report.deadline = report._local_to_utc(report.date,
                                                   report.company_id.sales_report_deadline)

    @api.depends("first_submitted_at", "deadline")
    def _compute_lateness(self):
        for report in self:
            if not (report.first_submitted_at and report.deadline):
                report.is_late, report.late_hours = False, 0.0
                continue
            report.late_hours = dates.hours_late(
                fields.Datetime.from_string(report.first_submitted_at),
                fields.Datetime.from_string(report.deadline))
            report.is_late = report.late_hours > 0

    def _compute_market_reports(self):
        """One search for all the reports: filed that day by the salesperson, or
        complaints owned by the salesperson and resolved that day (resolved_at
        in the salesperson's time zone)."""
        reports = self.filtered(lambda report: report.user_id and report.date)
        for report in self - reports:
            report.market_report_ids = report.complaint_report_ids = False
        if not reports:
            return
        users = reports.mapped("user_id").ids
        days = sorted(set(reports.mapped("date")))
        first = reports[:1]._local_to_utc(days[0], 0)
        last = reports[:1]._local_to_utc(days[-1], 24)
        market = self.env["sales.market.report"].search([
            "|", "&", ("reporter_id", "in", users), ("date", "in", days),
            "&", "&", ("user_id", "in", users), ("is_complaint", "=", True),
            "&", ("resolved_at", ">=", first), ("resolved_at", "<", last),
        ])
        for report in reports:
            start = report._local_to_utc(report.date, 0)
            stop = report._local_to_utc(report.date, 24)
            report.market_report_ids = [(6, 0, [
                m.id for m in market if m.reporter_id == report.user_id and m.date == report.date
            ])]
            report.complaint_report_ids = [(6, 0, [
                m.id for m in market if m.is_complaint and m.user_id == report.user_id
                and m.resolved_at and start <= m.resolved_at < stop])]

    def _compute_plan(self):
        plans = self.env["sales.visit.plan"].search([
            ("user_id", "in", self.mapped("user_id").ids),
            ("date", "in", list(set(self.mapped("date")))),
        ])
        by_key = {(plan.user_id.id, plan.date): plan for plan in plans}
        for report in self:
            plan = by_key.get((report.user_id.id, report.date), plans.browse())
            report.plan_id = plan
            report.visit_ids = plan.visit_ids

    def _compute_efficiency_html(self):
        """The efficiency of the report's day, week to date and month to date,
        from the efficiency analysis: one query for all the reports."""
        reports = self.filtered(lambda report: report.id and report.user_id and report.date)
        if not reports:
            return
        measures = ("visit_planned", "visit_done", "visit_effective", "order_count",
                    "sales_amount", "collection_amount", "expense_amount", "target_amount")
        periods = (("day", "e.date = k.date"),
                   ("week", "e.date >= date_trunc('week', k.date)::date"),
                   ("month", "e.date >= date_trunc('month', k.date)::date"))
        columns = ", ".join("COALESCE(SUM(e.%s) FILTER (WHERE %s), 0)" % (measure, condition)
                            for _period, condition in periods for measure in measures)
        keys = {"ids": reports.ids, "users": [r.user_id.id for r in reports],
                "dates": [r.date for r in reports]}
        # Constant conditions reach the analysis' base tables (see _read_prefill).
        first = min(min(dates.week_start(day), day.replace(day=1)) for day in (
            fields.Date.from_string(value) for value in keys["dates"]))
        keys.update(first=first, last=max(keys["dates"]))
        # The columns are built from the constants above, the values are parameters.
        with jit_disabled(self.env.cr):
            self.env.cr.execute(  # pylint: disable=sql-injection
                """
            SELECT k.id, %s
            FROM unnest(%%(ids)s, %%(users)s, %%(dates)s::date[]) AS k(id, user_id, date)
            LEFT JOIN sales_efficiency_report e ON e.user_id = k.user_id AND e.date <= k.date
             AND e.date >= LEAST(date_trunc('week', k.date), date_trunc('month', k.date))::date
             AND e.user_id = ANY(%%(users)s) AND e.date BETWEEN %%(first)s AND %%(last)s
            GROUP BY k.id""" % columns, keys)
            rows = self.env.cr.fetchall()
        figures = {}
        for row in rows:
            values = list(row[1:])
            figures[row[0]] = []
            for index in range(len(periods)):
                sums = dict(zip(measures, values[index * len(measures):
                                                 (index + 1) * len(measures)]))
                figures[row[0]].append(add_rates(sums, EFFICIENCY_RATIOS))
        template = self.env.ref("sales_process_mgmt.sales_daily_report_efficiency")
        for report in reports:
            report.efficiency_html = render_qweb(template, {
                "periods": figures.get(report.id, []),
                "currency": report.currency_id,
            })

    def _document_label(self):
        return _("daily report")

    def _document_title(self):
        return _("Daily Report")

    def _text_approved(self):
        text = super(SalesDailyReport, self)._text_approved()
        if self.quality_score:
            score = dict(self._fields["quality_score"]._description_selection(self.env))
            text += " " + _("Score: %s.") % score[self.quality_score]
        if self.review_comment:
            text += " " + _("Comments: %s") % self.review_comment
        return text

    def _notify_approval(self):
        """The salesperson is told the score and the comments of the report."""
        # sudo: the approver may not read the author's partner through the rules.
        self.message_post(
            body=html_escape(self._sales_for(self.user_id)._text_approved()),
            partner_ids=[self.user_id.sudo().partner_id.id],
            subtype="mail.mt_comment")

    @api.constrains("date", "user_id")
    def _check_not_future(self):
        # sudo: a constraint checks the record whoever writes it (the stored
        # related fields the rules filter on may not be written yet).
        for report in self.sudo():
            if report.date > report._local_today():
                raise ValidationError(_("A daily report tells how a day went: %s has not "
                                        "come yet.") % report.date)

    # ------------------------------------------------------------- create/write

    @api.model
    def create(self, values):
        check_input(self, values)
        report = super(SalesDailyReport, self).create(values)
        if not self.env.context.get("sales_no_prefill"):
            report._prefill()
        return report

    @api.multi
    def write(self, values):
        check_input(self, values)
        if REVIEW_FIELDS & set(values):
            for report in self:
                if report.state != "submitted" or not report._may_approve():
                    raise UserError(_("Only the approver comments on and scores a "
                                      "submitted report, not its author."))
        if CONTENT_FIELDS & set(values) and not self.env.context.get("sales_workflow"):
            submitted = self.filtered(lambda report: report.state != "draft")
            if submitted:
                raise UserError(_("The daily report of %s is submitted: it can no longer "
                                  "be changed (the approver may return it).")
                                % submitted[0].date)
        return super(SalesDailyReport, self).write(values)

    # ----------------------------------------------------------------- prefill

    @api.multi
    def action_refresh(self):
        if self.filtered(lambda report: report.state != "draft"):
            raise UserError(_("The figures of a submitted report stay as submitted."))
        self._prefill()
        return True

    def _prefill(self):
        """Fill the figures of these reports from Odoo's records.

        A fixed number of queries for any number of reports, visits and
        orders: read (``_read_prefill``: one aggregate of the visits, one of
        the orders, one of the facts of the day and of the month to date, one
        search of the monthly targets), prepare (``_prepare_prefill_values``
        and ``_prepare_prefill_targets`` per report, without queries), write
        (one UPDATE of the reports, the orders' links, the target lines
        replaced in one DELETE and one INSERT).
        """
        if not self:
            return
        self.recompute()  # the visits' stored figures, before reading them in SQL
        figures = self._read_prefill()
        now = fields.Datetime.now()
        values, targets = {}, []
        for report in self:
            values[report.id] = dict(report._prepare_prefill_values(figures),
                                     prefilled_at=now)
            targets += report._prepare_prefill_targets(figures)
        bulk_write(self, values)
        self.env.cr.execute("DELETE FROM sales_daily_report_target WHERE report_id = ANY(%s)",
                            (self.ids,))
        bulk_create(self.env["sales.daily.report.target"], targets)

    def _read_prefill(self):
        """The figures of these reports' days, read in four queries."""
        cr = self.env.cr
        keys = {"ids": self.ids, "users": [r.user_id.id for r in self],
                "dates": [r.date for r in self]}
        # The facts are a view: constant conditions reach its base tables, a
        # join condition does not.
        first = fields.Date.from_string(min(keys["dates"])).replace(day=1)
        keys.update(first=first, last=max(keys["dates"]))
        cr.execute("""
            SELECT k.id, COUNT(v.id) FILTER (WHERE v.planned),
                   COUNT(v.id) FILTER (WHERE v.state = 'done'),
                   COUNT(v.id) FILTER (WHERE v.is_effective),
                   COUNT(v.id) FILTER (WHERE NOT v.planned),
                   COUNT(v.id) FILTER (WHERE v.purpose = 'complaint' AND v.state = 'done'),
                   COALESCE(SUM(v.expense_amount), 0)
            FROM unnest(%(ids)s, %(users)s, %(dates)s::date[]) AS k(id, user_id, date)
            JOIN sales_visit v ON v.user_id = k.user_id AND v.date = k.date
            GROUP BY k.id""", keys)
        visits = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute("""
            SELECT k.id, ARRAY_AGG(so.id ORDER BY so.id)
            FROM unnest(%(ids)s, %(users)s, %(dates)s::date[]) AS k(id, user_id, date)
            JOIN sale_order so ON so.user_id = k.user_id AND so.state IN ('sale', 'done')
            JOIN res_company c ON c.id = so.company_id
            JOIN res_partner cp ON cp.id = c.partner_id
            WHERE (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date
                  = k.date
            GROUP BY k.id""", keys)
        orders = dict(cr.fetchall())
        with jit_disabled(cr):
            cr.execute("""
            SELECT k.id, f.metric,
                   COALESCE(SUM(f.amount) FILTER (WHERE f.date = k.date), 0),
                   COALESCE(SUM(f.amount), 0)
            FROM unnest(%(ids)s, %(users)s, %(dates)s::date[]) AS k(id, user_id, date)
            JOIN sales_target_fact f ON f.user_id = k.user_id
             AND f.date BETWEEN date_trunc('month', k.date)::date AND k.date
            WHERE f.user_id = ANY(%(users)s) AND f.date BETWEEN %(first)s AND %(last)s
            GROUP BY k.id, f.metric""", keys)
            facts = {(report_id, metric): (day, month)
                     for report_id, metric, day, month in cr.fetchall()}
        # sudo: the figures of the report's own salesperson, read for the supervisor too
        targets = self.env["sales.target.line"].sudo().search([
            ("user_id", "in", self.mapped("user_id").ids),
            ("partner_id", "=", False), ("categ_id", "=", False),
            ("period_type", "=", "month"),
            ("date_from", "<=", max(self.mapped("date"))),
            ("date_to", ">=", min(self.mapped("date"))),
        ]).read(["user_id", "metric", "target_amount", "date_from", "date_to"],
                load="_classic_write")
        targets_of = defaultdict(list)
        for line in targets:
            targets_of[line["user_id"]].append(line)
        return {"visits": visits, "orders": orders, "facts": facts, "targets": targets_of}

    def _prepare_prefill_values(self, figures):
        """The figures of this report (field values), from ``_read_prefill``."""
        counts = figures["visits"].get(self.id, (0, 0, 0, 0, 0, 0.0))
        order_ids = figures["orders"].get(self.id) or []
        day = {metric: figures["facts"].get((self.id, metric), (0.0, 0.0))[0]
               for metric in METRIC_KEYS}
        return {
            "visit_planned_count": counts[0],
            "visit_done_count": counts[1],
            "visit_effective_count": counts[2],
            "visit_unplanned_count": counts[3],
            "complaint_count": counts[4],
            "expense_amount": counts[5],
            "order_ids": [(6, 0, order_ids)],
            "order_count": len(order_ids),
            "sales_amount": day["sales"],
            "margin_amount": day["margin"],
            "collection_amount": day["collections"],
            "new_customer_count": int(day["new_customers"]),
        }

    def _prepare_prefill_targets(self, figures):
        """The target lines of this report: each monthly target of the
        salesperson running on the report's day, with the day's share of it
        (the month's target over its working days), the month to date and the
        share of the month's working days elapsed."""
        day = fields.Date.from_string(self.date)
        lines = []
        for line in figures["targets"].get(self.user_id.id, []):
            start = fields.Date.from_string(line["date_from"])
            stop = fields.Date.from_string(line["date_to"])
            if not start <= day <= stop:
                continue
            day_actual, month_actual = figures["facts"].get((self.id, line["metric"]),
                                                            (0.0, 0.0))
            lines.append({
                "report_id": self.id,
                "target_line_id": line["id"],
                "metric": line["metric"],
                "month_target": line["target_amount"],
                "day_target": dates.day_share(line["target_amount"], start, stop, day),
                "day_actual": day_actual,
                "month_actual": month_actual,
                "expected_rate": dates.elapsed_share(start, stop, day),
            })
        return lines

    # ---------------------------------------------------------------- workflow

    @api.multi
    def action_submit(self):
        self.filtered(lambda report: report.state == "draft")._prefill()
        return super(SalesDailyReport, self).action_submit()

    def _check_before_submit(self):
        """The visits of the day can no longer change once the report is
        submitted: each must say whether it was done."""
        todo = self.visit_ids.filtered(lambda visit: visit.state == "todo")
        if todo:
            raise UserError(_("Record the result of the visits still to do before submitting "
                              "the report (afterwards they can no longer change): %s. Mark "
                              "each one Done or Not Done.")
                            % ", ".join(visit._visited() for visit in todo))

    def _before_approve(self):
        if not self.quality_score:
            raise UserError(_("Give the report of %s a quality score before approving it.")
                            % self.display_name)

    # ------------------------------------------------------------------- cron

    @api.model
    def _cron_remind_missing(self):
        """Find the daily reports not submitted by their deadline.

        For each salesperson (``res.users._sales_salespeople``) and each
        working day of the company's look-back whose deadline has passed, a
        missing report is created as a draft, prefilled, the salesperson gets
        an activity to submit it and the approver one message listing the
        missing reports of all the salespeople they approve, once: a report
        already reminded is left alone, a draft the salesperson marked as a
        leave day is not missing.
        """
        to_create, missing = self._find_missing(datetime.utcnow())
        created = self.browse()
        for values in to_create:
            created |= self.with_context(mail_create_nolog=True,
                                         sales_no_prefill=True).create(values)
        created._prefill()  # in one go for all the reports created
        missing |= created
        missing._notify_missing()
        return missing

    @api.model
    def _find_missing(self, now):
        """([values of the reports to create], drafts already there) of the
        working days whose deadline has passed at ``now`` (naive UTC).  The
        salespeople, their companies and their reports of the look-back are
        read as plain rows, a few queries for any number of them."""
        salespeople = self.env["res.users"]._sales_salespeople()
        if not salespeople:
            return [], self.browse()
        people = salespeople.read(["tz", "company_id", "create_date", "sale_team_id"],
                                  load="_classic_write")
        companies = {company["id"]: company for company in self.env["res.company"].browse(
            {person["company_id"] for person in people}).read(
            ["sales_missing_report_days", "sales_report_deadline", "partner_id"],
            load="_classic_write")}
        company_tz = {partner["id"]: partner["tz"] for partner in self.env["res.partner"].browse(
            [company["partner_id"] for company in companies.values()]).read(["tz"])}
        look_back = max(company["sales_missing_report_days"] for company in companies.values())
        days = [fields.Date.to_string(now.date() - timedelta(days=n))
                for n in range(look_back + 2)]
        existing = {(row["user_id"], row["date"]): row for row in self.search(
            [("user_id", "in", salespeople.ids), ("date", "in", days)]).read(
            ["user_id", "date", "state", "attendance", "missing_notified"],
            load="_classic_write")}
        to_create, missing = [], []
        for person in people:
            company = companies[person["company_id"]]
            tz_name = person["tz"] or company_tz[company["partner_id"]] or "UTC"
            today_here = dates.local_today(tz_name, now)
            joined = fields.Date.from_string(person["create_date"][:10])
            for offset in range(company["sales_missing_report_days"], -1, -1):
                day = today_here - timedelta(days=offset)
                deadline = dates.local_to_utc(tz_name, day, company["sales_report_deadline"])
                if not dates.is_working_day(day) or day < joined or deadline > now:
                    continue
                day_str = fields.Date.to_string(day)
                report = existing.get((person["id"], day_str))
                if report is None:
                    to_create.append({"user_id": person["id"], "date": day_str,
                                      "company_id": company["id"],
                                      "team_id": person["sale_team_id"]})
                elif report["state"] == "draft" and report["attendance"] != "leave" \
                        and not report["missing_notified"]:
                    missing.append(report["id"])
        return to_create, self.browse(missing)

    def _text_missing(self):
        """The digest of these missing reports (HTML), in the context's language."""
        items = "".join("<li>%s</li>" % html_escape(report.display_name) for report in self)
        return "<p>%s</p><ul>%s</ul>" % (html_escape(
            _("%d daily reports were not submitted by their deadline:") % len(self)), items)

    def _notify_missing(self):
        """An activity of each salesperson per missing report, and one message
        to each approver listing the missing reports of their salespeople."""
        by_approver = defaultdict(lambda: self.browse())
        for report in self:
            report._sales_schedule(
                report.user_id, lambda self: _("Submit your daily report of %s") % self.date)
            approver = report.user_id._sales_approver()
            if approver:
                by_approver[approver] |= report
        for approver, reports in by_approver.items():
            reports = reports.sorted(lambda r: (r.date, r.user_id.name))
            self._sales_notify(
                approver,
                lambda self, reports=reports: reports.with_context(
                    lang=self.env.lang)._text_missing(),
                subject=lambda self: _("Daily reports missing"))
        self.with_context(sales_workflow=True).write({"missing_notified": True})
