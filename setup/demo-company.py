# The demo database's company is a Chinese company: run by `odoo-bin shell`
# (setup/start, the test suite's demo database) once base is installed and
# before anything is accounted.  Odoo keeps the currency of a company that has
# journal items, and the chart of accounts follows the company's country
# (Odoo 18 picks China's; Odoo 11 is given its Chinese chart for small
# businesses): the demo story then gives the company its name and address.
yuan = env.ref("base.CNY")  # noqa: F821 - the shell's environment
yuan.active = True
env.ref("base.main_company").write(  # noqa: F821
    {"country_id": env.ref("base.cn").id, "currency_id": yuan.id})  # noqa: F821
env.cr.commit()  # noqa: F821
