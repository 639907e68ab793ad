from odoo import SUPERUSER_ID, api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    sales_approver_id = fields.Many2one(
        "res.users", string="Plan and Report Approver",
        help="Who approves this salesperson's visit plans and signs off the daily "
             "reports. When empty, the leader of the salesperson's sales team.")

    sales_coaching_ids = fields.One2many("sales.coaching", "user_id",
                                         string="Coaching History")

    # The board each role works from, the most responsible first.
    SALES_HOME_BOARDS = (
        ("sales_process_mgmt.group_director", "sales_process_mgmt.dashboard_director_month_action"),
        ("sales_process_mgmt.group_supervisor", "sales_process_mgmt.dashboard_team_week_action"),
        ("sales_process_mgmt.group_salesperson", "sales_process_mgmt.dashboard_my_day_action"),
        ("sales_process_mgmt.group_executive", "sales_process_mgmt.dashboard_results_action"),
    )

    @api.model
    def _sales_home_action(self):
        """What the Sales Process app opens for the current user: the board
        of the user's role (a director's month, a supervisor's team week, a
        salesperson's day, an executive's results)."""
        user = self.env.user
        for group, board in self.SALES_HOME_BOARDS:
            if user.has_group(group):
                return self.env.ref(board).read()[0]
        return self.env.ref("sales_process_mgmt.dashboard_my_day_action").read()[0]

    def _is_sales_director(self):
        """The superuser and the Sales Director group may approve, close and
        handle any document of the sales process."""
        self.ensure_one()
        return self.id == SUPERUSER_ID or self.has_group("sales_process_mgmt.group_director")

    def _sales_approver(self):
        """The approver of this user's plans and reports: the configured one, or
        the leader of the user's team; never the user.  Empty when none is set."""
        self.ensure_one()
        approver = self.sales_approver_id or self.sale_team_id.user_id
        return approver if approver != self else self.env["res.users"]

    def _sales_tz_name(self, company=None):
        """The time zone the user works in: the user's, else the company's (its
        partner's), else UTC."""
        self.ensure_one()
        return self.tz or (company or self.company_id).partner_id.tz or "UTC"

    @api.model
    def _sales_salespeople(self, teams=None):
        """Who plans and reports every day: the active internal users of the
        Salesperson group who are not supervisors (the Supervisor group implies
        Salesperson; supervisors approve), members of ``teams`` when given."""
        domain = [("groups_id", "in", self.env.ref("sales_process_mgmt.group_salesperson").ids),
                  ("groups_id", "not in", self.env.ref("sales_process_mgmt.group_supervisor").ids),
                  ("share", "=", False)]
        if teams is not None:
            domain.append(("sale_team_id", "in", teams.ids))
        # sudo: who is a salesperson is read whoever asks (a salesperson's own
        # rules may hide the other users).
        return self.browse(self.sudo().search(domain).ids)
