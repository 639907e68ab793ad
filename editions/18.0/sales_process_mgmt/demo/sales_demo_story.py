import logging
import random
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)
TZ = pytz.timezone("Asia/Shanghai")
REGIONS = [
    # team xml id or name, supervisor (login, name), salespeople (login, name, new?)
    ("sales_process_mgmt.crm_team_east_demo", None, [
        ("salesperson", None, False), ("ma.jun", "Ma Jun", False),
        ("zhang.min", "Zhang Min", False), ("liu.yang", "Liu Yang", True)]),
    ("North Region", ("north.supervisor", "Zhao Gang (Supervisor North)"), [
        ("chen.jing", "Chen Jing", False), ("yang.fan", "Yang Fan", False),
        ("zhao.lei", "Zhao Lei", False), ("huang.li", "Huang Li", False)]),
    ("South Region", ("south.supervisor", "Lin Hua (Supervisor South)"), [
        ("zhou.tao", "Zhou Tao", False), ("wu.hao", "Wu Hao", False),
        ("xu.na", "Xu Na", False), ("sun.qiang", "Sun Qiang", True)]),
]
CITIES = {0: ["Shanghai", "Hangzhou", "Suzhou"], 1: ["Beijing", "Tianjin", "Jinan"],
          2: ["Guangzhou", "Shenzhen", "Xiamen"]}
OPPORTUNITIES = ("spring tea listing", "gift boxes for the festival",
                 "a second shelf of jasmine tea", "the new green tea line")
SHOP_WORDS = ["Tea House", "Supermarket", "Convenience Store", "Trading Co.", "Food Market",
              "Gift Shop", "Hotel Shop", "Department Store"]
OUTCOMES = ["Ordered for the coming weeks.", "Wants a better price on the gift boxes.",
            "Display rearranged with the owner.", "Will pay the open invoice on Friday.",
            "Interested in the new jasmine tea; send samples.",
            "Complained about late deliveries; promised to follow up."]
# The demo company: a tea company of Hangzhou selling in three regions of China.
COMPANY = {"name": "杭州明前茶业有限公司", "street": "文三路 90 号", "street2": "西湖区",
           "city": "杭州", "zip": "310012", "phone": "+86 571 8765 4321",
           "email": "info@example.com", "website": "https://www.example.com"}
# Some of its people work in Chinese; the users of the user guide (director,
# supervisor, salesperson, executive) keep English.
LANGUAGES = ["zh_CN", "zh_TW"]
USER_LANGUAGES = {"north.supervisor": "zh_CN", "ma.jun": "zh_CN", "chen.jing": "zh_CN",
                  "zhou.tao": "zh_CN", "south.supervisor": "zh_TW", "xu.na": "zh_TW"}
MISSED = ["The buyer was away.", "Traffic: rescheduled.", "The shop was closed.",
          "Urgent call from another customer."]


