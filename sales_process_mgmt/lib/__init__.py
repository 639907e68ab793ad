"""The rules of the sales process that do not depend on the Odoo version.

Plain Python (the standard library and pytz, nothing of Odoo): dates are
``datetime.date`` objects and times naive UTC ``datetime.datetime`` objects,
whatever the version of Odoo represents them with.  Both editions of the addon
import these modules, and the test suite checks them alone.
"""
