"""An audit trail an auditor can trust: sign-ins, failed sign-ins, sign-outs and API tokens are in
the change log beside the records' changes, the log is append-only and hash-chained, and
`verify_audit_chain` names the first entry that was changed, removed or inserted afterwards."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from keyprojects.core.context import acting
from keyprojects.core.models import ObjectChange
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.orgs.models import Contact, Membership

pytestmark = pytest.mark.django_db


def verify():
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def contacts(regions, n=3):
    with acting(None):
        return [Contact.objects.create(name=f"联系人{i}", region=regions["郾城区"]) for i in range(n)]


def test_every_entry_carries_the_hash_of_the_one_before(regions):
    contacts(regions)
    entries = list(ObjectChange.objects.order_by("pk"))
    assert len(entries) >= 3
    assert all(e.hash and len(e.hash) == 64 for e in entries)
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))
    assert "intact" in verify()


def test_a_changed_entry_is_named_by_the_check(regions):
    contacts(regions)
    middle = ObjectChange.objects.order_by("pk")[1]
    ObjectChange._base_manager.filter(pk=middle.pk).update(object_repr="改过的记录")  # behind the app's back
    with pytest.raises(CommandError, match=f"broken at entry {middle.pk}: its content does not match"):
        verify()


def test_a_removed_entry_breaks_the_chain_at_the_next_one_and_at_the_end(regions):
    contacts(regions, 4)
    first, second, third, _last = ObjectChange.objects.order_by("-pk")[:4][::-1]
    ObjectChange._base_manager.filter(pk=second.pk).delete()
    with pytest.raises(CommandError, match=f"broken at entry {third.pk}: its previous hash"):
        verify()
    ObjectChange._base_manager.filter(pk__gt=first.pk).delete()
    with pytest.raises(CommandError, match="broken at the end of the log"):
        verify()


def test_the_application_cannot_change_or_delete_the_log(regions):
    contacts(regions, 1)
    entry = ObjectChange.objects.first()
    for attempt in (
        lambda: ObjectChange.objects.filter(pk=entry.pk).update(actor="x"),
        lambda: ObjectChange.objects.filter(pk=entry.pk).delete(),
        entry.delete,
        entry.save,
    ):
        with pytest.raises(TypeError):
            attempt()
    assert "intact" in verify()


def test_sign_ins_failures_sign_outs_and_tokens_are_logged_with_the_address(users):
    client = Client(REMOTE_ADDR="192.0.2.7")
    client.post("/login/", {"username": "county_a", "password": "wrong-password"})
    client.post("/login/", {"username": "nobody", "password": "wrong-password"})
    client.post("/login/", {"username": "county_a", "password": PASSWORD})
    client.post("/logout/")
    APIClient().post("/api/auth/token/", {"username": "county_b", "password": PASSWORD}, format="json")
    logged = list(
        ObjectChange.objects.filter(action__in=["login", "login_fail", "logout", "token"])
        .order_by("pk")
        .values_list("action", "actor", "user_id")
    )
    a, b = users["county_a"].pk, users["county_b"].pk
    assert logged == [
        ("login_fail", "county_a", a),
        ("login_fail", "nobody", None),
        ("login", "county_a", a),
        ("logout", "county_a", a),
        ("token", "county_b", b),
    ]
    sign_in = ObjectChange.objects.get(action="login")
    assert sign_in.changes["address"] == "192.0.2.7"
    assert "intact" in verify()


def test_permission_changes_are_in_the_chained_log(users, regions):
    with acting(users["city_admin"]):
        Membership.objects.create(user=users["leader"], role="region_staff", region=regions["郾城区"])
    entry = ObjectChange.objects.filter(content_type__model="membership").latest("pk")
    assert entry.actor == "city_admin" and entry.action == "create"
    assert "intact" in verify()
