"""The language of the platform: zh-hans for everyone who has not chosen otherwise, the choice
saved on the user, English complete and Chinese without English labels — read on every page of
the main roles' menus and of a project, against everything the database holds as data."""

import pytest
from django.conf import settings

from keyprojects.core.testing.pages import data_values, han_outside, in_language, latin_outside, menu_urls, visible_text
from keyprojects.orgs.models import User

from .conftest import EXTRA, ROLES, project_pages

pytestmark = pytest.mark.django_db


def test_an_english_browser_gets_the_chinese_platform_until_its_user_chooses(client_for, users):
    client = client_for("county_a")
    assert 'lang="zh-hans"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=users["county_a"].pk).language == "en"  # saved on the user
    other_browser = client_for("county_a")  # no cookie: the user's choice follows them
    assert 'lang="en"' in other_browser.get("/").content.decode()
    other_browser.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert 'lang="zh-hans"' in client_for("county_a").get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_api_answers_in_the_language_a_client_asks_for(api_for, regions):
    bad = {"name": "周一", "phone": "call me maybe", "region": regions["郾城区"].pk}
    english = api_for("county_a").post("/api/orgs/contacts/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["phone"] == ["Enter a valid phone number."]


def test_a_language_chosen_before_signing_in_is_kept(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="en"' in client.get("/login/").content.decode()


def pages_of(client, city):
    urls = list(dict.fromkeys(menu_urls(client) + EXTRA + project_pages(city)))
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            yield url, visible_text(response.content.decode())


@pytest.mark.parametrize("role", ROLES)
def test_english_pages_show_chinese_only_in_data(role, city, client_for):
    data = data_values() | {name for _code, name in settings.LANGUAGES}  # the language button names each in itself
    leaks = {}
    for url, text in pages_of(in_language(client_for(role), "en"), city):
        found = han_outside(text, data)
        if found:
            leaks[url] = found[:4]
    assert not leaks, "Chinese outside data:\n" + "\n".join(f"{u}  {x}" for u, xs in leaks.items() for x in xs)


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_show_no_english_labels(role, city, client_for):
    data = data_values()
    leaks = {}
    for url, text in pages_of(client_for(role), city):
        found = latin_outside(text, data)
        if found:
            leaks[url] = found[:4]
    assert not leaks, "English on a Chinese page:\n" + "\n".join(f"{u}  {x}" for u, xs in leaks.items() for x in xs)
