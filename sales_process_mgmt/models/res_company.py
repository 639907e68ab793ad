from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


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

    @api.constrains("sales_report_deadline", "sales_missing_report_days")
    def _check_sales_report_deadline(self):
        for company in self:
            if not 0 <= company.sales_report_deadline <= 24:
                raise ValidationError(_("The daily report deadline is a time of day, "
                                        "between 00:00 and 24:00."))
            if company.sales_missing_report_days < 1:
                raise ValidationError(_("The look-back for missing reports is at "
                                        "least one day."))
