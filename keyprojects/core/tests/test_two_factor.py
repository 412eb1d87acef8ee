"""Administrators sign in with a second factor: the first time they set up an authenticator app
(and get ten recovery codes, shown once), every time after they enter its code; other roles do
not; a recovery code works once."""

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from keyprojects.core.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.ADMIN_SECOND_FACTOR = True
    # django-otp makes each failure cost a growing wait (1 s, 2 s …): a test does not wait.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


def signed_in(username):
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def code_of(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_an_administrator_sets_up_the_app_then_needs_its_code_at_every_sign_in(users):
    client = signed_in("city_admin")
    page = client.get("/projects/projects/")
    assert page.status_code == 302 and page.url.startswith("/core/account/two-factor/")
    setup = client.get(page.url)
    assert "<svg" in setup.content.decode() and setup.context["secret"]
    wrong = client.post("/core/account/two-factor/", {"code": "000000", "next": "/projects/projects/"})
    assert wrong.status_code == 200 and wrong.context["error"]
    device = TOTPDevice.objects.get(user=users["city_admin"])
    done = client.post("/core/account/two-factor/", {"code": code_of(device), "next": "/projects/projects/"})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]+", c) for c in codes)
    assert client.get("/projects/projects/").status_code == 200

    again = signed_in("city_admin")  # another sign-in: the code, not the set-up
    assert again.get("/").status_code == 302
    verify = again.get("/core/account/two-factor/")
    assert verify.context["mode"] == "verify" and "<svg" not in verify.content.decode()
    assert again.post("/core/account/two-factor/", {"code": codes[0], "next": "/"}).status_code == 302
    assert again.get("/").status_code == 200
    # A recovery code works once.
    third = signed_in("city_admin")
    assert third.post("/core/account/two-factor/", {"code": codes[0], "next": "/"}).status_code == 200
    assert third.get("/").status_code == 302


def test_auditors_need_it_and_county_officers_do_not(users):
    assert signed_in("auditor").get("/").status_code == 302
    assert signed_in("county_a").get("/").status_code == 200


def test_sign_out_and_the_api_are_not_held_back(users):
    from rest_framework.test import APIClient

    client = signed_in("city_admin")
    assert client.post("/logout/").status_code == 302
    token = APIClient().post("/api/auth/token/", {"username": "city_admin", "password": PASSWORD}, format="json")
    assert token.status_code == 200
