"""The Chinese translations are complete: every string an installed addon of
the product offers for translation (exported by Odoo from the code, the views,
the menus, the reports) has a zh_CN and a zh_TW translation, and each .pot is
up to date.  The expense-claim bridge is checked in the database where it is
installed."""

import io
import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from edition import ADDONS, load_language
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


# ------------------------------------------------------------ stable references

ADDON = "sales_process_mgmt"
CATALOGS = [ADDONS / ADDON / "i18n" / name
            for name in ("%s.pot" % ADDON, "zh_CN.po", "zh_TW.po")]
FIELD_REFERENCE = re.compile(r"^model:ir\.model\.fields,\w+:%s\.(field_\w+)$" % ADDON)


def _field_references(path):
    """The XML ids of the fields the catalog at ``path`` refers to (its
    ``#:`` lines; babel keeps only the references of source files)."""
    references = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        for location in line[3:].split() if line.startswith("#: ") else ():
            match = FIELD_REFERENCE.match(location)
            if match:
                references.add(match.group(1))
    return references


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.name)
def test_the_catalogs_refer_to_fields_by_stable_xml_ids(env, path):
    """Every field a catalog refers to is named as Odoo names it on any
    database (``field_<model>_<field>`` or ``field_<model>__<field>``, never
    with a database id appended), and that XML id is the field's here."""
    references = _field_references(path)
    assert references
    data = env["ir.model.data"].search([("module", "=", ADDON), ("model", "=", "ir.model.fields"),
                                        ("name", "in", sorted(references))])
    fields = {record.name: env["ir.model.fields"].browse(record.res_id) for record in data}
    wrong = []
    for reference in sorted(references):
        field = fields.get(reference)
        stable = field and reference in (
            "field_%s_%s" % (field.model.replace(".", "_"), field.name),
            "field_%s__%s" % (field.model.replace(".", "_"), field.name))
        if not stable:
            wrong.append(reference)
    assert wrong == []


def test_the_fields_of_the_addon_have_stable_xml_ids(env):
    """No field of the addon has an XML id made from its database id (Odoo
    11 appends it when two fields share a short name)."""
    env.cr.execute("""
        SELECT data.name
          FROM ir_model_data data JOIN ir_model_fields field ON field.id = data.res_id
         WHERE data.model = 'ir.model.fields' AND data.module = %s
           AND data.name = 'field_' || replace(field.model, '.', '_') || '_' || field.name
                           || '_' || field.id""", (ADDON,))
    assert env.cr.fetchall() == []


# (model, field, English label): labels that were left in English.
LABELS = [("sales.visit", "plan_id", "Visit Plan"),
          ("sales.visit.expense", "amount", "Amount"),
          ("sales.visit", "plan_state", "Plan State"),
          ("sales.visit.missed", "reason", None),
          ("sales.target.decompose", "line_id", None)]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_the_labels_show_in_chinese(env, lang):
    """With the addon's catalog loaded, the fields whose two short XML ids
    collided show their Chinese label (on the form, in the list and in the
    "invalid fields" error, which all read the field's string)."""
    # The catalog's text replaces what the database had (Odoo 11 keeps it otherwise).
    env = env(context=dict(env.context, overwrite=True))
    load_language(env, lang, [ADDON])
    catalog = _catalog(ADDONS / ADDON / "i18n" / ("%s.po" % lang))
    for model, name, english in LABELS:
        field = env[model]._fields[name]
        label = env[model].with_context(lang=lang).fields_get([name])[name]["string"]
        assert CJK.search(label), (model, name, label)
        assert label == catalog.get(english or field.string).string, (model, name)
        description = env["ir.model.fields"].with_context(lang=lang).search(
            [("model", "=", model), ("name", "=", name)]).field_description
        assert description == label
    # The visit form's "Plan" group, from the view's own translation.
    arch = _form_arch(env["sales.visit"].with_context(lang=lang))
    assert 'string="%s"' % catalog.get("Plan").string in arch
    assert 'string="Plan"' not in arch


def _form_arch(records):
    """The arch of the default form view of ``records``' model, as the web
    client receives it in the context's language."""
    if hasattr(records, "get_view"):
        return records.get_view(view_type="form")["arch"]
    return records.fields_view_get(view_type="form")["arch"]


def test_the_demo_database_works_in_chinese(demo_database):
    """The demo database, made as ``setup/start`` makes it, is a Chinese
    company's (Hangzhou, the yuan, A4 paper), has Simplified and Traditional
    Chinese active, has people who work in each, and shows them the labels in
    Chinese: on this new database the fields have other ids than on the one
    the catalogs were exported from."""
    db, _conf = demo_database
    with database(db) as env:
        company = env.ref("base.main_company")
        assert (company.currency_id.name, company.country_id.code,
                company.paperformat_id.format) == ("CNY", "CN", "A4")
        assert CJK.search(company.name) and CJK.search(company.city)
        languages = env["res.lang"].search([("code", "in", ["zh_CN", "zh_TW"])])
        assert sorted(languages.mapped("code")) == ["zh_CN", "zh_TW"]
        for lang in ("zh_CN", "zh_TW"):
            users = env["res.users"].search([("lang", "=", lang)])
            assert users and all(user.has_group("base.group_user") for user in users)
            catalog = _catalog(ADDONS / ADDON / "i18n" / ("%s.po" % lang))
            for model, name, english in LABELS:
                label = env[model].with_context(lang=lang).fields_get([name])[name]["string"]
                assert label == catalog.get(english or env[model]._fields[name].string).string
            assert 'string="%s"' % catalog.get("Plan").string in _form_arch(
                env["sales.visit"].with_context(lang=lang))


