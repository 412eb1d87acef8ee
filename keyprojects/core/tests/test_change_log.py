"""The change log records every write, whatever the path (page, API, importer, command,
bulk query), with who, which request or job, and before/after of only the changed fields."""

import json

import pytest
from django.core.management import call_command

from keyprojects.core.context import acting
from keyprojects.core.models import COPY_FROM, ObjectChange
from keyprojects.core.testing.cases import upload, xlsx_bytes
from keyprojects.orgs.models import Contact, Department, User

pytestmark = pytest.mark.django_db


def log(obj):
    return list(ObjectChange.for_object(obj).order_by("pk"))


@pytest.fixture
def contact(regions):
    with acting(None, "fixture"):
        return Contact.objects.create(name="赵磊", post="专员", phone="13900000001", region=regions["郾城区"])


# --- pages -------------------------------------------------------------------------------


def test_page_create_update_archive_log_the_signed_in_user_and_only_changed_fields(client_for, users, regions):
    client = client_for("county_a")
    data = {"name": "钱进", "post": "项目专员", "phone": "0395-1234567", "region": regions["郾城区"].pk}
    assert client.post("/orgs/contacts/add/", data).status_code == 302
    obj = Contact.objects.get(name="钱进")
    form = client.get(f"/orgs/contacts/{obj.pk}/edit/").context["form"]
    edited = {**data, "post": "科长", "loaded_version": form.initial["loaded_version"]}
    assert client.post(f"/orgs/contacts/{obj.pk}/edit/", edited).status_code == 302
    assert client.post(f"/orgs/contacts/{obj.pk}/archive/").status_code == 302

    create, update, archive = log(obj)
    assert [c.action for c in (create, update, archive)] == ["create", "update", "archive"]
    assert {c.user for c in (create, update, archive)} == {users["county_a"]}
    assert {c.actor for c in (create, update, archive)} == {"county_a"}
    assert create.changes["name"] == [None, "钱进"] and create.changes["region_id"] == [None, regions["郾城区"].pk]
    assert update.changes == {"post": ["项目专员", "科长"]}
    assert list(archive.changes) == ["archived_at"] and archive.changes["archived_at"][0] is None
    assert len({c.request_id for c in (create, update, archive)}) == 3  # one per request


def test_request_id_header_is_the_logged_request_id(client_for, regions):
    data = {"name": "带编号", "region": regions["郾城区"].pk}
    response = client_for("county_a").post("/orgs/contacts/add/", data, HTTP_X_REQUEST_ID="req-abc-123")
    assert response["X-Request-ID"] == "req-abc-123"
    assert log(Contact.objects.get(name="带编号"))[0].request_id == "req-abc-123"


def test_saving_unchanged_form_logs_nothing(client_for, contact, regions):
    client = client_for("county_a")
    form = client.get(f"/orgs/contacts/{contact.pk}/edit/").context["form"]
    data = {
        "name": contact.name,
        "post": contact.post,
        "phone": contact.phone,
        "region": regions["郾城区"].pk,
        "loaded_version": form.initial["loaded_version"],
    }
    assert client.post(f"/orgs/contacts/{contact.pk}/edit/", data).status_code == 302
    assert [c.action for c in log(contact)] == ["create"]


# --- API ---------------------------------------------------------------------------------


