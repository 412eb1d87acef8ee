"""Fixtures every app's tests share: one user per role (the columns of the scoping matrix),
clients signed in as them, and on-commit callbacks run at once so jobs finish in the test."""

import pytest
from django.test import Client

from keyprojects.core.access import Role

PASSWORD = "test-pass-12345"

# The matrix columns: role key -> (Role, scope kind, scope value)
ROLE_USERS = {
    "city_admin": (Role.CITY_ADMIN, None, None),
    "county_a": (Role.REGION_STAFF, "region", "郾城区"),
    "county_b": (Role.REGION_STAFF, "region", "舞阳县"),
    "department": (Role.DEPARTMENT_STAFF, "department", "自然资源和规划局"),
    "office": (Role.OFFICE_STAFF, "office", "coordination"),
    "leader": (Role.LEADER, None, None),
    "service_officer": (Role.SERVICE_OFFICER, None, None),
    "dispatcher": (Role.DISPATCHER, None, None),
    "enterprise": (Role.ENTERPRISE, None, None),
    "auditor": (Role.AUDITOR, None, None),
}


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (cached figures, throttling counters)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def regions(db):
    from keyprojects.orgs.models import Region

    return {r.name: r for r in Region.objects.all()}


@pytest.fixture
def department(db, regions):
    from keyprojects.orgs.models import Department

    return Department.objects.get_or_create(region=regions["漯河市"], name="自然资源和规划局")[0]


@pytest.fixture
def users(db, regions, department):
    from keyprojects.orgs.models import Membership, Office, User

    result = {}
    for key, (role, kind, value) in ROLE_USERS.items():
        user = User.objects.create_user(key, password=PASSWORD, first_name=key)
        scope = {}
        if kind == "region":
            scope["region"] = regions[value]
        elif kind == "department":
            scope["department"] = department
        elif kind == "office":
            scope["office"] = Office.objects.get(kind=value)
        Membership.objects.create(user=user, role=role, **scope)
        result[key] = user
    return result


@pytest.fixture
def client_for(users):
    """client_for("county_a") -> a Client signed in as that role; None -> anonymous."""

    def make(key):
        client = Client()
        if key and key != "anonymous":
            client.force_login(users[key])
        return client

    return make


@pytest.fixture
def api_for(users):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(key):
        client = APIClient()
        if key and key != "anonymous":
            token, _ = Token.objects.get_or_create(user=users[key])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """`with run_jobs(): client.post(...)`: the queued job runs (immediate backend) on exit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
