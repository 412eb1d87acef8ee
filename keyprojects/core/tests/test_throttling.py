"""Honest throttling: the client's address is the connection's (or the trusted proxy's), never
a header the client wrote; the token endpoint and the sign-in page are limited per address and
per username; nobody can lock someone else out from another address; production refuses to
start without SECRET_KEY."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from keyprojects.core.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def token(client, username, password="wrong-password", **extra):
    return client.post("/api/auth/token/", {"username": username, "password": password}, format="json", **extra)


def test_a_rotating_x_forwarded_for_does_not_reset_the_token_throttle(users):
    client = APIClient()
    statuses = [
        token(client, f"user{i}", HTTP_X_FORWARDED_FOR=f"10.0.{i}.{i}").status_code for i in range(12)
    ]  # many usernames, one real address, a new forged header each time
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    # The client forges a first entry; nginx appends the address it really saw.
    for i in range(10):
        assert token(client, f"user{i}", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.7").status_code == 400
    assert token(client, "user99", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7").status_code == 429
    assert token(client, "user99", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 400  # another client


def test_one_username_guessed_from_many_addresses_is_throttled_and_the_right_password_works_later(users):
    client = APIClient()
    statuses = [token(client, "county_a", REMOTE_ADDR=f"198.51.100.{i}").status_code for i in range(7)]
    assert statuses == [400] * 5 + [429, 429]
    cache.clear()  # the minute passed
    assert token(client, "county_a", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 200


def sign_in(client, username, password="wrong-password", address="192.0.2.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_address_spraying_usernames_on_the_sign_in_page_is_stopped(users, settings):
    settings.SIGN_IN_ADDRESS_LIMIT = 6
    client = Client()
    for i in range(6):
        assert sign_in(client, f"nobody{i}").status_code == 200
    refused = sign_in(client, "county_b", PASSWORD)
    assert refused.status_code == 429 and "登录失败次数过多" in refused.content.decode()
    assert sign_in(Client(), "county_b", PASSWORD, address="192.0.2.200").status_code == 302  # elsewhere: fine


def test_nobody_can_lock_a_user_out_of_their_own_browser_from_another_address(users, settings):
    settings.SIGN_IN_USERNAME_LIMIT = 8
    own = Client()
    assert sign_in(own, "county_a", PASSWORD, address="192.0.2.10").status_code == 302  # remembers this browser
    own.post("/logout/")
    # An attacker tries the password from many addresses: no lockout reaches the user's address,
    # and the per-username limit stops the attacker…
    attacker = Client()
    for i in range(settings.SIGN_IN_USERNAME_LIMIT + settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "county_a", address=f"203.0.113.{i}")
    assert sign_in(attacker, "county_a", PASSWORD, address="203.0.113.250").status_code == 429
    assert sign_in(Client(), "county_a", PASSWORD, address="192.0.2.11").status_code == 429  # a new browser too
    # …but the user's own browser still signs in.
    assert sign_in(own, "county_a", PASSWORD, address="192.0.2.10").status_code == 302


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(KEYPROJECTS_PRODUCTION="1", KEYPROJECTS_VAR=str(tmp_path), ALLOWED_HOSTS="kp.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr
    assert not (tmp_path / "secret_key").exists()
