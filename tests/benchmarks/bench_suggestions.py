"""The suggestions of *Suggest Visits* (and of My Day's block) for every
salesperson's plan of a day, next to a hand-written SQL (a step of
``bench_daily_loop.py``: ``--only suggestions``).

The daily loop's data have no visit classes, opportunities or leads: the
step first gives them, in its own transaction (rolled back afterwards), what
makes each reason of a suggestion occur: the customers' last visit (from the
visits done, as the stored field would hold it), a visit class on three
customers in four, per salesperson 3 opportunities (2 closing within the next
days, one later) and 2 leads never visited, one customer invoice in four
marked open for its total and given to the customer's salesperson (all are
paid in the data, made for another salesperson; those due before the day
are overdue), and the open complaints the data already hold.

The hand-written SQL computes, for all the salespeople at once, one line per
customer (or lead without customer) with the purpose of its first reason in
the priority order (collection, complaint, order, service, new customer) and
the amount due, without what the day's plan already visits nor the customers
of another team's salesperson; it is checked equal to the addon's lines
(salesperson, customer or lead, purpose, amount due) before timing.
"""

import statistics
from datetime import timedelta

import reference_sql
from bench_target_actuals import measure

PRIORITY = ("collection", "complaint", "order", "service", "new_customer")
HORIZON_DAYS = 7

PREPARE = """
UPDATE res_partner p SET sales_last_visit_date = v.last
FROM (SELECT COALESCE(rp.parent_id, rp.id) AS partner_id, MAX(sv.date) AS last
      FROM sales_visit sv JOIN res_partner rp ON rp.id = sv.partner_id
      WHERE sv.state = 'done' GROUP BY 1) v
WHERE v.partner_id = p.id;
UPDATE res_partner SET sales_customer_class = (ARRAY['a', 'b', 'c', NULL])[1 + id %% 4]
WHERE customer AND user_id IS NOT NULL;
INSERT INTO crm_lead (name, type, active, user_id, team_id, company_id, partner_id,
                      probability, date_deadline, create_date, write_date)
SELECT CASE WHEN k < 3 THEN 'Opportunity ' ELSE 'Lead ' END || u.id || '-' || k,
       CASE WHEN k < 3 THEN 'opportunity' ELSE 'lead' END, true, u.id, u.sale_team_id,
       %(company)s, CASE WHEN k < 3 THEN (SELECT c.id FROM res_partner c
                                          WHERE c.user_id = u.id AND c.customer
                                          ORDER BY c.id OFFSET k * 7 LIMIT 1) END,
       CASE WHEN k < 3 THEN 30 ELSE 10 END,
       CASE WHEN k < 3 THEN %(day)s::date + (ARRAY[1, 5, 40])[k + 1] END, now(), now()
FROM res_users u CROSS JOIN generate_series(0, 4) k
WHERE u.id = ANY(%(users)s);
UPDATE account_invoice i SET state = 'open', residual = amount_total,
       residual_signed = amount_total_signed,
       residual_company_signed = amount_total_company_signed, user_id = c.user_id
FROM res_partner c
WHERE c.id = i.commercial_partner_id AND c.user_id IS NOT NULL
  AND i.type = 'out_invoice' AND i.id %% 4 = 0;
"""

