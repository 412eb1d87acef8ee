"""Never a 500 for bad input: every list of the API (walked from the router) and every list page
(walked from the declarations) answers a bad query parameter with 400 in the caller's language,
or ignores it where the page says so; path ids that no record can have are 404; a 500 shows a
sentence and a reference, never a traceback."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path

from keyprojects.core.testing.pages import in_language
from keyprojects.core.views import REGISTRY

pytestmark = pytest.mark.django_db

BAD = ["-5", "x", "99999999999999999999", "9999-12"]
HUGE = "99999999999999999999"
PAGING = ["limit", "offset", "page", "per_page", "year", "region", "upto", "month"]


def api_lists(resolver=None, prefix=""):
    """(url, viewset) of every API list route the router made."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from api_lists(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = (prefix + str(pattern.pattern)).replace("^", "").replace("$", "")
            actions = getattr(pattern.callback, "actions", None) or {}
            if route.startswith("api/") and actions.get("get") == "list" and "(?P" not in route:
                yield "/" + route, pattern.callback.cls


def server_errors(client, url, names, **headers):
    found = []
    for name in dict.fromkeys(names):
        for value in BAD:
            status = client.get(url, {name: value}, **headers).status_code
            if status >= 500:
                found.append(f"{url}?{name}={value} → {status}")
    return found


def test_every_api_list_answers_bad_parameters_without_a_server_error(api_for):
    lists = dict(api_lists())
    assert len(lists) >= 10 and "/api/projects/projects/" in lists
    client = api_for("city_admin")
    found = []
    for url, viewset in lists.items():
        filters = list(getattr(viewset.filterset_class, "base_filters", {}))
        found += server_errors(client, url, PAGING + filters)
    assert not found, "\n".join(found)


def test_every_list_page_answers_bad_parameters_without_a_server_error(client_for):
    client = client_for("city_admin")
    found = []
    for declaration in REGISTRY.values():
        if declaration.filterset is None:
            continue
        found += server_errors(client, declaration.list_url(), PAGING + list(declaration.filterset.base_filters))
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("query", "english", "chinese"),
    [
        ("limit=-5", "“limit” must be a whole number from 1 to 500.", "“limit” 必须是 1 到 500 之间的整数。"),
        ("offset=-1", "“offset” must be a whole number from 0", "“offset” 必须是 0 到"),
        ("limit=" + HUGE, "from 1 to 500", "1 到 500"),
        (f"offset={HUGE}", "“offset” must be a whole number", "“offset” 必须是"),
    ],
)
def test_api_paging_out_of_range_is_a_400_in_the_callers_language(api_for, query, english, chinese):
    client = api_for("county_a")
    for language, expected in (("en", english), ("zh-hans", chinese)):
        response = client.get(f"/api/orgs/contacts/?{query}", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400 and expected in response.json()["detail"], response.json()


def test_the_hand_made_cases_of_the_issue(api_for, client_for, users):
    api = api_for("county_a")
    year = api.get("/api/projects/projects/?year=0", HTTP_ACCEPT_LANGUAGE="en")
    assert year.status_code == 400 and "greater than or equal to 1" in year.json()["year"][0]
    region = api.get(f"/api/orgs/contacts/?region={HUGE}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert region.status_code == 400 and "选择一个有效的选项" in region.json()["region"][0]
    page = in_language(client_for("county_a")).get("/orgs/contacts/?per_page=-5")
    assert page.status_code == 400 and "“per_page” must be a whole number from 1 to 500." in page.content.decode()
    chinese = client_for("county_a").get("/projects/projects/?page=0")
    assert chinese.status_code == 400 and "“page” 必须是" in chinese.content.decode()
    # The campaign pages ignore a filter they cannot use (their documented choice), without a 500.
    assert client_for("city_admin").get("/campaigns/indicators/?upto=-1").status_code == 200
    assert client_for("city_admin").get("/campaigns/summary/?month=9999-12").status_code == 200


def test_ids_no_record_can_have_are_404_and_a_verb_body_must_be_an_object(api_for, client_for, users):
    from keyprojects.projects.tests.factories import make_project

    project = make_project(by=users["county_a"])
    api = api_for("county_a")
    for pk in ("abc", HUGE, "0"):
        assert api.get(f"/api/projects/projects/{pk}/").status_code == 404
        assert api.post(f"/api/projects/projects/{pk}/advance/", {}, format="json").status_code == 404
    assert client_for("county_a").get(f"/projects/projects/{HUGE}/").status_code == 404
    unrouted = api.get("/api/enterprises/0.5/", HTTP_ACCEPT_LANGUAGE="en")  # no route: still JSON
    assert unrouted.status_code == 404 and unrouted.json() == {"detail": "Not found."}
    assert api.get("/api/campaigns/phases/null,null/readiness/").status_code == 404  # a read action's id
    array = api.post(f"/api/projects/projects/{project.pk}/advance/", ["to"], format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert array.status_code == 400 and "JSON object" in str(array.json())
    related = api.post("/api/orgs/contacts/", {"name": "甲", "region": HUGE}, format="json")
    assert related.status_code == 400 and "region" in related.json()


# --- the 500 page ----------------------------------------------------------------------------


def broken(request):
    raise RuntimeError("a secret detail of the server")


urlpatterns = [path("broken/", broken), path("api/broken/", broken)]
handler400 = "keyprojects.core.errors.bad_request"
handler500 = "keyprojects.core.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_server_error_shows_a_sentence_and_a_reference_never_a_traceback(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    page = client.get("/broken/", HTTP_X_REQUEST_ID="req-42")
    assert page.status_code == 500
    text = page.content.decode()
    assert "req-42" in text and "出错" in text
    assert "Traceback" not in text and "secret detail" not in text and "RuntimeError" not in text
    api = client.get("/api/broken/", HTTP_X_REQUEST_ID="req-43", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 500 and api.json() == {
        "detail": "Server error; it has been logged.",
        "request_id": "req-43",
    }


def test_debug_is_off_unless_asked_for():
    from django.conf import settings

    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE  # static files without DEBUG
