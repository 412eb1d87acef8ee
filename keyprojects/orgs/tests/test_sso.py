"""Single sign-on against a real OpenID provider on a local port (oidc-provider-mock): the browser's
round trip is played by the test client and an HTTP client, the back channel (token, keys, user
info) is the platform's own requests to the provider."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client
from oidc_provider_mock import run_server_in_thread

from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.orgs.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(settings, provider):
    settings.OIDC_RP_CLIENT_ID = "keyprojects"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_VERIFY_KID = False  # this provider (0.3, the last for Python 3.11) signs with one key, unnamed
    return provider


def sign_in(client, provider, claims, next_url=None):
    """Start at the platform, say who one is at the provider, come back: the callback's response."""
    httpx.put(f"{provider}/users/{claims['sub']}", json=claims).raise_for_status()
    start = client.get("/oidc/authenticate/", {"next": next_url} if next_url else {})
    assert start.status_code == 302 and start.url.startswith(f"{provider}/oauth2/authorize")
    answer = httpx.post(start.url, data={"sub": claims["sub"]})
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/oidc/callback/"
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


def test_a_provisioned_user_signs_in_through_the_identity_provider(sso, users):
    client = Client()
    response = sign_in(client, sso, {"sub": "u-1001", "preferred_username": "county_a"}, "/projects/projects/")
    assert response.status_code == 302 and response.url == "/projects/projects/"
    page = client.get("/projects/projects/")
    assert page.status_code == 200 and page.context["user"] == users["county_a"]


def test_an_unknown_or_inactive_person_is_sent_back_with_the_reason_and_signs_in_nowhere(sso, users):
    client = Client()
    response = sign_in(client, sso, {"sub": "u-2002", "preferred_username": "stranger"})
    assert response.status_code == 302 and response.url == "/login/"
    page = client.get("/login/", follow=True)
    assert "单点登录未成功" in page.content.decode()
    assert not page.context["user"].is_authenticated
    assert not User.objects.filter(username="stranger").exists()  # no account is opened

    User.objects.filter(pk=users["county_a"].pk).update(is_active=False)
    response = sign_in(client, sso, {"sub": "u-1001", "preferred_username": "county_a"})
    assert response.url == "/login/" and not client.get("/login/").context["user"].is_authenticated


def test_an_unreachable_identity_provider_is_a_message_not_an_error(sso, settings, users):
    client = Client()
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens on the discard port
    response = sign_in(client, sso, {"sub": "u-1001", "preferred_username": "county_a"})
    assert response.status_code == 302 and response.url == "/login/"
    assert "无法连接身份认证服务" in client.get("/login/").content.decode()


def test_the_sign_in_page_offers_single_sign_on_only_when_it_is_on(client, settings, sso, users):
    page = client.get("/login/").content.decode()
    assert "单点登录（一号多用）" in page and "/oidc/authenticate/" in page
    settings.OIDC_RP_CLIENT_ID = ""
    assert "/oidc/authenticate/" not in client.get("/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404
    # Passwords keep working beside it.
    assert client.post("/login/", {"username": "county_a", "password": PASSWORD}).status_code == 302


@pytest.mark.browser
def test_single_sign_on_in_chromium_lands_in_ones_own_scope(browser_session, sso):
    from keyprojects.orgs.demo import seed_orgs

    seed_orgs()
    httpx.put(f"{sso}/users/u-3003", json={"preferred_username": "yancheng"}).raise_for_status()
    page = browser_session.new_page()
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())  # the provider's stylesheet
    page.goto("/login/")
    browser_session.shot(page, "sign-in-page-with-sso")
    page.get_by_role("link", name="单点登录（一号多用）").click()
    page.wait_for_url(f"{sso}/oauth2/authorize**")
    page.fill("input[name=sub]", "u-3003")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{browser_session.url}/")
    assert "郾城区" in page.get_by_test_id("scope").inner_text()
    browser_session.shot(page, "signed-in-through-sso")