# One row per reason, then the first reason of each customer or lead.
HAND_WRITTEN = """
WITH sp AS (
    SELECT p.user_id AS usr, p.company_id, u.sale_team_id AS team
    FROM sales_visit_plan p JOIN res_users u ON u.id = p.user_id
    WHERE p.date = %(day)s AND (%(user)s::int IS NULL OR p.user_id = %(user)s)
), reasons AS (
    SELECT sp.usr, i.commercial_partner_id AS partner_id, NULL::int AS lead_id,
           1 AS prio, SUM(i.residual_company_signed) AS amount
    FROM sp JOIN account_invoice i ON i.user_id = sp.usr AND i.company_id = sp.company_id
    WHERE i.type = 'out_invoice' AND i.state = 'open' AND i.date_due < %(day)s
    GROUP BY sp.usr, i.commercial_partner_id
  UNION ALL
    SELECT DISTINCT sp.usr, m.partner_id, NULL::int, 2, 0
    FROM sp JOIN sales_market_report m ON m.company_id = sp.company_id
    JOIN res_partner mp ON mp.id = m.partner_id
    WHERE m.is_complaint AND m.state IN ('new', 'acknowledged', 'in_progress')
      AND (m.user_id = sp.usr OR m.reporter_id = sp.usr OR mp.user_id = sp.usr)
  UNION ALL
    SELECT sp.usr, l.partner_id, l.id, 3, 0
    FROM sp JOIN crm_lead l ON l.user_id = sp.usr
    WHERE l.type = 'opportunity' AND l.active
      AND (l.company_id = sp.company_id OR l.company_id IS NULL)
      AND l.probability < 100
      AND (EXISTS (SELECT 1 FROM mail_activity a WHERE a.res_model = 'crm.lead'
                   AND a.res_id = l.id AND a.date_deadline <= %(horizon)s)
           OR (l.date_deadline >= %(day)s AND l.date_deadline <= %(horizon)s))
  UNION ALL
    SELECT sp.usr, c.id, NULL::int, 4, 0
    FROM sp JOIN res_partner c ON c.user_id = sp.usr
    JOIN res_company co ON co.id = sp.company_id
    WHERE c.active AND (c.company_id = sp.company_id OR c.company_id IS NULL)
      AND c.sales_customer_class IS NOT NULL
      AND (c.sales_last_visit_date IS NULL OR c.sales_last_visit_date
           < %(day)s::date - CASE c.sales_customer_class WHEN 'a' THEN co.sales_visit_days_a
                                                         WHEN 'b' THEN co.sales_visit_days_b
                                                         ELSE co.sales_visit_days_c END)
  UNION ALL
    SELECT sp.usr, l.partner_id, l.id, 5, 0
    FROM sp JOIN crm_lead l ON l.user_id = sp.usr
    WHERE l.type = 'lead' AND l.active
      AND (l.company_id = sp.company_id OR l.company_id IS NULL)
      AND l.sales_last_visit_date IS NULL AND l.sales_next_visit_date IS NULL
), kept AS (
    SELECT r.* FROM reasons r JOIN sp ON sp.usr = r.usr
    LEFT JOIN res_partner rp ON rp.id = r.partner_id
    LEFT JOIN res_users owner ON owner.id = rp.user_id
    WHERE NOT EXISTS (
            SELECT 1 FROM sales_visit v JOIN sales_visit_plan p ON p.id = v.plan_id
            WHERE p.user_id = r.usr AND p.date = %(day)s
              AND (v.partner_id = r.partner_id OR v.lead_id = r.lead_id))
      AND (rp.user_id IS NULL OR rp.user_id = r.usr OR NOT rp.active
           OR (sp.team IS NOT NULL AND owner.active AND owner.sale_team_id = sp.team))
)
SELECT DISTINCT ON (usr, COALESCE(partner_id, -lead_id))
       usr, partner_id, CASE WHEN partner_id IS NULL THEN lead_id END, prio, amount
FROM kept ORDER BY usr, COALESCE(partner_id, -lead_id), prio
"""


def hand_written(cr, day, user=None):
    """{(salesperson, customer or 0, lead without customer or 0, purpose):
    [amount due]} of the plans of ``day`` (of ``user`` only, when given)."""
    cr.execute(HAND_WRITTEN, {"day": str(day), "user": user,
                              "horizon": str(day + timedelta(days=HORIZON_DAYS))})
    return {(usr, partner or 0, lead or 0, PRIORITY[prio - 1]): [amount or 0.0]
            for usr, partner, lead, prio, amount in cr.fetchall()}


def measure_suggestions(env, runs, day):
    """The suggestions of every salesperson's plan of ``day``: all the plans,
    and one plan at a time (its query count, the same for every plan)."""
    cr = env.cr
    plans = env["sales.visit.plan"].search([("date", "=", str(day))])
    cr.execute(PREPARE, {"day": str(day), "company": env.user.company_id.id,
                         "users": plans.mapped("user_id").ids})
    env.cache.invalidate()
    suggest = env["sales.visit.suggest"]

    def all_plans():
        return {plan.id: suggest._suggestions(plan) for plan in plans}

    found = {}
    for plan_id, lines in all_plans().items():
        user = env["sales.visit.plan"].browse(plan_id).user_id.id
        for line in lines:
            key = (user, line.get("partner_id") or 0,
                   0 if line.get("partner_id") else line["lead_id"], line["purpose"])
            found[key] = [line.get("amount_due") or 0.0]
    label = "suggestions of the %d plans of %s: %d lines (%s)" % (
        len(plans), day, len(found), ", ".join(
            "%d %s" % (sum(1 for key in found if key[3] == purpose), purpose)
            for purpose in PRIORITY))
    checks = [reference_sql.check(label, hand_written(cr, day), found)]
    reference = measure(env, runs, lambda: hand_written(cr, day))[0]
    seconds, queries = measure(env, runs, all_plans)
    per_plan, one, one_reference = [], [], []
    for plan in plans[:20]:
        sample = measure(env, 1, lambda plan=plan: suggest._suggestions(plan))
        one.append(sample[0])
        per_plan.append(sample[1])
        one_reference.append(measure(
            env, 1, lambda plan=plan: hand_written(cr, day, plan.user_id.id))[0])
    per_plan_label = ", ".join(map(str, sorted(set(per_plan))))
    rows = [
        {"key": "suggest_all", "label": "Suggest Visits, " + label, "seconds": seconds,
         "queries": queries, "reference": reference},
        {"key": "suggest_one",
         "label": "Suggest Visits, one plan (queries of each of 20 plans: %s)" % per_plan_label,
         "seconds": statistics.median(one), "queries": max(per_plan),
         "reference": statistics.median(one_reference)},
    ]
    return rows, checks