# ------------------------------------------------------------------ the review

# Both editions' catalogs, whichever edition the suite runs on (plain files).
ROOT = Path(__file__).resolve().parent.parent
EDITIONS = {"11.0": ROOT / ADDON, "18.0": ROOT / "editions" / "18.0" / ADDON}
TRANSLATIONS = [(edition, lang) for edition in sorted(EDITIONS) for lang in ("zh_CN", "zh_TW")]
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]"
                         r"|\{\w*\}")


def _translations(edition, lang):
    return [message for message in _catalog(EDITIONS[edition] / "i18n" / ("%s.po" % lang))
            if message.id and message.string]


@pytest.mark.parametrize("edition,lang", TRANSLATIONS)
def test_the_translations_keep_the_placeholders(edition, lang):
    """Each translation has exactly the placeholders of its English text
    (``%s``, ``%(name)s``, ``%%``, ``{}``): a missing or changed one breaks
    the message, or the screen, in that language."""
    wrong = [(message.id, message.string) for message in _translations(edition, lang)
             if sorted(PLACEHOLDER.findall(message.id))
             != sorted(PLACEHOLDER.findall(message.string))]
    assert wrong == []


# The words of the screens, as reviewed: {msgid: (zh_CN, zh_TW)}.
TERMS = {
    "Visit Plan": ("拜访计划", "拜訪計畫"),
    "Plan": ("计划", "計畫"),
    "Approver": ("审批人", "簽核人"),
    "Approved by": ("批准人", "核准者"),
    "Daily Report": ("日报", "日報"),
    "Daily Reports": ("日报", "日報"),
    "Weekly Report": ("周报", "週報"),
    "Sales Target": ("销售目标", "銷售目標"),
    "Gross Margin": ("毛利", "毛利"),
    "Collections": ("回款", "貨款回收"),
    "Supervisor": ("业务主管", "業務主管"),
    "Salesperson": ("业务员", "業務員"),
    "Distributor": ("经销商", "經銷商"),
    "Return": ("退回", "退回"),
    "Evening Meeting": ("晚间例会", "夕會"),
    "Done": ("完成", "完成"),
    "Amount": ("金额", "金額"),
}
# Words a translation must not use: {lang: [(word, why)]}.
AVOID = {
    "zh_CN": [("核准", "approve is 批准/审批 in zh_CN"),
              ("晚会", "an evening meeting is not a party")],
    "zh_TW": [("數據", "Taiwan says 資料"), ("默認", "Taiwan says 預設"),
              ("信息", "Taiwan says 資訊/訊息"), ("用戶", "Taiwan says 使用者"),
              ("設置", "Taiwan says 設定"), ("創建", "Taiwan says 建立"),
              ("計劃", "計畫 throughout"), ("晚會", "an evening meeting is not a party")],
}
SIMPLIFIED_ONLY = set(
    "这们个为时说对会来后还过动发开关门问间题见务业员销经计访报据设单产类数费"
    "额达进级总监审签录记认确户应线络选项实现场与专东两严丰临举义乐书买乱争从"
    "价众优伙传体余储党兴养写军农决况净减击创删别剧办劳势区医华协卖卫历压县参"
    "双变叶号启响团园围图圆坏块坚声处备复够头夺奖学宁实审宽导将层属岁币师帐带"
    "帮广库废异张归当录态总惯战户扩护报担拟择挂换据数断无旧时显暂术机杂权条极"
    "构标栏树样档检欢毕气汇没测济满灯热爱状独环现电画盘确礼离种积称稳竞笔简类"
    "紧红约级纪纳纸组细织终经结给络绝统继绩续维综编缘网联职脑节获营补装观规视"
    "览觉订让议讯讲许论证评识诉词译试话询该详语误请读谁调谈谢负财责败货质购贵"
    "贸资赛赞趋车转轮软轻较辅输边过运还这进远连迟选递遗释钟钱铁链销锁错键长门"
    "闭问间阅队阶际陆险随难顶项顺须顾预领频题额风飞驱验黄齐")


@pytest.mark.parametrize("edition,lang", TRANSLATIONS)
def test_the_reviewed_terms(edition, lang):
    """The words of the screens are the reviewed ones, the same throughout
    the addon: the visit's Plan is not a target plan, Approver and Approved
    by are told apart, zh_TW is in Traditional characters and Taiwan usage."""
    translations = {message.id: message.string for message in _translations(edition, lang)}
    column = 0 if lang == "zh_CN" else 1
    assert {msgid: translations.get(msgid) for msgid in TERMS} == \
        {msgid: terms[column] for msgid, terms in TERMS.items()}
    assert translations["Approver"] != translations["Approved by"]
    avoided = [(msgid, word, why) for msgid, text in translations.items()
               for word, why in AVOID[lang] if word in text]
    assert avoided == []
    if lang == "zh_TW":
        simplified = [(msgid, text) for msgid, text in translations.items()
                      if SIMPLIFIED_ONLY & set(text)]
        assert simplified == []
