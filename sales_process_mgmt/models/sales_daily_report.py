from collections import defaultdict
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .analysis_rates import sales_efficiency_rates
from .sales_approval_mixin import local_to_utc, local_today, user_tz
from .sales_target_line import METRICS, jit_disabled, working_days

METRIC_KEYS = [metric for metric, _label in METRICS]

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


def target_values(date, line, day_actual, month_actual):
    """A target line of a daily report of ``date``: the month's target
    (``line``, plain values), the day's share of it (the month's target over
    its working days) and the month to date."""
    day = fields.Date.from_string(date)
    start = fields.Date.from_string(line["date_from"])
    stop = fields.Date.from_string(line["date_to"])
    total_days = working_days(start, stop) or 1
    elapsed = working_days(start, day)
    return {
        "target_line_id": line["id"],
        "metric": line["metric"],
        "month_target": line["target_amount"],
        "day_target": line["target_amount"] / total_days if day.weekday() < 5 else 0.0,
        "day_actual": day_actual,
        "month_actual": month_actual,
        "expected_rate": 100.0 * elapsed / total_days,
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
            delay = (fields.Datetime.from_string(report.first_submitted_at)
                     - fields.Datetime.from_string(report.deadline))
            report.late_hours = max(delay.total_seconds() / 3600.0, 0.0)
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
        # The columns are built from the constants above, the values are parameters.
        with jit_disabled(self.env.cr):
            self.env.cr.execute(  # pylint: disable=sql-injection
                """
            SELECT k.id, %s
            FROM unnest(%%(ids)s, %%(users)s, %%(dates)s::date[]) AS k(id, user_id, date)
            LEFT JOIN sales_efficiency_report e ON e.user_id = k.user_id AND e.date <= k.date
             AND e.date >= LEAST(date_trunc('week', k.date), date_trunc('month', k.date))::date
            GROUP BY k.id""" % columns, keys)
            rows = self.env.cr.fetchall()
        figures = {}
        for row in rows:
            values = list(row[1:])
            figures[row[0]] = []
            for index in range(len(periods)):
                sums = dict(zip(measures, values[index * len(measures):
                                                 (index + 1) * len(measures)]))
                figures[row[0]].append(sales_efficiency_rates(sums))
        template = self.env.ref("sales_process_mgmt.sales_daily_report_efficiency")
        for report in reports:
            html = template.render({
                "periods": figures.get(report.id, []),
                "currency": report.currency_id,
            })
            report.efficiency_html = html.decode() if isinstance(html, bytes) else html

    def _document_label(self):
        return _("daily report")

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
        report = super(SalesDailyReport, self).create(values)
        if not self.env.context.get("sales_no_prefill"):
            report._prefill()
        return report

    @api.multi
    def write(self, values):
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
        orders: one aggregate of the visits, one of the orders, one of the
        facts (sales, margin, new customers, collections) of the day and of the
        month to date, one search of the monthly targets.
        """
        if not self:
            return
        cr = self.env.cr
        self.recompute()  # the visits' stored figures, before reading them in SQL
        keys = {"ids": self.ids, "users": [r.user_id.id for r in self],
                "dates": [r.date for r in self]}
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
            GROUP BY k.id, f.metric""", keys)
            rows = cr.fetchall()
        facts = {}
        for report_id, metric, day, month_to_date in rows:
            facts[(report_id, metric)] = (day, month_to_date)
        targets = self.env["sales.target.line"].sudo().search([
            # sudo: the figures of the report's own salesperson, read for the supervisor too
            ("user_id", "in", self.mapped("user_id").ids),
            ("partner_id", "=", False), ("categ_id", "=", False),
            ("period_type", "=", "month"),
            ("date_from", "<=", max(self.mapped("date"))),
            ("date_to", ">=", min(self.mapped("date"))),
        ])
        # Plain values first: the loop below writes, and Odoo 11 empties the
        # record cache on unlink; reading records again per report would cost
        # a query per report and field.
        targets_of = defaultdict(list)
        for line in targets:
            targets_of[line.user_id.id].append({
                "id": line.id, "metric": line.metric, "target_amount": line.target_amount,
                "date_from": line.date_from, "date_to": line.date_to})
        reports = [(report, report.id, report.user_id.id, report.date) for report in self]
        self.mapped("target_ids").unlink()
        new_targets = []
        now = fields.Datetime.now()
        for report, report_id, user_id, date in reports:
            counts = visits.get(report_id, (0, 0, 0, 0, 0, 0.0))
            order_ids = orders.get(report_id) or []
            day = {metric: facts.get((report_id, metric), (0.0, 0.0))[0]
                   for metric in METRIC_KEYS}
            month = {metric: facts.get((report_id, metric), (0.0, 0.0))[1]
                     for metric in METRIC_KEYS}
            new_targets += [
                dict(target_values(date, line, day[line["metric"]], month[line["metric"]]),
                     report_id=report_id)
                for line in targets_of[user_id] if line["date_from"] <= date <= line["date_to"]]
            report.with_context(sales_workflow=True, mail_notrack=True).write({
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
                "prefilled_at": now,
            })
        target_model = self.env["sales.daily.report.target"]
        for values in new_targets:
            target_model.create(values)

    # ---------------------------------------------------------------- workflow

    @api.multi
    def action_submit(self):
        self.filtered(lambda report: report.state == "draft")._prefill()
        return super(SalesDailyReport, self).action_submit()

    def _before_approve(self):
        if not self.quality_score:
            raise UserError(_("Give the report of %s a quality score before approving it.")
                            % self.display_name)

    # ------------------------------------------------------------------- cron

    @api.model
    def _cron_remind_missing(self):
        """Find the daily reports not submitted by their deadline.

        For each salesperson (the Salesperson group, not the supervisors) and
        each working day of the company's look-back whose deadline has passed,
        a missing report is created as a draft, prefilled, the salesperson gets
        an activity to submit it and the approver a message, once: a report
        already reminded is left alone, a draft the salesperson marked as a
        leave day is not missing.
        """
        now = datetime.utcnow()
        salespeople = self.env.ref("sales_process_mgmt.group_salesperson").users - \
            self.env.ref("sales_process_mgmt.group_supervisor").users
        salespeople = salespeople.filtered(lambda user: user.active and not user.share)
        if not salespeople:
            return self.browse()
        look_back = max(salespeople.mapped("company_id.sales_missing_report_days") or [1])
        today = now.date()
        days = [fields.Date.to_string(today - timedelta(days=n)) for n in range(look_back + 1)]
        existing = self.search([("user_id", "in", salespeople.ids), ("date", "in", days)])
        by_key = {(report.user_id.id, report.date): report for report in existing}
        to_create, missing = [], self.browse()
        for user in salespeople:
            tz = user_tz(user, user.company_id)
            today_here = fields.Date.from_string(local_today(tz))
            first_day = today_here - timedelta(days=user.company_id.sales_missing_report_days)
            created = fields.Date.from_string(user.create_date[:10])
            for offset in range((today_here - first_day).days + 1):
                day = first_day + timedelta(days=offset)
                if day.weekday() >= 5 or day < created:
                    continue
                day_str = fields.Date.to_string(day)
                deadline = local_to_utc(tz, day_str, user.company_id.sales_report_deadline)
                if fields.Datetime.from_string(deadline) > now:
                    continue
                report = by_key.get((user.id, day_str))
                if report is None:
                    to_create.append({"user_id": user.id, "date": day_str,
                                      "company_id": user.company_id.id,
                                      "team_id": user.sale_team_id.id})
                elif report.state == "draft" and report.attendance != "leave" \
                        and not report.missing_notified:
                    missing |= report
        created = self.browse()
        for values in to_create:
            created |= self.with_context(mail_create_nolog=True,
                                         sales_no_prefill=True).create(values)
        created._prefill()  # in one go for all the reports created
        missing |= created
        missing._notify_missing()
        return missing

    def _notify_missing(self):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get(self._name)
        for report in self:
            self.env["mail.activity"].create({
                "res_model_id": model.id,
                "res_id": report.id,
                "activity_type_id": activity_type.id,
                "user_id": report.user_id.id,
                "date_deadline": fields.Date.context_today(self),
                "summary": _("Submit your daily report of %s") % report.date,
            })
            approver = report.user_id._sales_approver()
            if approver:
                report.message_post(
                    body=_("The daily report of %(user)s for %(date)s was not submitted "
                           "by its deadline.") % {"user": report.user_id.name,
                                                   "date": report.date},
                    partner_ids=[approver.partner_id.id], subtype="mail.mt_comment")
        self.with_context(sales_workflow=True).write({"missing_notified": True})
