"""The addon's Chinese translations are complete: every string the installed
addon offers for translation (exported by Odoo from the code, the views, the
menus, the reports) has a zh_CN and a zh_TW translation, and the .pot is up to
date."""

import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from odoo.tools.translate import trans_export

I18N = Path(__file__).resolve().parent.parent / "sales_process_mgmt" / "i18n"


def _catalog(path):
    with open(path, "rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def exported():
    """The msgids Odoo exports for the addon from the test database."""
    import odoo
    from odoo.tests.common import get_db_name

    buffer = io.BytesIO()
    with odoo.registry(get_db_name()).cursor() as cr:
        trans_export(False, ["sales_process_mgmt"], buffer, "po", cr)
    buffer.seek(0)
    return {message.id for message in read_po(buffer) if message.id}


def test_the_template_is_up_to_date(exported):
    template = {message.id for message in _catalog(I18N / "sales_process_mgmt.pot")
                if message.id}
    assert sorted(exported - template) == [], "regenerate the .pot (see the README)"


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_every_string_is_translated(exported, lang):
    catalog = _catalog(I18N / ("%s.po" % lang))
    missing = sorted(msgid for msgid in exported
                     if not (catalog.get(msgid) and catalog.get(msgid).string))
    assert missing == [], "%d strings without a %s translation" % (len(missing), lang)
    fuzzy = sorted(message.id for message in catalog if message.id and message.fuzzy)
    assert fuzzy == []