class SalesDemoStory(models.AbstractModel):
    """The demo database's story (demo data only): three regions, a director,
    three supervisors, twelve salespeople (two new), two distributors, sixty
    customers, products in several categories, the year's targets decomposed,
    and four weeks of history before the install date: plans in every state,
    visits with results and expenses, daily reports on time, late, missing and
    returned, orders, invoices and payments, market reports of every severity,
    meetings with coaching and weekly reports.  Reproducible (fixed seed),
    relative to the day it is installed."""

    _name = "sales.demo.story"
    _description = "Sales Process Demo Story"

    @api.model
    def _generate(self):
        rnd = random.Random(2026)
        env = self.with_context(tracking_disable=True, mail_create_nolog=True,
                                no_reset_password=True).env
        self._company(env)
        self._languages(env)
        today = fields.Date.context_today(self)
        people = self._people(env, rnd)
        customers, distributors = self._customers(env, rnd, people)
        products = self._products(env)
        self._targets(env, people, distributors, today)
        opportunities = self._pipeline(env, people, customers, today)
        days = [today - timedelta(days=n) for n in range(28, -1, -1)
                if (today - timedelta(days=n)).weekday() < 5]
        # The days the other demo files already wrote a plan or a report for.
        taken = {(record._name, record.user_id.id, record.date)
                 for model in ("sales.visit.plan", "sales.daily.report")
                 for record in env[model].search([])}
        for day in days:
            self._day(env, rnd, people, customers, products, day, today, taken, opportunities)
        if env["account.account"].search_count([]):
            sellers = env["res.users"].concat(*[team[1] for team in people])
            self._invoices_and_payments(env, rnd, sellers, today)
        self._market(env, rnd, people, customers, today)
        self._meetings(env, rnd, people, today)
        self._weekly(env, people, today)
        # The reports of the demo files were submitted while installing: at 19:30
        # of their day, as a punctual salesperson does.
        for xmlid in ("sales_daily_report_two_days_ago_demo", "sales_daily_report_yesterday_demo"):
            report = env.ref("sales_process_mgmt.%s" % xmlid)
            submitted = self._utc(report.date, 19, 30)
            report._workflow_write({"submitted_at": submitted, "first_submitted_at": submitted})
        env["sales.daily.report"]._cron_remind_missing()
        self._calibrate_targets(env, people, today)
        env["sales.target.line"]._cron_warn_behind()
        return True

    # ----------------------------------------------------------------- company

    def _company(self, env):
        """The main company is a Chinese company: its address in Hangzhou, A4
        paper and the yuan.  Odoo refuses to change the currency of a company
        that has journal items: the demo database is made Chinese before its
        chart of accounts is loaded (setup/start), and the chart then sets the
        yuan; on a database with entries in another currency, it is kept."""
        company = env.ref("base.main_company")
        values = dict(COMPANY, country_id=env.ref("base.cn").id,
                      paperformat_id=env.ref("base.paperformat_euro").id)  # A4
        yuan = env.ref("base.CNY")
        if company.currency_id != yuan:
            if "account.move.line" in env and env["account.move.line"].search_count(
                    [("company_id", "=", company.id)]):
                _logger.warning("The demo company keeps its currency %s: it has journal items",
                                company.currency_id.name)
            else:
                yuan.active = True
                values["currency_id"] = yuan.id
        company.write(values)
        company.partner_id.tz = "Asia/Shanghai"

    def _languages(self, env):
        """Simplified and Traditional Chinese, loaded as Settings > Languages
        loads them: the translations of every installed module (Odoo loads
        this addon's own in every active language once its data is loaded)."""
        languages = env["res.lang"].with_context(active_test=False).search(
            [("code", "in", LANGUAGES)])
        env["base.language.install"].create({"lang_ids": [(6, 0, languages.ids)]}).lang_install()

    # ------------------------------------------------------------------ people

    def _people(self, env, rnd):
        users = env["res.users"]
        salesperson = env.ref("sales_process_mgmt.group_salesperson")
        supervisor = env.ref("sales_process_mgmt.group_supervisor")
        people = []
        old = users.browse()
        for team_ref, lead, members in REGIONS:
            if lead is None:
                team = env.ref(team_ref)
            else:
                leader = self._user(env, lead[0], lead[1], supervisor)
                old |= leader
                # The leader is a member of the team too (its main sales team).
                team = env["crm.team"].create({"name": team_ref, "user_id": leader.id,
                                               "member_ids": [(4, leader.id)]})
                self._xmlid(env, "team_%s" % team_ref, team)
            sellers = users.browse()
            for login, name, new in members:
                user = env.ref("sales_process_mgmt.user_salesperson_demo") if name is None \
                    else self._user(env, login, name, salesperson)
                sellers |= user
                if not new:
                    old |= user
            # The users' sales team is their membership (one team each).
            team.member_ids = [(4, user.id) for user in sellers]
            people.append((team, sellers))
        (old | env.ref("sales_process_mgmt.user_salesperson_demo")).write(
            {"notification_type": "inbox"})
        for login, lang in USER_LANGUAGES.items():
            users.search([("login", "=", login)]).lang = lang
        # Everybody but the two new salespeople joined two years ago.
        env.flush_all()
        env.cr.execute("UPDATE res_users SET create_date = create_date - interval '2 years' "
                       "WHERE id IN %s", (tuple(old.ids),))
        env["res.users"].invalidate_model(["create_date"])
        return people

    def _user(self, env, login, name, group):
        user = env["res.users"].create({
            "name": name, "login": login, "password": login,
            "email": "%s@example.com" % login, "tz": "Asia/Shanghai",
            "notification_type": "inbox",
            "groups_id": [(6, 0, [env.ref("base.group_user").id, group.id])],
        })
        self._xmlid(env, "user_%s" % login, user)
        return user

    @staticmethod
    def _xmlid(env, name, record):
        """Give ``record`` an XML id of the addon: the uninstallation deletes
        it, as it deletes the demo users and teams of the XML files."""
        name = "demo_story_%s" % "".join(c if c.isalnum() else "_" for c in name.lower())
        env["ir.model.data"]._update_xmlids([{
            "xml_id": "sales_process_mgmt.%s" % name, "record": record, "noupdate": True}])

    @staticmethod
    def _find_or_create(model, domain, values):
        """The record of ``model`` matching ``domain`` with ``values`` written,
        else a new one: the customers, products and categories of a previous
        installation stay with the orders and invoices that use them."""
        record = model.with_context(active_test=False).search(domain, limit=1)
        if record:
            record.write(values)
            return record
        return model.create(values)

    def _customers(self, env, rnd, people):
        partner = env["res.partner"]
        china = env.ref("base.cn")
        distributors = partner.browse()
        for name, city in (("Huabei Distribution Co.", "Beijing"),
                           ("Nanfang Trading Co.", "Guangzhou")):
            distributors |= self._find_or_create(partner, [("name", "=", name)], {
                "name": name, "is_company": True, "customer_rank": 1, "is_distributor": True,
                "city": city, "country_id": china.id})
        customers = {}
        number = 0
        for index, (_team, sellers) in enumerate(people):
            for seller in sellers:
                customers[seller] = partner.browse()
                for _n in range(5):
                    number += 1
                    city = rnd.choice(CITIES[index])
                    served = distributors[index - 1] if index and number % 3 == 0 else \
                        partner.browse()
                    name = "%s %s %02d" % (city, rnd.choice(SHOP_WORDS), number)
                    customers[seller] |= self._find_or_create(partner, [("name", "=", name)], {
                        "name": name, "is_company": True, "customer_rank": 1, "city": city,
                        "country_id": china.id, "user_id": seller.id,
                        "sales_distributor_id": served.id,
                        "sales_customer_class": "abc"[number % 3],
                    })
                # A new outlet of the salesperson, not visited yet: overdue for
                # its first visit (out of the customers the story visits).
                outlet = "%s New Outlet %02d" % (CITIES[index][0], number)
                self._find_or_create(partner, [("name", "=", outlet)], {
                    "name": outlet,
                    "is_company": True, "customer_rank": 1, "city": CITIES[index][0],
                    "country_id": china.id, "user_id": seller.id,
                    "sales_customer_class": "b"})
        return customers, distributors

    def _pipeline(self, env, people, customers, today):
        """Two opportunities of each salesperson, with customers of theirs,
        expected to close this month or next: their visits and orders point
        to them.  Returns {customer id: opportunity id}.  A random generator
        of its own: the rest of the story stays as it was."""
        rnd = random.Random(7)
        stages = env["crm.stage"].search([("is_won", "=", False)])
        opportunities = {}
        for team, sellers in people:
            for seller in sellers:
                for partner in rnd.sample(list(customers[seller]), 2):
                    lead = env["crm.lead"].with_user(seller).create({
                        "name": "%s: %s" % (partner.name, rnd.choice(OPPORTUNITIES)),
                        "type": "opportunity", "partner_id": partner.id,
                        "user_id": seller.id, "team_id": team.id,
                        "stage_id": rnd.choice(stages).id,
                        "expected_revenue": rnd.choice((8000.0, 15000.0, 30000.0, 60000.0)),
                        "probability": rnd.choice((20.0, 40.0, 60.0, 80.0)),
                        "date_deadline": today + timedelta(days=rnd.randint(3, 45)),
                    })
                    opportunities[partner.id] = lead.id
        return opportunities

    def _products(self, env):
        category = env["product.category"]

        def category_of(name, parent=category):
            return self._find_or_create(
                category, [("name", "=", name), ("parent_id", "=", parent.id)],
                {"name": name, "parent_id": parent.id})
        tea = category_of("Tea")
        green = category_of("Green Tea", tea)
        jasmine = category_of("Jasmine Tea", tea)
        snacks = category_of("Snacks")
        gifts = category_of("Gift Boxes")
        products = env["product.product"]
        for name, categ, cost, price in (
                ("Longjing Green Tea 250g", green, 48.0, 88.0),
                ("Biluochun Green Tea 250g", green, 42.0, 78.0),
                ("Jasmine Pearl Tea 200g", jasmine, 35.0, 66.0),
                ("Jasmine Tea Bags x50", jasmine, 12.0, 25.0),
                ("Sesame Crackers", snacks, 6.0, 12.0),
                ("Festival Gift Box", gifts, 120.0, 228.0)):
            products |= self._find_or_create(products, [("name", "=", name)], {
                "name": name, "categ_id": categ.id, "type": "consu", "standard_price": cost,
                "list_price": price, "invoice_policy": "order", "taxes_id": [(6, 0, [])]})
        return products

    # ----------------------------------------------------------------- targets

    def _targets(self, env, people, distributors, today):
        plan = env.ref("sales_process_mgmt.sales_target_demo")
        line = env["sales.target.line"]
        company_sales = env.ref("sales_process_mgmt.sales_target_line_company_sales_demo")
        company_sales.target_amount = 400000
        year = (plan.date_from, plan.date_to)
        month_start = today.replace(day=1)
        months = [month_start - timedelta(days=1), month_start]
        months = [(m.replace(day=1), (m.replace(day=28) + timedelta(days=4)).replace(day=1)
                   - timedelta(days=1)) for m in months]
        existing = env.ref("sales_process_mgmt.sales_target_line_east_salesperson_month_demo")
        for team, sellers in people:
            if team == env.ref("sales_process_mgmt.crm_team_east_demo"):
                team_year = env.ref("sales_process_mgmt.sales_target_line_east_demo")
            else:
                team_year = line.create({
                    "target_id": plan.id, "parent_id": company_sales.id, "metric": "sales",
                    "team_id": team.id, "date_from": year[0], "date_to": year[1],
                    "target_amount": 75000})
            for start, end in months:
                dates = {"date_from": start, "date_to": end, "target_id": plan.id}
                team_month = line.create(dict(dates, parent_id=team_year.id, metric="sales",
                                              team_id=team.id, target_amount=24000))
                for seller in sellers:
                    if existing.user_id == seller and existing.date_from == dates["date_from"]:
                        continue
                    line.create(dict(dates, parent_id=team_month.id, metric="sales",
                                     team_id=team.id, user_id=seller.id, target_amount=5000))
                    line.create(dict(dates, metric="collections", team_id=team.id,
                                     user_id=seller.id, target_amount=4000))
                    line.create(dict(dates, metric="new_customers", team_id=team.id,
                                     user_id=seller.id, target_amount=2))
        for start, end in months:
            dates = {"date_from": start, "date_to": end, "target_id": plan.id}
            for distributor in distributors:
                line.create(dict(dates, metric="sales", partner_id=distributor.id,
                                 target_amount=6000))
            for categ in env["product.category"].search([("parent_id", "=", False),
                                                         ("name", "in", ("Tea", "Snacks",
                                                                         "Gift Boxes"))]):
                line.create(dict(dates, metric="sales", categ_id=categ.id,
                                 target_amount={"Tea": 40000, "Snacks": 5000}.get(
                                     categ.name, 15000)))

    def _calibrate_targets(self, env, people, today):
        """The month targets at the scale of the story's sales, whatever the
        day of the month the database is made: each salesperson's sales and
        collections targets of this month and last month are set from their
        projection (``sales.target.line._progress_values``), so that most are
        projected at 115 % of target (on track), Zhang Min at 90 % (behind: a
        forecast just below target) and Wu Hao at 65 % (at risk); the
        distributors' and categories' at 110 %; a team's month is the sum of
        its salespeople's, and a year holds at least its months (the plan is
        strict)."""
        plan = env.ref("sales_process_mgmt.sales_target_demo")
        lines = env["sales.target.line"].search([("target_id", "=", plan.id)])
        values = lines._progress_values(today)
        below = {"zhang.min": 1 / 0.9, "wu.hao": 1 / 0.65}

        def scaled(line, factor):
            projected = values[line.id]["projected_amount"]
            return max(round(projected * factor, -2), 100.0) if projected else \
                line.target_amount

        targets = {}
        monthly = lines.filtered(lambda line: line.period_type == "month"
                                 and line.metric in ("sales", "collections"))
        for line in monthly:
            if line.user_id:
                targets[line] = scaled(line, below.get(line.user_id.login, 1 / 1.15))
            elif line.partner_id or line.categ_id:
                targets[line] = scaled(line, 1 / 1.1)
        for line in monthly.filtered(lambda line: line.owner_type == "team"):
            members = line.child_ids.filtered("user_id")
            if members:
                targets[line] = sum(targets.get(child, child.target_amount)
                                    for child in members)
        # The years, from the teams' up to the company's: at least their months.
        for line in lines.filtered(lambda line: line.period_type == "year").sorted(
                lambda line: 0 if line.team_id else 1):
            for dimension in {child._split_dimension() for child in line.child_ids}:
                parts = line.child_ids.filtered(
                    lambda child, dimension=dimension: child._split_dimension() == dimension)
                total = sum(targets.get(child, child.target_amount) for child in parts)
                targets[line] = max(targets.get(line, line.target_amount), total)
        plan.strict = False
        for line, amount in targets.items():
            line.target_amount = amount
        plan.strict = True

    # ----------------------------------------------------------------- history

    @staticmethod
    def _utc(day, hour, minute=0):
        local = TZ.localize(datetime.combine(day, time(hour, minute)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _day(self, env, rnd, people, customers, products, day, today, taken, opportunities):
        """Every salesperson's plan, visits, orders and daily report of ``day``."""
        for team, sellers in people:
            supervisor = team.user_id
            for seller in sellers:
                if seller.create_date.date() > day and day < today - timedelta(days=9):
                    continue  # a new salesperson: only the last two weeks
                if ("sales.visit.plan", seller.id, day) in taken:
                    continue
                visited = rnd.sample(list(customers[seller]), rnd.choice((3, 3, 4)))
                # As the salesperson: the plan's messages are signed by its author.
                plan = env["sales.visit.plan"].with_user(seller).create({
                    "user_id": seller.id, "team_id": team.id, "date": day,
                    "visit_ids": [(0, 0, {
                        "partner_id": partner.id, "area": partner.city,
                        "lead_id": opportunities.get(partner.id, False),
                        "purpose": rnd.choice(["order", "order", "collection", "service",
                                               "new_customer", "market_research",
                                               "complaint"]),
                        "planned_start": self._utc(day, 9 + 2 * n),
                        "planned_stop": self._utc(day, 10 + 2 * n)})
                        for n, partner in enumerate(visited)]})
                if day == today:
                    if rnd.random() < 0.6:
                        plan.action_submit()
                    continue
                plan.action_submit()
                if rnd.random() < 0.15:
                    plan.with_user(supervisor).action_return(
                        "Visit the customers with open invoices first.")
                    plan.action_submit()
                plan.with_user(supervisor).action_approve()
                self._visits(env, rnd, plan, products, day)
                self._report(env, rnd, seller, supervisor, day, taken,
                             waiting=day == self._last_working_day(today))

    def _visits(self, env, rnd, plan, products, day):
        done = plan.visit_ids.browse()
        for visit in plan.visit_ids:
            if rnd.random() < 0.2:
                visit.write({"state": "missed", "missed_reason": rnd.choice(MISSED)})
                continue
            values = {"outcome": rnd.choice(OUTCOMES)}
            if rnd.random() < 0.5:
                values["expense_ids"] = [(0, 0, {"category": "transport",
                                                 "amount": rnd.choice((18.0, 25.0, 36.0, 60.0)),
                                                 "description": "Taxi"})]
                if rnd.random() < 0.3:
                    values["expense_ids"].append((0, 0, {
                        "category": "meals", "amount": rnd.choice((45.0, 80.0, 150.0)),
                        "description": "Lunch with the buyer"}))
            visit.write(values)
            done |= visit
            if rnd.random() < 0.45:
                order = env["sale.order"].create({
                    "opportunity_id": visit.lead_id.id,
                    "partner_id": visit.partner_id.id, "user_id": plan.user_id.id,
                    "team_id": plan.team_id.id, "date_order": visit.planned_start,
                    "order_line": [(0, 0, {"product_id": product.id,
                                           "product_uom_qty": rnd.choice((5, 10, 20, 30)),
                                           "price_unit": product.list_price,
                                           "tax_id": [(6, 0, [])]})
                                   for product in rnd.sample(list(products), rnd.choice((1, 2)))]})
                order.action_confirm()
                order.date_order = visit.planned_start
        done.action_done()

    @staticmethod
    def _last_working_day(today):
        """The working day before ``today`` (Friday on a Monday)."""
        day = today - timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def _report(self, env, rnd, seller, supervisor, day, taken, waiting=False):
        """On time (75 %), late (10 %), missing (10 %), returned (5 %); of the
        last working day (``waiting``), those submitted wait for the supervisor's
        sign-off."""
        luck = rnd.random()
        if luck < 0.10 or ("sales.daily.report", seller.id, day) in taken:
            return
        report = env["sales.daily.report"].with_user(seller).create({
            "user_id": seller.id, "date": day,
            "competitor_info": rnd.choice([False, "Huaxin runs a buy-two-get-one promotion.",
                                           "Mingyuan's jasmine tea is 20% cheaper."]),
            "customer_feedback": rnd.choice([False, "Customers ask for smaller packs.",
                                             "The gift box sells well before the festival."]),
            "reflections": rnd.choice(["Plan the collections in the morning.",
                                       "Call the buyers before leaving.",
                                       "Group the visits by district."]),
        })
        report.action_submit()
        submitted = self._utc(day, 19, rnd.randint(0, 59)) if luck < 0.85 else \
            self._utc(day, 22, rnd.randint(0, 59))
        report._workflow_write({"submitted_at": submitted, "first_submitted_at": submitted})
        if waiting:
            return  # submitted yesterday evening: signed off this morning
        if luck > 0.95:
            report.with_user(supervisor).action_return("Add the customers' feedback on prices.")
            return
        report.with_user(supervisor).write({
            "quality_score": rnd.choice(["3", "4", "4", "5", "2"]),
            "review_comment": rnd.choice(["Good report.", "Follow the open invoices.",
                                          "More market information, please."])})
        report.with_user(supervisor).action_approve()

    def _invoices_and_payments(self, env, rnd, sellers, today):
        """Invoice most orders older than a week; about two thirds are paid.

        An order's invoice (``account.move``, ``out_invoice``) is dated the day
        of the order and due two weeks later; it is paid with the payment
        wizard (``account.payment.register``), which posts the payment and
        reconciles it with the invoice."""
        week_ago = today - timedelta(days=7)
        orders = env["sale.order"].search([("state", "=", "sale"),
                                           ("date_order", "<", week_ago),
                                           ("user_id", "in", sellers.ids)])
        journal = env["account.journal"].search([
            ("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1)
        for order in orders:
            if rnd.random() < 0.2:
                continue
            invoice = order._create_invoices()
            day = order.date_order.date()
            invoice.write({"invoice_date": day, "invoice_payment_term_id": False})
            invoice.write({"invoice_date_due": day + timedelta(days=14)})
            invoice.action_post()
            if rnd.random() < 0.65 and journal:
                paid = min(day + timedelta(days=rnd.randint(3, 12)), today)
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids,
                ).create({"payment_date": paid, "journal_id": journal.id,
                          "amount": invoice.amount_total})._create_payments()

    # ------------------------------------------------------- market, meetings

    def _market(self, env, rnd, people, customers, today):
        competitors = env["res.partner"].search([("is_competitor", "=", True)])
        if not competitors.filtered(lambda partner: partner.name == "Dongfang Drinks"):
            competitors |= self._find_or_create(
                env["res.partner"], [("name", "=", "Dongfang Drinks")],
                {"name": "Dongfang Drinks", "is_competitor": True, "is_company": True})
        stories = [
            ("critical", "competitor_promotion", "Huaxin: 30% off all tea in our key accounts"),
            ("serious", "competitor_product", "Dongfang launches bottled jasmine tea"),
            ("normal", "consumer_feedback", "Consumers find the gift box too heavy"),
            ("serious", "distributor_complaint", "The distributor asks for longer payment terms"),
            ("normal", "personnel_change", "New purchasing manager at a supermarket chain"),
            ("critical", "customer_complaint", "Mould found in a box of green tea"),
            ("normal", "competitor_promotion", "Mingyuan gives free samples in hotels"),
            ("serious", "customer_complaint", "Three deliveries late this month"),
        ]
        for index, (severity, kind, title) in enumerate(stories):
            team, sellers = people[index % 3]
            seller = sellers[index % len(sellers)]
            report = env["sales.market.report"].with_user(seller).create({
                "title": title, "kind": kind, "severity": severity,
                "date": today - timedelta(days=index * 3),
                "reporter_id": seller.id, "user_id": seller.id, "team_id": team.id,
                "partner_id": customers[seller][0].id,
                "competitor_id": competitors[index % len(competitors)].id
                if kind.startswith("competitor") else False,
                "description": "%s. Seen on the visits of the week; details with the "
                               "salesperson." % title})
            if index % 4 == 1:
                report.with_user(team.user_id).action_acknowledge()
            elif index % 4 == 2:
                report.with_user(team.user_id).action_start()
                report.with_user(seller).write({"resolution": "Handled with the customer; "
                                                              "no further action."})
                report.with_user(seller).action_resolve()

    def _meetings(self, env, rnd, people, today):
        for team, sellers in people:
            monday = today - timedelta(days=today.weekday())
            last = None
            for weeks in (3, 2, 1, 0):
                day = monday - timedelta(weeks=weeks)
                last = env["sales.meeting"].create({
                    "name": "%s weekly meeting" % team.name, "kind": "weekly",
                    "team_id": team.id, "chair_id": team.user_id.id,
                    "start": self._utc(day, 8, 30), "stop": self._utc(day, 9, 30),
                    "state": "held" if day < today else "planned",
                    "agenda": "Last week's results; abnormal customers; next week's plan.",
                    "minutes": "Results reviewed; the open complaints were assigned.",
                    "attendee_ids": [(0, 0, {
                        "user_id": seller.id,
                        "presence": rnd.choice(["present", "present", "remote", "absent"]),
                        "remote_report": "On the road: two orders signed."})
                        for seller in sellers],
                })
            last.write({"action_ids": [(0, 0, {
                "name": "Call the customers with overdue invoices",
                "user_id": sellers[0].id,
                "date_deadline": today + timedelta(days=2)})]})
            try:
                last.with_user(team.user_id).action_propose_coaching()
            except UserError:
                _logger.info("Demo: nobody to coach in %s", team.name)
            for coaching in last.coaching_ids:
                coaching.write({
                    "observation": "Visits far apart; few orders per visit.",
                    "guidance": "Group the visits by district and prepare an offer for "
                                "each order-taking visit.",
                    "on_efficiency": True,
                    "follow_up_date": today + timedelta(days=7)})

    def _weekly(self, env, people, today):
        weekly = env["sales.weekly.report"]
        teams = env["crm.team"].concat(*[team for team, _sellers in people])
        for weeks in (3, 2, 1, 0):
            monday = today - timedelta(days=today.weekday(), weeks=weeks)
            reports = weekly._cron_generate(monday)
            for report in reports.filtered(lambda r: r.state == "draft" and r.team_id in teams):
                report.with_user(report.supervisor_id).write({
                    "week_comment": "Sales on plan; collections behind in two shops.",
                    "next_week_targets": "Close the open complaints; two new customers.",
                    "next_week_plan": "Visit the abnormal customers first."})
                if weeks:
                    report.with_user(report.supervisor_id).action_submit()
                if weeks > 1:
                    report.write({"director_comment": "Follow the overdue invoices."})
                    report.action_close()