def test_api_writes_log_the_token_user_not_system(api_for, users, regions):
    api = api_for("county_a")
    response = api.post("/api/orgs/contacts/", {"name": "接口", "region": regions["郾城区"].pk}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api.patch(f"/api/orgs/contacts/{pk}/", {"post": "主任"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert api.delete(f"/api/orgs/contacts/{pk}/").status_code == 204

    obj = Contact.objects.get(pk=pk)  # DELETE archives, the row stays
    assert obj.is_archived
    create, update, archive = log(obj)
    assert [c.action for c in (create, update, archive)] == ["create", "update", "archive"]
    assert {(c.user, c.actor) for c in (create, update, archive)} == {(users["county_a"], "county_a")}
    assert update.changes == {"post": ["", "主任"]}


# --- importer, commands, bulk writes ---------------------------------------------------


def test_import_logs_the_jobs_user_with_the_job_id_as_request_id(client_for, users, run_jobs):
    client = client_for("county_a")
    rows = [["姓名", "联系电话", "所属区域"], ["导入甲", "13900000011", "郾城区"]]
    with run_jobs():
        preview = client.post("/orgs/contacts/import/", {"file": upload("a.xlsx", xlsx_bytes(rows))})
    with run_jobs():
        committed = client.post(preview.url)
    job = client.get(committed.url).context["job"]
    assert job.result["committed"] is True
    (change,) = log(Contact.objects.get(name="导入甲"))
    assert (change.user, change.actor, change.request_id) == (users["county_a"], "county_a", f"job-{job.pk}")


def test_seed_demo_command_logs_system_as_actor(regions):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    department = Department.objects.get(short_name="市发改委")
    (change,) = log(department)
    assert (change.user, change.actor, change.action) == (None, "system", "create")
    assert change.request_id == "seed_demo"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - idempotent: no new rows
    assert len(log(department)) == 1


def test_write_outside_any_request_is_logged_as_system():
    department = Department.objects.create(name="无请求", region_id=1)
    (change,) = log(department)
    assert change.actor == "system" and change.user is None and change.request_id.startswith("sys-")


def test_bulk_create_logs_each_row(users, regions):
    with acting(users["city_admin"], "bulk-1"):
        made = Contact.objects.bulk_create(
            [Contact(name=f"批量{i}", phone=f"1390000002{i}", region=regions["郾城区"]) for i in range(3)]
        )
    for obj in made:
        (change,) = log(obj)
        assert (change.action, change.actor, change.request_id) == ("create", "city_admin", "bulk-1")
        assert change.changes["name"] == [None, obj.name]


def test_a_large_bulk_write_logs_each_row_the_same_way(users, regions):
    """From COPY_FROM rows PostgreSQL writes the rows and their log by COPY: both read the same."""
    count = COPY_FROM + 5
    with acting(users["city_admin"], "bulk-large"):
        made = Contact.objects.bulk_create(
            [
                Contact(name=f"导入联系人{i}", post="科长", phone=f"1390100{i:04d}", region=regions["郾城区"])
                for i in range(count)
            ]
        )
    changes = ObjectChange.objects.filter(request_id="bulk-large")
    assert changes.count() == count
    stored = Contact.objects.get(pk=made[-1].pk)
    assert (stored.name, stored.region, stored.created is not None) == (made[-1].name, regions["郾城区"], True)
    for obj in (made[0], made[-1]):
        (change,) = log(obj)
        assert (change.action, change.user, change.actor) == ("create", users["city_admin"], "city_admin")
        assert change.changes["name"] == [None, obj.name] and change.changes["post"] == [None, "科长"]
        assert change.object_repr == str(obj) and change.time is not None


def test_bulk_update_logs_only_the_fields_that_changed(users, regions, contact):
    other = Contact.objects.create(name="孙丽", post="科长", phone="13900000002", region=regions["郾城区"])
    objs = list(Contact.objects.filter(pk__in=[contact.pk, other.pk]).order_by("pk"))
    objs[0].post = "科长"  # changed
    objs[1].post = "科长"  # unchanged
    with acting(users["city_admin"], "bulk-2"):
        assert Contact.objects.bulk_update(objs, ["post", "phone"]) == 2
    assert [(c.action, c.changes) for c in log(contact)][1:] == [("update", {"post": ["专员", "科长"]})]  # once
    assert [c.action for c in log(other)] == ["create"]


def test_bulk_update_after_bulk_create_logs_the_true_before(users, regions):
    (obj,) = Contact.objects.bulk_create([Contact(name="先建", post="甲", region=regions["郾城区"])])
    obj.post = "乙"
    Contact.objects.bulk_update([obj], ["name", "post"])
    assert log(obj)[-1].changes == {"post": ["甲", "乙"]}


def test_queryset_update_logs_only_rows_and_fields_that_changed(users, regions, contact):
    other = Contact.objects.create(name="孙丽", post="科长", phone="13900000002", region=regions["郾城区"])
    with acting(users["city_admin"], "upd-1"):
        assert Contact.objects.filter(pk__in=[contact.pk, other.pk]).update(post="科长") == 2
    last = log(contact)[-1]
    assert (last.action, last.actor, last.request_id, last.changes) == (
        "update",
        "city_admin",
        "upd-1",
        {"post": ["专员", "科长"]},
    )
    assert [c.action for c in log(other)] == ["create"]  # its value did not change


def test_passwords_never_appear_in_the_log(regions):
    user = User.objects.create_user("pw_user", password="first-secret-pass-1")
    user.set_password("second-secret-pass-2")
    user.save()
    User.objects.filter(pk=user.pk).update(password="raw-hash-value")
    changes = log(user)
    assert len(changes) == 3
    dumped = json.dumps([c.changes for c in changes])
    assert "pbkdf2" not in dumped and "md5$" not in dumped and "raw-hash-value" not in dumped
    assert all(c.changes["password"] == ["***", "***"] for c in changes)


def test_deleting_a_base_model_raises_and_archiving_is_the_way(contact):
    with pytest.raises(TypeError):
        contact.delete()
    with pytest.raises(TypeError):
        Contact.objects.filter(pk=contact.pk).delete()
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- the global log page ----------------------------------------------------------------


def test_auditor_reads_the_global_log_with_filters(client_for, users, regions, contact):
    client_for("county_a").post("/orgs/contacts/add/", {"name": "县里加的", "region": regions["郾城区"].pk})
    auditor = client_for("auditor")
    page = auditor.get("/core/changes/")
    assert page.status_code == 200
    shown = {c.object_repr for c in page.context["page"].object_list}
    assert {"县里加的", "赵磊（专员）"} <= shown
    by_actor = {
        (c.action, c.object_repr) for c in auditor.get("/core/changes/?actor=county_a").context["page"].object_list
    }
    assert by_actor == {("create", "县里加的"), ("login", "county_a")}  # her sign-in is in the log too
    created = auditor.get("/core/changes/?action=archive").context["page"].object_list
    assert len(created) == 0
    assert auditor.get("/core/changes/?action=bogus").status_code == 200  # bad filter input, no 500
    assert auditor.get("/core/changes/?since=not-a-date").status_code == 200


@pytest.mark.parametrize(("role", "status"), [("county_a", 403), ("department", 403), ("city_admin", 200)])
def test_only_city_wide_roles_read_the_global_log(client_for, role, status):
    assert client_for(role).get("/core/changes/").status_code == status


def test_anonymous_is_sent_to_sign_in_from_the_global_log(client):
    response = client.get("/core/changes/")
    assert response.status_code == 302 and "/login/" in response.url


def test_a_bulk_update_of_rows_whose_name_reads_a_relation_is_logged_by_copy(users):
    """On PostgreSQL 100 rows or more are logged by COPY; a report's name reads its project, and
    the connection can run no query while COPY is open: the names are read before it opens."""
    from datetime import date
    from decimal import Decimal

    from keyprojects.projects.models import ProgressReport
    from keyprojects.projects.tests.factories import make_project

    project = make_project(by=users["county_a"])
    reports = ProgressReport.objects.bulk_create(
        [
            ProgressReport(project=project, month=date(2000 + n // 12, n % 12 + 1, 1), investment=Decimal(1))
            for n in range(120)
        ]
    )
    ProgressReport.objects.bulk_update(
        [ProgressReport(pk=r.pk, physical_progress="主体施工") for r in reports], ["physical_progress"]
    )
    logged = ObjectChange.objects.filter(action="update", changes__has_key="physical_progress")
    assert logged.count() == 120 and logged.first().object_repr.startswith(project.name)


# --- many-to-many fields -----------------------------------------------------------------


def test_a_many_to_many_change_is_logged_on_the_record_whichever_side_writes_it(users, regions):
    """core/m2m.py: a project's tags change through the project, through the tag, or many at once."""
    from keyprojects.core.m2m import add_links
    from keyprojects.projects.models import Project, Tag

    one = Project.objects.create(name="甲 新材料项目", region=regions["郾城区"], total_investment=50000)
    two = Project.objects.create(name="乙 食品项目", region=regions["郾城区"], total_investment=8000)
    emerging, private = (Tag.objects.get_or_create(name=name)[0] for name in ("战略性新兴产业", "民间投资"))

    def tags_logged(project):
        return [(c.actor, c.changes["tags"]) for c in log(project) if "tags" in c.changes]

    with acting(users["city_admin"], "m2m-1"):
        one.tags.set([emerging, private])
        one.tags.set([private, emerging])  # the same set: nothing to log
    assert tags_logged(one) == [("city_admin", [[], sorted([emerging.pk, private.pk])])]
    private.projects.add(two)  # from the tag's side: logged on the project
    private.projects.clear()  # every project that had it
    assert tags_logged(two) == [("system", [[], [private.pk]]), ("system", [[private.pk], []])]
    assert tags_logged(one)[-1] == ("system", [sorted([emerging.pk, private.pk]), [emerging.pk]])
    add_links(Project, "tags", [(one.pk, private.pk), (two.pk, emerging.pk)])  # a seed's many links at once
    assert tags_logged(one)[-1][1] == [[emerging.pk], sorted([emerging.pk, private.pk])]
    assert tags_logged(two)[-1][1] == [[], [emerging.pk]]
