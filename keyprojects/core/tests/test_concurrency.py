"""No lost updates: two people who read the same record and save at the same moment cannot both
win. The version check runs under the row lock in the transaction that saves (forms and API alike);
the racing tests use real threads, each with its own connection, against PostgreSQL (SQLite takes
one writer at a time, so there is no race to lose there)."""

import threading
from functools import partial

import pytest
from django.db import connection, connections
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from keyprojects.core.testing.cases import etag
from keyprojects.orgs.models import Contact

ROUNDS = 5


def race(*calls):
    """Run the calls at the same instant in threads of their own; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connections.close_all()  # this thread's connection, not the test's

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def contact(regions):
    return Contact.objects.create(name="王主任", post="科长", region=regions["郾城区"])


def form_data(client, pk, post):
    form = client.get(f"/orgs/contacts/{pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    return {**data, "post": post}


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time: no race to lose"
)


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_racing_form_saves_one_is_refused_and_nothing_is_lost(users, regions):
    for round_ in range(ROUNDS):
        obj = contact(regions)
        first, second = Client(), Client()
        first.force_login(users["county_a"])
        second.force_login(users["city_admin"])
        url = f"/orgs/contacts/{obj.pk}/edit/"
        data = form_data(first, obj.pk, f"甲{round_}"), form_data(second, obj.pk, f"乙{round_}")
        responses = race(partial(first.post, url, data[0]), partial(second.post, url, data[1]))
        codes = sorted(r.status_code for r in responses)
        assert codes == [302, 400], f"round {round_}: {codes}"
        refused = next(r for r in responses if r.status_code == 400)
        assert "他人修改" in refused.content.decode()
        saved = next(d for d, r in zip(data, responses, strict=True) if r.status_code == 302)
        assert Contact.objects.get(pk=obj.pk).post == saved["post"]


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_racing_api_writes_one_answers_412(users, regions):
    clients = []
    for key in ("county_a", "city_admin"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=users[key])[0].key}")
        clients.append(client)
    for round_ in range(ROUNDS):
        obj = contact(regions)
        url = f"/api/orgs/contacts/{obj.pk}/"
        tags = [client.get(url)["ETag"] for client in clients]
        responses = race(
            *(
                partial(client.patch, url, {"post": f"{i}-{round_}"}, format="json", HTTP_IF_MATCH=tag)
                for i, (client, tag) in enumerate(zip(clients, tags, strict=True))
            )
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 412], f"round {round_}: {codes}"
        winner = next(r for r in responses if r.status_code == 200)
        assert Contact.objects.get(pk=obj.pk).post == winner.json()["post"]


@pytest.mark.django_db
def test_api_write_without_a_version_answers_428_in_the_callers_language(api_for, regions):
    obj = contact(regions)
    url = f"/api/orgs/contacts/{obj.pk}/"
    api = api_for("county_a")
    english = api.patch(url, {"post": "处长"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 428 and "If-Match" in english.json()["detail"]
    chinese = api.put(url, {"name": "王主任", "region": regions["郾城区"].pk}, format="json")
    assert chinese.status_code == 428 and "版本" in chinese.json()["detail"]
    assert Contact.objects.get(pk=obj.pk).post == "科长"
    # The version in the body does as well as If-Match; `If-Match: *` overwrites knowingly.
    read = api.get(url).json()
    assert api.patch(url, {"post": "处长", "version": read["version"]}, format="json").status_code == 200
    assert api.patch(url, {"post": "局长"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert api.patch(url, {"post": "旧"}, format="json", HTTP_IF_MATCH=f'"{read["version"]}"').status_code == 412
    assert Contact.objects.get(pk=obj.pk).post == "局长"
    # A body that is no JSON object is a 400, not a 500.
    assert api.patch(url, ["post"], format="json", HTTP_IF_MATCH=etag(obj)).status_code == 400


@pytest.mark.django_db
def test_form_save_against_a_newer_row_is_refused(client_for, regions):
    obj = contact(regions)
    client = client_for("county_a")
    stale = form_data(client, obj.pk, "甲")
    assert client.post(f"/orgs/contacts/{obj.pk}/edit/", form_data(client, obj.pk, "乙")).status_code == 302
    refused = client.post(f"/orgs/contacts/{obj.pk}/edit/", stale)
    assert refused.status_code == 400 and "他人修改" in refused.content.decode()
    assert Contact.objects.get(pk=obj.pk).post == "乙"
