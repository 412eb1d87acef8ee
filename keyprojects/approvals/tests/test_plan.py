"""A project's plan from its template, zone assessments reused, 容缺 deadlines, "ready to
start", every refusal of the issue's Bad input list, and each role's scope."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from keyprojects.approvals import services
from keyprojects.approvals.choices import ApprovalMode
from keyprojects.approvals.choices import ApprovalStatus as S
from keyprojects.approvals.models import ApprovalMatter, ApprovalPlan, ProjectApproval
from keyprojects.core.notifications import inbox
from keyprojects.projects import services as project_services
from keyprojects.projects.choices import Stage

from .factories import ZONE, departments, matter, plan_for, signed_project, zone_assessments

pytestmark = pytest.mark.django_db


@pytest.fixture
def ecology(department):
    return departments(department)


def test_catalogue_holds_the_17_matters_of_the_four_stages(db):
    assert ApprovalMatter.objects.count() == 17
    assert set(ApprovalMatter.objects.values_list("stage", flat=True)) == {
        "1_land",
        "2_works",
        "3_building",
        "4_completion",
    }
    eia = ApprovalMatter.objects.get(code="eia")
    assert eia.name == "环境影响评价" and eia.department_name == "生态环境部门" and eia.statutory_days == 30


def test_plan_from_the_filed_template_and_the_zone_assessment_skips_three_matters(users, ecology):
    zone_assessments()
    project = signed_project(users, region=ZONE)
    plan = plan_for(project, users["city_admin"])
    codes = set(plan.approvals.values_list("matter__code", flat=True))
    assert "stability" not in codes and {"project_approval", "eia", "building_permit"} <= codes
    skipped = plan.approvals.filter(status=S.SKIPPED)
    assert set(skipped.values_list("matter__code", flat=True)) == {"relics", "energy", "seismic"}
    assert all(a.mode == ApprovalMode.REGIONAL and a.zone_assessment_id for a in skipped)
    outside = plan_for(signed_project(users, name="区外项目"), users["city_admin"])
    assert not outside.approvals.filter(status=S.SKIPPED).exists()


def test_expired_zone_assessment_is_not_reused_and_is_flagged_on_the_plan(users, ecology, client_for):
    old = zone_assessments(valid_until=date(2026, 12, 31))
    plan = plan_for(signed_project(users, region=ZONE), users["city_admin"])
    for assessment in old:
        assessment.valid_until = date(2025, 6, 30)
        assessment.save()
    page = client_for("city_admin").get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="expired-assessment"' in page
    again = plan_for(signed_project(users, region=ZONE, name="新项目"), users["city_admin"])
    assert not again.approvals.filter(status=S.SKIPPED).exists()


def test_tolerance_matter_needs_missing_documents_and_a_deadline(users, ecology):
    plan = plan_for(signed_project(users), users["city_admin"])
    eia = matter(plan, "eia")
    with pytest.raises(ValidationError) as refused:
        services.apply_for(eia, by=users["enterprise"], on=date(2026, 9, 1), mode=ApprovalMode.TOLERANCE)
    assert set(refused.value.message_dict) == {"missing_documents", "supplement_deadline"}
    eia.refresh_from_db()
    assert eia.status == S.NOT_STARTED and not eia.events.filter(type="status").exists()


def test_mode_the_catalogue_does_not_allow_is_refused(users, ecology):
    plan = plan_for(signed_project(users), users["city_admin"])
    relics = matter(plan, "relics")
    with pytest.raises(ValidationError) as refused:
        services.apply_for(relics, by=users["enterprise"], mode=ApprovalMode.COMMITMENT)
    assert "cannot be handled as" in str(refused.value)
    relics.refresh_from_db()
    assert relics.status == S.NOT_STARTED


def test_approval_date_before_the_application_is_refused(users, ecology):
    plan = plan_for(signed_project(users), users["city_admin"])
    traffic = services.apply_for(matter(plan, "traffic"), by=users["enterprise"], on=date(2026, 9, 10))
    with pytest.raises(ValidationError, match="before the application"):
        services.accept(traffic, by=users["city_admin"], on=date(2026, 9, 9))
    traffic = services.accept(traffic, by=users["city_admin"], on=date(2026, 9, 10))
    with pytest.raises(ValidationError, match="before the application"):
        services.approve(traffic, by=users["city_admin"], on=date(2026, 9, 1), document_number="漯审1号")
    with pytest.raises(ValidationError, match="文号"):
        services.approve(traffic, by=users["city_admin"], on=date(2026, 9, 20))
    traffic.refresh_from_db()
    assert traffic.status == S.ACCEPTED and traffic.decided_on is None


def test_no_plan_for_a_terminated_project_nor_a_second_plan(users, ecology):
    project = signed_project(users)
    plan_for(project, users["city_admin"])
    with pytest.raises(ValidationError, match="already has"):
        plan_for(project, users["city_admin"])
    other = signed_project(users, name="终止项目")
    project_services.advance_stage(
        other, to=Stage.TERMINATED, on=date(2026, 9, 1), by=users["city_admin"], reason="企业撤资"
    )
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="terminated"):
        plan_for(other, users["city_admin"])
    assert not ApprovalPlan.objects.filter(project=other).exists()


def test_missed_supplement_deadline_terminates_the_matter_and_tells_everyone(users, ecology):
    plan = plan_for(signed_project(users), users["city_admin"])
    eia = services.apply_for(
        matter(plan, "eia"),
        by=users["enterprise"],
        on=date(2026, 9, 1),
        mode=ApprovalMode.TOLERANCE,
        missing_documents="排污许可证",
        supplement_deadline=date(2026, 9, 15),
    )
    services.accept(eia, by=users["city_admin"], on=date(2026, 9, 2))
    assert services.terminate_missed(date(2026, 9, 15)) == 0  # the deadline day itself is still in time
    assert services.terminate_missed(date(2026, 9, 16)) == 1
    eia.refresh_from_db()
    assert eia.status == S.TERMINATED and eia.due is None
    assert eia.events.filter(type="terminated", previous_status=S.ACCEPTED).exists()
    for role in ("enterprise", "service_officer", "county_a"):
        assert inbox(users[role]).filter(kind="approvals.terminated").exists(), role
    assert services.terminate_missed(date(2026, 9, 17)) == 0


def test_supplied_documents_keep_the_tolerance_matter_alive(users, ecology):
    plan = plan_for(signed_project(users), users["city_admin"])
    eia = services.apply_for(
        matter(plan, "eia"),
        by=users["enterprise"],
        on=date(2026, 9, 1),
        mode=ApprovalMode.TOLERANCE,
        missing_documents="排污许可证",
        supplement_deadline=date(2026, 9, 15),
    )
    services.supplied(eia, by=users["city_admin"], on=date(2026, 9, 10))
    assert services.terminate_missed(date(2026, 9, 20)) == 0


def test_ready_to_start_when_every_needed_matter_is_cleared(users, ecology):
    zone_assessments()
    plan = plan_for(signed_project(users, region=ZONE), users["city_admin"])
    by = users["city_admin"]
    needed = plan.approvals.filter(matter__needed_for_start=True).exclude(status=S.SKIPPED).select_related("matter")
    for n, approval in enumerate(needed):
        mode = ApprovalMode.COMMITMENT if approval.matter.code == "drawing_review" else ApprovalMode.REGULAR
        approval = services.apply_for(approval, by=by, on=date(2026, 9, 1), mode=mode)
        approval = services.accept(approval, by=by, on=date(2026, 9, 2))
        if mode == ApprovalMode.REGULAR:
            plan.refresh_from_db()
            assert plan.ready_on is None
            services.approve(approval, by=by, on=date(2026, 9, 10 + n % 5), document_number=f"漯审{n}号")
    plan.refresh_from_db()
    assert plan.ready_on == date(2026, 9, 14)  # the last approval; 施工图 committed (承诺制) counts from acceptance
    assert plan.approvals.get(matter__code="joint_acceptance").status == S.NOT_STARTED  # not needed to start


# --- scope ---------------------------------------------------------------------------------


def test_each_role_sees_the_matters_in_its_scope(users, ecology, client_for, api_for):
    plan = plan_for(signed_project(users), users["city_admin"])
    land = matter(plan, "land_supply")  # the fixture department's
    traffic = matter(plan, "traffic")  # 生态环境局's here
    expected = {
        "city_admin": {land.pk, traffic.pk},
        "county_a": {land.pk, traffic.pk},
        "county_b": set(),
        "department": {land.pk},
        "office": {land.pk, traffic.pk},
        "enterprise": {land.pk, traffic.pk},
        "service_officer": {land.pk, traffic.pk},
        "leader": {land.pk, traffic.pk},
    }
    for role, seen in expected.items():
        found = set(
            ProjectApproval.objects.restrict(users[role])
            .filter(pk__in=[land.pk, traffic.pk])
            .values_list("pk", flat=True)
        )
        assert found == seen, role
        answer = api_for(role).get(f"/api/approvals/items/{traffic.pk}/")
        assert answer.status_code == (200 if traffic.pk in seen else 404), role
    assert client_for("county_b").get(traffic.get_absolute_url()).status_code == 404
    assert client_for("department").get(traffic.get_absolute_url()).status_code == 404


def test_department_queue_lists_its_matters_fewest_days_left_first(users, ecology, client_for):
    plan = plan_for(signed_project(users), users["city_admin"])
    by = users["city_admin"]
    for code, on in (("land_supply", date(2026, 11, 2)), ("planning_permit", date(2026, 11, 2))):
        services.accept(services.apply_for(matter(plan, code), by=by, on=on), by=by, on=on)
    services.accept(
        services.apply_for(matter(plan, "traffic"), by=by, on=date(2026, 11, 2)), by=by, on=date(2026, 11, 2)
    )
    page = client_for("department").get("/approvals/queue/").content.decode()
    assert page.index("建设工程规划许可") < page.index("国有建设用地供地")  # 10 days before 20
    assert "交通影响评价" not in page  # another department's


def test_api_builds_the_plan_and_refuses_a_mode_the_matter_does_not_allow(users, ecology, api_for):
    project = signed_project(users)
    answer = api_for("county_a").post("/api/approvals/plans/", {"project": project.pk, "kind": "filed"}, format="json")
    assert answer.status_code == 201, answer.content
    assert ProjectApproval.objects.filter(project=project).count() == 16  # the 17 less 社会稳定风险评估
    item = ProjectApproval.objects.get(project=project, matter__code="traffic")
    applied = api_for("enterprise").post(
        f"/api/approvals/items/{item.pk}/apply/", {"mode": "pre_approval"}, format="json"
    )
    assert applied.status_code == 400 and "mode" in applied.json()
    assert api_for("enterprise").post("/api/approvals/items/", {}, format="json").status_code in (403, 405)
