"""Baselines and re-plans: baseline 1 frozen at first listing or on demand, a re-plan with its
reason, note and the county's approval, nothing overwriting a baseline, original against current
with the days slipped, and the slip reasons rolled up."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keyprojects.projects import baselines
from keyprojects.projects.choices import BaselineStatus, EventType, ReplanReason
from keyprojects.projects.models import Baseline, BaselineFrozen, ProjectEvent, ProjectList
from keyprojects.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def project(users):
    found = make_project(
        by=users["county_a"],
        planned_start_date="2025-03-01",
        planned_production_date="2026-03-01",
        planned_capacity_date="2026-12-01",
    )
    node = found.milestones.order_by("order").first()
    node.planned_date = date(2025, 1, 15)
    node.save()
    return found


def test_first_listing_freezes_baseline_1_with_the_plan(project, client_for):
    listed = ProjectList.objects.get_or_create(name="市重点")[0]
    answer = client_for("county_a").post(
        "/projects/list-memberships/add/", {"project": project.pk, "list": listed.pk, "start": "2025-01-01"}
    )
    assert answer.status_code == 302
    first = project.baselines.get()
    assert (first.number, first.reason, first.planned_production_date) == (1, "first", date(2026, 3, 1))
    assert first.total_investment == 50000
    assert first.nodes[0]["planned_date"] == "2025-01-15"
    with pytest.raises(ValidationError):
        baselines.freeze_baseline(project, by=project.baselines.get().proposed_by)  # not twice


def test_a_replan_needs_a_reason_and_a_note_and_changes_nothing_until_the_county_approves(project, users):
    with pytest.raises(ValidationError) as refused:
        baselines.propose_replan(
            project, by=users["enterprise"], reason="", note="", planned_production_date=date(2026, 9, 1)
        )
    assert set(refused.value.message_dict) == {"reason", "note"}
    assert not Baseline.objects.exists()

    replan = baselines.propose_replan(
        project,
        by=users["enterprise"],
        reason=ReplanReason.LAND,
        note="征地报批延后",
        planned_production_date=date(2026, 9, 28),
    )
    assert [b.number for b in project.baselines.all()] == [1, 2]  # the plan it replaces is frozen first
    assert replan.status == BaselineStatus.PROPOSED and replan.slip_days == 211
    project.refresh_from_db()
    assert project.planned_production_date == date(2026, 3, 1)  # not before the approval

    baselines.approve_replan(replan, by=users["county_a"], note="同意")
    project.refresh_from_db()
    assert project.planned_production_date == date(2026, 9, 28)
    event = ProjectEvent.objects.get(project=project, type=EventType.REPLANNED)
    assert "baseline 2" in event.sentence and "211 days" in event.sentence
    with pytest.raises(ValidationError):
        baselines.approve_replan(replan, by=users["county_a"])  # decided once


def test_nothing_overwrites_a_baseline(project, users, api_for):
    first = baselines.freeze_baseline(project, by=users["county_a"])
    first.planned_production_date = date(2030, 1, 1)
    with pytest.raises(BaselineFrozen):
        first.save()
    with pytest.raises(BaselineFrozen):
        Baseline.objects.filter(pk=first.pk).update(planned_production_date=date(2030, 1, 1))
    api = api_for("city_admin")
    assert api.patch(f"/api/projects/baselines/{first.pk}/", {"note": "x"}, format="json").status_code == 405
    assert api.put(f"/api/projects/baselines/{first.pk}/", {"note": "x"}, format="json").status_code == 405
    assert api.delete(f"/api/projects/baselines/{first.pk}/").status_code == 405
    first.refresh_from_db()
    assert first.planned_production_date == date(2026, 3, 1)


def test_replan_through_the_page_then_approval_shows_original_against_current(project, users, client_for):
    enterprise_view = client_for("county_a")
    refused = enterprise_view.post(f"/projects/projects/{project.pk}/replan/", {"note": "资金"})
    assert refused.status_code == 400
    done = enterprise_view.post(
        f"/projects/projects/{project.pk}/replan/",
        {"reason": "funding", "note": "银行贷款推迟", "planned_production_date": "2026-05-01"},
    )
    assert done.status_code == 302
    replan = project.baselines.get(number=2)
    assert client_for("enterprise").post(f"/projects/baselines/{replan.pk}/approve/", {}).status_code in (403, 404)
    assert client_for("county_a").post(f"/projects/baselines/{replan.pk}/approve/", {"note": "同意"}).status_code == 302
    page = client_for("county_a").get(f"/projects/projects/{project.pk}/")
    text = page.content.decode()
    assert 'data-testid="slip-days"' in text and "61 days slipped" in text
    assert "银行贷款推迟" in text


def test_slip_reasons_roll_up_by_reason_and_county(project, users):
    other = make_project(by=users["county_b"], region="舞阳县", name="舞阳项目", planned_production_date="2026-01-01")
    for target, reason, day in ((project, "land", date(2026, 4, 1)), (other, "land", date(2026, 3, 1))):
        baselines.approve_replan(
            baselines.propose_replan(
                target, by=users["city_admin"], reason=reason, note="征地", planned_production_date=day
            ),
            by=users["city_admin"],
        )
    again = baselines.propose_replan(
        project, by=users["city_admin"], reason="funding", note="资金", planned_production_date=date(2026, 5, 1)
    )
    baselines.approve_replan(again, by=users["city_admin"])
    by_reason = {row["key"]: row for row in baselines.slip_rollup(users["city_admin"], "reason")}
    assert (by_reason["land"]["replans"], by_reason["land"]["days"]) == (2, 31 + 59)
    assert (by_reason["funding"]["replans"], by_reason["funding"]["days"]) == (1, 30)
    county = {row["key"]: row for row in baselines.slip_rollup(users["county_a"], "region")}
    assert list(county) == ["郾城区"] and county["郾城区"]["days"] == 61


def test_the_daily_job_freezes_listed_projects_without_a_baseline(project, users):
    from keyprojects.projects.models import ListMembership

    ListMembership.objects.create(
        project=project, list=ProjectList.objects.get_or_create(name="市重点")[0], start=date(2025, 1, 1)
    )
    assert baselines.freeze_listed_baselines(date(2025, 6, 1)) == 1
    assert baselines.freeze_listed_baselines(date(2025, 6, 1)) == 0
    assert project.baselines.get().planned_start_date == date(2025, 3, 1)


def test_the_slips_page_rolls_up_what_the_user_may_see(project, users, client_for):
    baselines.approve_replan(
        baselines.propose_replan(
            project, by=users["county_a"], reason="approvals", note="环评", planned_production_date=date(2026, 4, 1)
        ),
        by=users["county_a"],
    )

    def reasons(role):  # the rows of the by-reason table, not the menu (which has an 审批 section)
        page = client_for(role).get("/dashboards/slips/")
        assert page.status_code == 200
        by_reason = next(table for table in page.context["tables"] if table["by"] == "reason")
        return [str(row["label"]) for row in by_reason["rows"]]

    assert "Approvals" in reasons("county_a")
    assert "Approvals" not in reasons("county_b")


def test_the_list_shows_original_against_current_for_every_project(project, users, client_for):
    baselines.approve_replan(
        baselines.propose_replan(
            project, by=users["county_a"], reason="design", note="工艺调整", planned_production_date=date(2026, 6, 1)
        ),
        by=users["county_a"],
    )
    page = client_for("county_a").get("/projects/baselines/", {"replans": "false"})
    rows = page.context["table"].rows
    assert len(rows) == 1
    assert rows[0].get_cell("slipped") == "92"  # 2026-06-01 now against 2026-03-01 promised
