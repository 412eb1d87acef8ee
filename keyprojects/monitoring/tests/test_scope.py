"""Each role's scope over cameras, snapshots and findings (API and pages), and the dispatch
list's query count, which does not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyprojects.enterprises.models import Enterprise

from .. import services
from ..models import Inspection
from ..synthetic import site_image
from .factories import camera, site

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(users, regions):
    owner = Enterprise.objects.create(
        name="范围企业有限公司", credit_code="91411100MA9SCOPE1K", region=regions["郾城区"]
    )
    owner.users.add(users["enterprise"])
    ours = site("郾城区范围项目", owner=owner.pk, by=users["county_a"])
    theirs = site("舞阳县范围项目", "舞阳县", by=users["county_b"])
    for project in (ours, theirs):
        cam = camera(project, by=users["city_admin"], source="push", password="cam-pass-123")
        services.store_snapshot(cam, site_image(1, grain=1), taken_at=timezone.now())
        services.record_inspection(Inspection(project=project, finding="working"), by=users["dispatcher"])
    return ours, theirs


# role -> (cameras, snapshots, findings) the API lists
SEEN = {
    "city_admin": (2, 2, 2),
    "county_a": (1, 1, 1),
    "county_b": (1, 1, 1),
    "dispatcher": (2, 2, 2),
    "auditor": (2, 2, 2),
    "enterprise": (0, 1, 1),  # its own site's snapshots and findings, never the cameras
}


@pytest.mark.parametrize("role", SEEN)
def test_each_role_lists_the_cameras_snapshots_and_findings_of_its_scope(sites, api_for, role):
    api = api_for(role)
    counts = tuple(
        api.get(f"/api/monitoring/{name}/").json()["count"] for name in ("cameras", "snapshots", "inspections")
    )
    assert counts == SEEN[role]
    assert "cam-pass-123" not in str(api.get("/api/monitoring/cameras/").json())


def test_out_of_scope_snapshot_and_camera_answer_404(sites, client_for):
    ours, theirs = sites
    snapshot = theirs.cameras.get().snapshots.get()
    client = client_for("county_a")
    assert client.get(f"/monitoring/snapshots/{snapshot.pk}/thumbnail.jpg").status_code == 404
    assert client.get(f"/monitoring/cameras/{theirs.cameras.get().pk}/").status_code == 404
    own = ours.cameras.get().snapshots.get()
    answer = client.get(f"/monitoring/snapshots/{own.pk}/thumbnail.jpg")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"


def test_the_dispatcher_cannot_record_a_finding_outside_a_regional_dispatchers_scope(sites, users, client_for):
    from keyprojects.orgs.models import Membership

    ours, theirs = sites
    Membership.objects.filter(user=users["dispatcher"]).update(region=ours.region)
    answer = client_for("dispatcher").post(
        "/monitoring/dispatch/record/", {"project": theirs.pk, "finding": "hazard", "back": "/monitoring/dispatch/"}
    )
    assert answer.status_code == 302
    assert Inspection.objects.get(project=theirs).finding == "working"  # unchanged


def test_the_dispatch_list_costs_the_same_queries_for_more_sites(users, client_for):
    client = client_for("dispatcher")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/monitoring/dispatch/").status_code == 200
        return len(captured)

    for n in range(2):
        project = site(f"查询项目{n}", by=users["county_a"])
        services.store_snapshot(camera(project, by=users["county_a"], source="push"), site_image(n, grain=n))
    few = queries()
    for n in range(2, 7):
        project = site(f"查询项目{n}", by=users["county_a"])
        services.store_snapshot(camera(project, by=users["county_a"], source="push"), site_image(n, grain=n))
    assert queries() == few


def test_the_page_figures_in_sql_match_the_orm_ones(users):
    """dispatch._page_figures is hand-written SQL for speed; it must say what the ORM's
    subqueries (`_figures`, used by the list's filters) say, figure for figure."""
    import datetime

    from keyprojects.projects.models import Project

    from .. import dispatch
    from ..choices import Health
    from ..models import Camera

    today = timezone.localdate()
    now = timezone.now()
    busy, quiet = site("郾城区对照项目", by=users["county_a"]), site("郾城区空白项目", by=users["county_a"])
    first = camera(busy, by=users["county_a"], source="push")
    camera(busy, by=users["county_a"], source="push", name="2号")
    for back, step in ((1, 1), (1, 2), (0, 3), (0, 4)):
        at = now - datetime.timedelta(days=back, minutes=step)
        services.store_snapshot(Camera.objects.get(pk=first.pk), site_image(step, grain=step), taken_at=at)
    services.refresh_activity(today - datetime.timedelta(days=1))
    services.refresh_activity(today)
    Camera.objects.filter(pk=first.pk).update(health=Health.OFFLINE, stale=True)  # gone since
    finding = services.record_inspection(Inspection(project=busy, finding="hazard"), by=users["dispatcher"])
    services.raise_from_inspection(finding, by=users["dispatcher"])
    ids = [busy.pk, quiet.pk]
    orm = dispatch._figures(today)
    expected = {row.pop("pk"): row for row in Project.objects.filter(pk__in=ids).annotate(**orm).values("pk", *orm)}
    found = dispatch._page_figures(ids, today)
    assert found == expected
    busy_figures = found[busy.pk]
    assert busy_figures["n_cameras"] == 2 and busy_figures["n_offline"] == 1 and busy_figures["open_problems"] == 1
    assert found[busy.pk]["today_pk"] and found[busy.pk]["yesterday_pk"] and found[busy.pk]["finding"] == "hazard"
    assert found[quiet.pk]["n_cameras"] == 0 and found[quiet.pk]["today_pk"] is None


def test_the_dispatch_list_shows_a_snapshot_at_its_local_time(users, regions):
    """Beijing time, as the camera took it: 09:10 on the list, not the UTC 01:10 it is stored as."""
    project = site("郾城区时刻项目", by=users["county_a"])
    cam = camera(project, by=users["city_admin"], source="push")
    taken = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    services.store_snapshot(cam, site_image(1, grain=1), taken_at=taken.replace(hour=9, minute=10))
    from django.test import Client

    client = Client()
    client.force_login(users["dispatcher"])
    page = client.get("/monitoring/dispatch/").content.decode()
    assert f"{timezone.localdate():%m-%d} 09:10" in page and "01:10" not in page
