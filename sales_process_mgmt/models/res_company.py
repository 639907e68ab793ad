from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression


class ResCompany(models.Model):
    _inherit = "res.company"

    sales_report_deadline = fields.Float(
        string="Daily Report Deadline", default=21.0,
        help="Local time (in the salesperson's time zone) by which the daily "
             "sales report of a day is due, on that same day. A report submitted "
             "later is late.")
    sales_missing_report_days = fields.Integer(
        string="Missing Reports Look-back (days)", default=3,
        help="How many days back the scheduled action looks for daily reports "
             "that were not submitted.")

    sales_escalation_hours = fields.Float(
        string="Escalation Delay (hours)", default=4.0,
        help="A market report nobody acknowledged climbs one level (supervisor, then "
             "sales director) after this many hours.")
    sales_director_id = fields.Many2one(
        "res.users",
        help="Who receives the escalated market reports; when empty, every user of "
             "the Sales Director group.")
    sales_coach_achievement_threshold = fields.Float(
        string="Coach below Target Pace (%)", default=80.0,
        help="Propose to coach a salesperson whose month-to-date achievement is below "
             "this share of the achievement expected by the day.")
    sales_coach_efficiency_threshold = fields.Float(
        string="Coach below Effective Visit Rate (%)", default=50.0,
        help="Propose to coach a salesperson whose effective visit rate of the last "
             "30 days is below this.")
    sales_coach_new_months = fields.Integer(
        string="Coach New Salespeople (months)", default=3,
        help="Propose to coach salespeople who joined less than this many months ago.")

    sales_abnormal_weeks = fields.Integer(
        string="Abnormal after Weeks without Order", default=4,
        help="The weekly report lists as abnormal the customers who ordered in the "
             "last year but not in this many weeks.")

    sales_visit_days_a = fields.Integer(
        string="Visit Class A every (days)", default=7,
        help="A customer of visit class A is overdue this many days after its last visit.")
    sales_visit_days_b = fields.Integer(
        string="Visit Class B every (days)", default=14,
        help="A customer of visit class B is overdue this many days after its last visit.")
    sales_visit_days_c = fields.Integer(
        string="Visit Class C every (days)", default=30,
        help="A customer of visit class C is overdue this many days after its last visit.")

    sales_check_in_distance = fields.Integer(
        string="Check-in Distance (m)", default=1000,
        help="A visit checked in farther than this from its customer's coordinates is "
             "flagged for the supervisor.")
    sales_check_in_tolerance = fields.Integer(
        string="Check-in Tolerance (minutes)", default=30,
        help="A visit checked in this long before its planned start or after its planned "
             "end is flagged for the supervisor.")
    sales_map_url = fields.Char(
        string="Map Link",
        help="The address of a map at a place, with {lat} and {lon} for its latitude and "
             "longitude (https://www.openstreetmap.org/?mlat={lat}&mlon={lon}): the "
             "check-ins link to it. Empty: no link.")

    def _sales_visit_days(self):
        """{visit class: days between visits} of this company."""
        self.ensure_one()
        return {"a": self.sales_visit_days_a, "b": self.sales_visit_days_b,
                "c": self.sales_visit_days_c}

    def _sales_overdue_domain(self, day):
        """The domain of the partners overdue for a visit on ``day`` (a date) in
        this company's days: a visit class, and no visit done within its days."""
        self.ensure_one()
        return expression.OR([
            ["&", ("sales_customer_class", "=", visit_class), "|",
             ("sales_last_visit_date", "=", False),
             ("sales_last_visit_date", "<", fields.Date.to_string(day - timedelta(days=days)))]
            for visit_class, days in sorted(self._sales_visit_days().items())])

    @api.constrains("sales_visit_days_a", "sales_visit_days_b", "sales_visit_days_c")
    def _check_sales_visit_days(self):
        for company in self:
            if min(company._sales_visit_days().values()) < 1:
                raise ValidationError(_("A customer is visited every one day or more."))

    def _sales_directors(self):
        """Who receives escalated market reports and submitted weekly reports:
        the company's sales director, else every sales director but the
        superuser."""
        self.ensure_one()
        if self.sales_director_id:
            return self.sales_director_id
        return self.env.ref("sales_process_mgmt.group_director").users.filtered(
            lambda user: user.id != SUPERUSER_ID and not user.share)

    @api.constrains("sales_escalation_hours", "sales_coach_new_months")
    def _check_sales_escalation_hours(self):
        for company in self:
            if company.sales_escalation_hours <= 0:
                raise ValidationError(_("The escalation delay is a positive number of "
                                        "hours."))
            if company.sales_coach_new_months < 0:
                raise ValidationError(_("The months of a new salesperson cannot be "
                                        "negative."))

    @api.constrains("sales_report_deadline", "sales_missing_report_days")
    def _check_sales_report_deadline(self):
        for company in self:
            if not 0 <= company.sales_report_deadline <= 24:
                raise ValidationError(_("The daily report deadline is a time of day, "
                                        "between 00:00 and 24:00."))
            if company.sales_missing_report_days < 1:
                raise ValidationError(_("The look-back for missing reports is at "
                                        "least one day."))

    @api.constrains("sales_check_in_distance", "sales_check_in_tolerance", "sales_map_url")
    def _check_sales_check_in(self):
        for company in self:
            if not (1 <= company.sales_check_in_distance <= 100000
                    and 0 <= company.sales_check_in_tolerance <= 1440):
                raise ValidationError(_("The check-in distance is from 1 metre to 100 km "
                                        "(100000 m) and its tolerance from 0 to 1440 "
                                        "minutes (a day)."))
            url = company.sales_map_url
            if url and not (url.startswith(("https://", "http://")) and "{lat}" in url
                            and "{lon}" in url):
                raise ValidationError(_("The map link is an address starting with https:// "
                                        "that holds {lat} and {lon}."))
