"""The loop around the county tells people what to do: a stage request reaches the county's
staff and its decision the requester; a missing monthly report reminds its filers once a month
however often the daily job runs."""

from datetime import date

import pytest
from django.utils import translation

from keyprojects.core.notifications import Notification, render
from keyprojects.core.schedule import FREQUENT, JOBS
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects import services
from keyprojects.projects.choices import Stage

from .factories import make_project, start_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(users, regions):
    owner = Enterprise.objects.create(
        name="提醒企业有限公司", credit_code="91411100MA9XXXXX1K", region=regions["郾城区"]
    )
    owner.users.add(users["enterprise"])
    return make_project(owner=owner.pk, service_officer=users["service_officer"].pk, by=users["county_a"])


def texts(user):
    with translation.override("zh-hans"):
        return [render(n) for n in Notification.objects.filter(recipient=user).order_by("pk")]


def test_a_stage_request_reaches_the_county_and_its_decision_the_enterprise(users, owned):
    request = services.request_stage(owned, by=users["enterprise"], to=Stage.SIGNED, on=date(2024, 3, 1))
    assert texts(users["county_a"]) == [f"enterprise申请将“{owned.name}”变更为“签约”：请核实佐证材料后确认。"]
    assert texts(users["county_b"]) == []
    services.reject_stage_request(request, by=users["county_a"], reason="缺少签约合同")
    assert texts(users["enterprise"])[-1] == f"您申请将“{owned.name}”变更为“签约”，已被 county_a 驳回：缺少签约合同"


def test_late_reports_remind_their_filers_once_a_month(users, owned):
    started = start_project(owned, by=users["county_a"], on=date(2024, 3, 1))
    assert services.remind_late_filers(date(2024, 5, 10)) == 2  # the enterprise user and the officer
    assert services.remind_late_filers(date(2024, 5, 11)) == 0  # the same month: told already
    assert "逾期" not in "".join(texts(users["county_a"]))
    assert (
        texts(users["enterprise"])[0]
        == f"“{owned.name}”2024-04 的月度进度应于 2024-05-05 前报送，目前尚未报送，请尽快填报。"
    )
    assert services.remind_late_filers(date(2024, 6, 10)) == 2  # the next month is a new reminder
    assert started.stage == Stage.STARTED


def test_the_loops_jobs_are_scheduled():
    assert {"projects.refresh_lights", "projects.remind_late_reports", "core.daily_digest"} <= set(JOBS)
    assert any(fn.__name__ == "retry_webhooks" for fn in FREQUENT)
