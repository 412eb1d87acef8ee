"""The zh-hans catalogue is complete, compiled and used: zh-hans is the default language of the UI
and of the API, English is what a browser asking for `en` gets. See docs/i18n.md."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from keyprojects.core.testing.pages import in_language

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
FIX = "Run `make messages` and translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po (see docs/i18n.md)."
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


@pytest.fixture(autouse=True)
def _restore_language():
    # Requests activate the language they ask for; keep that from leaking into other tests.
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _po():
    return polib.pofile(str(PO_PATH))


def _translations(entries):
    """(context, msgid, plural) -> translation(s), for the entries a .mo would carry."""
    result = {}
    for e in entries:
        if not e.msgid or e.obsolete or "fuzzy" in e.flags:
            continue
        if e.msgid_plural:
            value = tuple(v for _, v in sorted(e.msgstr_plural.items()))
            if not all(value):
                continue
        elif not e.msgstr:
            continue
        else:
            value = e.msgstr
        result[(e.msgctxt or None, e.msgid, e.msgid_plural or None)] = value
    return result


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = _po()
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}. {FIX}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check and clear the flag), e.g. {fuzzy[:5]}. {FIX}"
    assert not po.metadata_is_fuzzy, "The catalogue header is marked fuzzy."
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_translations_keep_every_placeholder():
    wrong = []
    for e in _po():
        wanted = sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
        for msgstr in e.msgstr_plural.values() if e.msgid_plural else [e.msgstr]:
            if sorted(PLACEHOLDER.findall(msgstr)) != wanted:
                wrong.append((e.msgid, msgstr))
    assert not wrong, f"Placeholders differ between msgid and msgstr: {wrong[:5]}"


def test_compiled_catalogue_is_up_to_date():
    assert MO_PATH.exists(), f"{MO_PATH} is missing. {FIX}"
    compiled = _translations(polib.mofile(str(MO_PATH)))
    source = _translations(_po())
    stale = sorted(set(source.items()) ^ set(compiled.items()), key=str)
    assert not stale, f"django.mo does not match django.po ({len(stale)} entries differ, e.g. {stale[:3]}). {FIX}"


def test_compiled_catalogue_is_not_git_ignored():
    # A fresh machine may lack GNU gettext, so the .mo is committed with the .po.
    if not shutil.which("git") or not (Path(settings.BASE_DIR) / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(
        ["git", "check-ignore", "-q", str(MO_PATH)], cwd=settings.BASE_DIR, capture_output=True, check=False
    )
    assert result.returncode == 1, ".gitignore excludes locale/**/django.mo: it must be committed."


def test_default_language_is_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert translation.gettext("Sign in") == "登录"


def test_login_page_is_chinese_by_default_and_english_on_request(client, db):
    chinese = client.get("/login/").content.decode()
    assert 'lang="zh-hans"' in chinese
    assert "重点项目全生命周期管理平台" in chinese and "登录" in chinese
    assert "Sign in" not in chinese
    assert "Sign in" not in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()  # the browser's own
    english = in_language(client).get("/login/").content.decode()  # the language button's choice
    assert 'lang="en"' in english
    assert "Key projects full-lifecycle management platform" in english and "Sign in" in english
    assert "重点项目全生命周期管理平台" not in english


def test_home_page_is_chinese_by_default_and_english_on_request(client_for):
    client = client_for("county_a")
    chinese = client.get("/").content.decode()
    for label in ("首页", "您的权限范围", "县区工作人员", "退出登录"):
        assert label in chinese, label
    assert "Your scope" not in chinese and "Sign out" not in chinese
    english = in_language(client).get("/").content.decode()
    for label in ("Home", "Your scope", "County/district staff", "Sign out"):
        assert label in english, label
    assert "您的权限范围" not in english and "退出登录" not in english


def test_api_validation_error_is_chinese_by_default_and_english_on_request(api_for, regions):
    api = api_for("county_a")
    bad = {"name": "周一", "phone": "call me maybe", "region": regions["郾城区"].pk}
    chinese = api.post("/api/orgs/contacts/", bad, format="json")
    assert chinese.status_code == 400
    assert chinese.json()["phone"] == ["请输入有效的电话号码。"]
    english = api.post("/api/orgs/contacts/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json()["phone"] == ["Enter a valid phone number."]


# The catalogue's review (issue 20): words that were once mistranslated keep the glossary's term,
# and units never change between the English and the Chinese.
REVIEWED = {
    ("column chooser", "Columns"): "显示列",
    ("project field", "Field"): "项目领域",
    (None, "field"): "项目领域",
    (None, "All"): "全部",
    (None, "System"): "系统",
    (None, "100m yuan"): "亿元",
    (None, "10k yuan"): "万元",
    (None, "Breadcrumb"): "导航路径",
}
UNITS = [("10k yuan", "万元"), ("100m yuan", "亿元"), ("100 million yuan", "亿元")]


def test_catalogue_review_keeps_the_glossary_terms_and_the_units():
    entries = {(e.msgctxt or None, e.msgid): e.msgstr for e in _po()}
    wrong = {key: (entries.get(key), term) for key, term in REVIEWED.items() if entries.get(key) != term}
    assert not wrong, f"Reviewed terms changed: {wrong}"
    mixed = [
        (e.msgid, e.msgstr)
        for e in _po()
        for english, chinese in UNITS
        if english in e.msgid and chinese not in (e.msgstr or "".join(e.msgstr_plural.values()))
    ]
    assert not mixed, f"A unit changed in translation: {mixed[:5]}"


def test_filter_labels_follow_the_reader_after_the_schema_was_read_in_english(client_for):
    """The API schema reads every filter's label; read in English first, the labels django-filter
    derives from the model stayed English on the Chinese list pages ("Status", "Size")."""
    client = client_for("city_admin")
    assert client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    page = client.get("/problems/meetings/").content.decode()
    assert ">状态<" in page and ">Status<" not in page
    assert ">Status<" in in_language(client).get("/problems/meetings/").content.decode()
