def migrate(cr, version):
    """Coaching has a company since this version: the meeting's, else the
    salesperson's (the column was first filled with the default, the company
    of the user who upgraded)."""
    if not version:
        return
    cr.execute("""
        UPDATE sales_coaching c
        SET company_id = COALESCE(
            (SELECT m.company_id FROM sales_meeting m WHERE m.id = c.meeting_id),
            (SELECT u.company_id FROM res_users u WHERE u.id = c.user_id),
            c.company_id)
    """)
