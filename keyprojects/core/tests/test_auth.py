"""Sign-in and request protection: lockout after repeated failures, password policy, session
lifetime, CSRF, the API token endpoint, API errors in the caller's language, admin and API docs."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.orgs.models import Contact, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttles():
    """DRF's throttle counts live in the cache, which outlives each test's transaction."""
    cache.clear()
    yield
    cache.clear()


# --- sign-in -----------------------------------------------------------------------------


def test_account_is_locked_after_the_failure_limit_and_the_right_password_then_fails(users):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "county_a", "password": "wrong-password"})
        assert response.status_code in (200, 429)
    response = client.post("/login/", {"username": "county_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session
    # Another account from the same place is not locked (lockout is per username and address).
    assert Client().post("/login/", {"username": "county_b", "password": PASSWORD}).status_code == 302


def test_right_password_before_the_limit_signs_in(users):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "county_a", "password": "wrong-password"})
    response = client.post("/login/", {"username": "county_a", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(users["county_a"].pk)


@pytest.mark.parametrize(
    "new_password",
    ["short1", "12345678901234", "county_a_user", "password1234"],
    ids=["too-short", "numeric", "like-username", "common"],
)
def test_password_change_refuses_weak_passwords(client_for, users, new_password):
    client = client_for("county_a")
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200 and response.context["form"].errors.get("new_password2")
    assert User.objects.get(pk=users["county_a"].pk).check_password(PASSWORD)


def test_password_change_accepts_a_strong_password(client_for, users):
    response = client_for("county_a").post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Shahe-river-2024!", "new_password2": "Shahe-river-2024!"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=users["county_a"].pk).check_password("Shahe-river-2024!")


def test_sessions_end_when_idle_or_when_the_browser_closes(users):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    response = client.post("/login/", {"username": "county_a", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == 8 * 3600


def test_post_without_csrf_token_is_refused(users, regions):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["county_a"])
    response = client.post("/orgs/contacts/add/", {"name": "无令牌", "region": regions["郾城区"].pk})
    assert response.status_code == 403
    assert not Contact.objects.filter(name="无令牌").exists()
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/login/", {"username": "county_a", "password": PASSWORD}).status_code == 403


def test_session_authenticated_api_write_needs_csrf_token(users, regions):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["county_a"])
    response = client.post(
        "/api/orgs/contacts/", {"name": "无令牌", "region": regions["郾城区"].pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Contact.objects.filter(name="无令牌").exists()


# --- API ---------------------------------------------------------------------------------


def test_token_endpoint_gives_a_token_for_the_right_password(users, client):
    response = client.post("/api/auth/token/", {"username": "county_a", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/orgs/contacts/").status_code == 200


def test_token_endpoint_refuses_a_wrong_password(users, client):
    response = client.post("/api/auth/token/", {"username": "county_a", "password": "wrong-password"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_endpoint_answers_400_on_missing_fields(client, db):
    assert client.post("/api/auth/token/", {}).status_code == 400


def test_api_errors_come_in_the_callers_language(api_for, regions):
    api = api_for("county_a")
    bad = {"name": "错", "phone": "call me maybe", "region": regions["郾城区"].pk}
    english = api.post("/api/orgs/contacts/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and english.json()["phone"] == ["Enter a valid phone number."]
    chinese = api.post("/api/orgs/contacts/", bad, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    with translation.override("zh-hans"):
        expected = translation.gettext("Enter a valid phone number.")
    assert chinese.status_code == 400 and chinese.json()["phone"] == [expected]
    # DRF's own messages are translated already: the mechanism is visibly at work.
    anonymous = Client()
    assert anonymous.get("/api/orgs/contacts/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == (
        "Authentication credentials were not provided."
    )
    assert anonymous.get("/api/orgs/contacts/").json()["detail"] == "身份认证信息未提供。"  # default zh-hans


def test_forged_out_of_scope_id_on_the_api_is_404_and_changes_nothing(api_for, regions):
    theirs = Contact.objects.create(name="孙丽", phone="13900000002", region=regions["舞阳县"])
    api = api_for("county_a")
    url = f"/api/orgs/contacts/{theirs.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"name": "改"}, format="json").status_code == 404
    assert api.put(url, {"name": "改", "region": regions["郾城区"].pk}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert api.get("/api/orgs/contacts/999999/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "孙丽" and not theirs.is_archived


def test_api_write_landing_outside_the_scope_is_refused_and_rolled_back(api_for, regions):
    response = api_for("county_a").post(
        "/api/orgs/contacts/", {"name": "越权", "region": regions["舞阳县"].pk}, format="json"
    )
    assert response.status_code == 403
    assert not Contact.objects.filter(name="越权").exists()


def test_api_answers_400_not_500_on_malformed_input(api_for):
    api = api_for("county_a")
    assert api.post("/api/orgs/contacts/", "{not json", content_type="application/json").status_code == 400
    assert api.post("/api/orgs/contacts/", {"name": "x", "region": "abc"}, format="json").status_code == 400
    assert api.get("/api/orgs/contacts/?region=abc").status_code == 400
    assert api.get("/api/orgs/contacts/?limit=abc").status_code == 400  # names the range (core/pagination.py)


# --- admin and API docs ---------------------------------------------------------------


def test_django_admin_is_for_superusers_only(client_for, db):
    response = client_for("city_admin").get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    superuser = User.objects.create_superuser("root", "root@example.org", "Root-pass-2024!")
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


def test_api_schema_and_docs_answer_without_any_cdn(client_for):
    client = client_for("county_a")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/orgs/contacts/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs"):
        assert cdn not in html, cdn
