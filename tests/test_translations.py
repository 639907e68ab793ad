"""The Chinese translations are complete: every string an installed addon of
the product offers for translation (exported by Odoo from the code, the views,
the menus, the reports) has a zh_CN and a zh_TW translation, and each .pot is
up to date.  The expense-claim bridge is checked in the database where it is
installed."""

import io
import os

import pytest
from babel.messages.pofile import read_po
from edition import ADDONS
from read_access import database

from odoo.tests.common import get_db_name
from odoo.tools.translate import trans_export

DATABASES = {"sales_process_mgmt": None, "sales_process_mgmt_hr_expense": "SPM_BRIDGE_DB"}


def _catalog(path):
    with open(path, "rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module", params=sorted(DATABASES))
def exported(request):
    """(addon, the msgids Odoo exports for it) from the database it is installed in."""
    addon = request.param
    variable = DATABASES[addon]
    db = os.environ.get(variable) if variable else get_db_name()
    assert db, "%s is not set: run the suite with ./setup/test" % variable
    buffer = io.BytesIO()
    with database(db) as env:
        trans_export(False, [addon], buffer, "po", env.cr)
    buffer.seek(0)
    return addon, {message.id for message in read_po(buffer) if message.id}


def test_the_template_is_up_to_date(exported):
    addon, msgids = exported
    template = {message.id for message in _catalog(ADDONS / addon / "i18n" / ("%s.pot" % addon))
                if message.id}
    assert sorted(msgids - template) == [], "regenerate the .pot (see the README)"


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_every_string_is_translated(exported, lang):
    addon, msgids = exported
    catalog = _catalog(ADDONS / addon / "i18n" / ("%s.po" % lang))
    missing = sorted(msgid for msgid in msgids
                     if not (catalog.get(msgid) and catalog.get(msgid).string))
    assert missing == [], "%d strings without a %s translation" % (len(missing), lang)
    fuzzy = sorted(message.id for message in catalog if message.id and message.fuzzy)
    assert fuzzy == []
