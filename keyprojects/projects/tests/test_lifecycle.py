from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyprojects.core.models import ObjectChange
from keyprojects.core.testing.cases import etag
from keyprojects.projects import services
from keyprojects.projects.choices import EventType, Light, ReportStatus, Stage
from keyprojects.projects.models import Milestone, ProgressReport, Project, YearPlan

from .factories import make_project, photo, start_project

pytestmark = pytest.mark.django_db


def test_new_project_gets_the_default_node_template(users):
    project = make_project(by=users["county_a"])
    assert list(project.milestones.values_list("name", flat=True)) == services.DEFAULT_MILESTONES


def test_tier_is_derived_from_total_investment(users):
    assert make_project(total="1000000", by=users["county_a"]).tier == "100"  # 100 亿元
    assert make_project(total="50亿", name="b", by=users["county_a"]).tier == "50"
    assert make_project(total="9999", name="c", by=users["county_a"]).tier == "0"
    assert Project.objects.with_tier().get(name="b").tier_code == "50"


def test_started_needs_evidence_and_records_it(users):
    user = users["county_a"]
    project = make_project(by=user)
    services.advance_stage(project, to=Stage.SIGNED, on=date(2024, 1, 5), by=user)
    with pytest.raises(ValidationError) as error:
        services.advance_stage(project, to=Stage.STARTED, on=date(2024, 3, 1), by=user)
    assert "evidence" in error.value.error_dict
    services.advance_stage(project, to=Stage.STARTED, on=date(2024, 3, 1), by=user, evidence=photo())
    project.refresh_from_db()
    assert project.stage == Stage.STARTED and project.actual_start_date == date(2024, 3, 1)
    event = project.events.get(to_stage=Stage.STARTED)
    assert event.actor == user and event.evidence.name.endswith(".jpg")


def test_dates_must_not_go_backwards(users):
    user = users["county_a"]
    project = make_project(by=user)
    services.advance_stage(project, to=Stage.SIGNED, on=date(2024, 5, 1), by=user)
    with pytest.raises(ValidationError) as error:
        services.advance_stage(project, to=Stage.STARTED, on=date(2024, 4, 1), by=user, evidence=photo())
    assert "on" in error.value.error_dict
    assert Project.objects.get(pk=project.pk).stage == Stage.SIGNED


def test_skipping_stages_needs_their_dates(users):
    user = users["county_a"]
    project = make_project(by=user)
    with pytest.raises(ValidationError) as error:
        services.advance_stage(project, to=Stage.STARTED, on=date(2024, 3, 1), by=user, evidence=photo())
    assert "dates" in error.value.error_dict
    services.advance_stage(
        project,
        to=Stage.STARTED,
        on=date(2024, 3, 1),
        by=user,
        evidence=photo(),
        dates={Stage.SIGNED: date(2024, 1, 10)},
    )
    project.refresh_from_db()
    assert project.actual_sign_date == date(2024, 1, 10) and project.stage == Stage.STARTED


def test_correction_to_an_earlier_stage_needs_a_reason_and_shows_in_history(users):
    user = users["county_a"]
    project = start_project(make_project(by=user), by=user)
    with pytest.raises(ValidationError):
        services.advance_stage(project, to=Stage.SIGNED, on=date(2024, 3, 1), by=user)
    services.advance_stage(project, to=Stage.SIGNED, on=date(2024, 3, 1), by=user, reason="开工材料有误")
    assert project.events.filter(type=EventType.CORRECTION, note__contains="开工材料有误").exists()
    changes = ObjectChange.for_object(project).filter(action="update")
    assert any(c.changes.get("stage") == ["started", "signed"] for c in changes)


def test_termination_needs_a_reason_and_then_nothing_moves(users):
    user = users["county_a"]
    project = make_project(by=user)
    with pytest.raises(ValidationError):
        services.advance_stage(project, to=Stage.TERMINATED, on=date(2024, 2, 1), by=user)
    services.advance_stage(project, to=Stage.TERMINATED, on=date(2024, 2, 1), by=user, reason="企业撤资")
    project.refresh_from_db()
    assert project.stage == Stage.TERMINATED and project.termination_reason == "企业撤资"
    with pytest.raises(ValidationError):
        services.advance_stage(project, to=Stage.SIGNED, on=date(2024, 3, 1), by=user)


def _report(project, month, investment, **values):
    return ProgressReport(
        project=project,
        month=month,
        investment=Decimal(investment),
        physical_progress=values.pop("physical_progress", "主体施工"),
        **values,
    )


def test_no_investment_before_started(users):
    user = users["county_a"]
    project = make_project(by=user)
    with pytest.raises(ValidationError) as error:
        services.save_report(_report(project, date(2024, 4, 1), "100"), by=user)
    assert "investment" in error.value.error_dict


def completed(project):
    return Project.objects.get(pk=project.pk).cumulative_investment


def test_cumulative_is_computed_and_never_decreases_without_a_note(users):
    user = users["county_a"]
    project = start_project(make_project(by=user), by=user)
    march = services.save_report(_report(project, date(2024, 3, 1), "1000"), by=user)
    services.submit_report(march, by=user)
    april = services.save_report(_report(project, date(2024, 4, 1), "2000"), by=user)
    assert april.cumulative_investment == Decimal("3000")
    services.submit_report(april, by=user)
    assert completed(project) == Decimal("3000")
    services.review_report(april, by=users["city_admin"], accept=False, reason="投资额与发票不符")
    april = ProgressReport.objects.get(pk=april.pk)
    april.investment = Decimal("500")
    with pytest.raises(ValidationError) as error:
        services.save_report(april, by=user)
    assert "correction_note" in error.value.error_dict
    april.correction_note = "统计口径调整"
    services.save_report(april, by=user)
    services.submit_report(ProgressReport.objects.get(pk=april.pk), by=user)
    assert completed(project) == Decimal("1500")


def test_completed_investment_counts_a_report_once_it_is_submitted(users):
    """A county's draft is work in progress: it shows what it will add, and no total (the
    project's completed investment, its year's progress, its light) counts it until it is
    submitted; a report the city returns stops counting until it is submitted again."""
    county = users["county_a"]
    project = start_project(make_project(by=county), by=county, on=date(2024, 1, 10))
    YearPlan.objects.create(project=project, year=2024, planned_investment=Decimal("12000"))
    draft = services.save_report(_report(project, date(2024, 1, 1), "3000"), by=county)
    assert (draft.cumulative_investment, completed(project)) == (Decimal("3000"), Decimal("0"))
    assert services.year_progress(project, date(2024, 7, 10))["done"] == 0
    services.submit_report(draft, by=county)
    assert completed(project) == Decimal("3000")
    assert services.year_progress(project, date(2024, 7, 10))["done"] == Decimal("3000")
    services.review_report(draft, by=users["city_admin"], accept=False, reason="缺少现场照片")
    assert completed(project) == Decimal("0")


def test_the_report_form_saves_a_draft_or_files_it_at_once(client_for, users):
    county = users["county_a"]
    project = start_project(make_project(by=county), by=county, on=date(2024, 2, 10))
    form = {"project": project.pk, "investment": "0.1亿", "physical_progress": "主体施工"}
    page = client_for("county_a").post("/projects/reports/add/", {**form, "month": "2024.3"})
    draft = ProgressReport.objects.get(project=project, month=date(2024, 3, 1))
    assert (page.status_code, draft.status, completed(project)) == (302, "draft", Decimal("0"))
    page = client_for("county_a").post("/projects/reports/add/", {**form, "month": "2024年4月", "and_submit": "1"})
    filed = ProgressReport.objects.get(project=project, month=date(2024, 4, 1))
    assert (page.status_code, filed.status, filed.submitted_by) == (302, "submitted", county)
    assert completed(project) == Decimal("1000")
    # A bad report is neither saved nor submitted: the form shows why.
    page = client_for("county_a").post("/projects/reports/add/", {**form, "month": "2024-04", "and_submit": "1"})
    assert page.status_code == 400 and "2024-04" in page.content.decode()
    assert ProgressReport.objects.filter(project=project).count() == 2


def test_the_report_page_says_a_draft_counts_once_submitted(client_for, users):
    county = users["county_a"]
    project = start_project(make_project(by=county), by=county)
    report = services.save_report(_report(project, date(2024, 3, 1), "100"), by=county)
    page = client_for("county_a").get(report.get_absolute_url()).content.decode()
    assert "报送后计入项目累计完成投资" in page
    services.submit_report(report, by=county)
    assert "报送后计入" not in client_for("county_a").get(report.get_absolute_url()).content.decode()


def test_cumulative_above_total_needs_confirmation(users):
    user = users["county_a"]
    project = start_project(make_project(by=user, total="1000"), by=user)
    with pytest.raises(ValidationError):
        services.save_report(_report(project, date(2024, 3, 1), "1500"), by=user)
    services.save_report(_report(project, date(2024, 3, 1), "1500"), by=user, confirm_over_total=True)
    assert ProgressReport.objects.filter(project=project).count() == 1


def test_accepted_month_cannot_be_reported_again_or_edited(users):
    county = users["county_a"]
    project = start_project(make_project(by=county), by=county)
    report = services.save_report(_report(project, date(2024, 3, 1), "100"), by=county)
    services.submit_report(report, by=county)
    with pytest.raises(ValidationError):  # four eyes: the submitter does not accept their own report
        services.review_report(report, by=county, accept=True)
    services.review_report(report, by=users["city_admin"], accept=True)
    with pytest.raises(ValidationError) as error:
        services.save_report(_report(project, date(2024, 3, 1), "50"), by=county)
    assert "month" in error.value.error_dict
    report = ProgressReport.objects.get(pk=report.pk)
    report.investment = Decimal("120")
    with pytest.raises(ValidationError):
        services.save_report(report, by=county)


def test_returned_report_needs_a_reason_and_goes_back_to_draft_on_edit(users):
    county = users["county_a"]
    project = start_project(make_project(by=county), by=county)
    report = services.submit_report(
        services.save_report(_report(project, date(2024, 3, 1), "100"), by=county), by=county
    )
    with pytest.raises(ValidationError):
        services.review_report(report, by=users["city_admin"], accept=False)
    services.review_report(report, by=users["city_admin"], accept=False, reason="照片不清")
    assert report.status == ReportStatus.RETURNED
    report = ProgressReport.objects.get(pk=report.pk)
    report.physical_progress = "补充照片"
    assert services.save_report(report, by=county).status == ReportStatus.DRAFT


def test_milestone_lights_follow_the_settings(users, settings):
    settings.KEYPROJECTS_LIGHTS = {
        **settings.KEYPROJECTS_LIGHTS,
        "milestone_warning_days": 10,
        "milestone_late_days": 5,
    }
    today = date(2024, 6, 15)
    node = Milestone(name="主体封顶", planned_date=date(2024, 7, 1))
    assert services.milestone_light(node, today)[0] == Light.GREEN  # 16 days ahead
    node.planned_date = date(2024, 6, 20)
    assert services.milestone_light(node, today)[0] == Light.YELLOW  # due in 5
    node.planned_date = date(2024, 6, 12)
    assert services.milestone_light(node, today)[0] == Light.YELLOW  # 3 days late
    node.planned_date = date(2024, 6, 1)
    assert services.milestone_light(node, today)[0] == Light.RED  # 14 days late
    node.actual_date = date(2024, 6, 2)
    assert services.milestone_light(node, today)[0] == Light.GREEN


def test_overall_light_is_the_worst_and_says_why(users):
    county = users["county_a"]
    project = start_project(make_project(by=county), by=county, on=date(2024, 1, 10))
    YearPlan.objects.create(project=project, year=2024, planned_investment=Decimal("12000"))
    services.save_report(_report(project, date(2024, 1, 1), "1000"), by=county)
    services.refresh_lights([project], today=date(2024, 7, 10))  # 序时 6/12 = 50%, done 8.3% → 41.7 points behind
    project.refresh_from_db()
    assert project.light == Light.RED
    codes = {r["code"] for r in project.light_reasons}
    assert "investment_behind" in codes and "not_in_statistics" in codes
    texts = [services.describe(r) for r in project.light_reasons]
    assert all(texts) and any("points" in t or "个百分点" in t for t in texts)


def test_planned_start_passed_turns_yellow_then_red(users):
    project = make_project(by=users["county_a"], planned_start_date="2024-03-01")
    services.refresh_lights([project], today=date(2024, 3, 20))
    assert Project.objects.get(pk=project.pk).light == Light.YELLOW
    services.refresh_lights([project], today=date(2024, 7, 1))
    assert Project.objects.get(pk=project.pk).light == Light.RED


def test_completed_investment_adds_reports_to_what_the_project_brought(client_for, api_for, users, regions):
    county = users["county_a"]
    project = start_project(make_project(by=county, total="1000", prior_investment="1.5万元"), by=county)
    assert project.cumulative_investment == Decimal("1.5")
    report = services.submit_report(
        services.save_report(_report(project, date(2024, 4, 1), "100"), by=county), by=county
    )
    assert ProgressReport.objects.get(pk=report.pk).cumulative_investment == completed(project) == Decimal("101.5")
    # An edit of what it brought, on the page or through the API, moves every cumulative figure.
    form = client_for("county_a").get(f"/projects/projects/{project.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"tags"}}
    page = client_for("county_a").post(f"/projects/projects/{project.pk}/edit/", {**data, "prior_investment": "0.05亿"})
    assert page.status_code == 302, page.context["form"].errors
    assert ProgressReport.objects.get(pk=report.pk).cumulative_investment == Decimal("600")
    api = api_for("county_a").patch(
        f"/api/projects/projects/{project.pk}/", {"prior_investment": "0"}, format="json", HTTP_IF_MATCH=etag(project)
    )
    assert api.status_code == 200, api.json()
    assert Project.objects.get(pk=project.pk).cumulative_investment == Decimal("100")
    # What it brought counts toward the total: more than the total is refused, or needs a confirmation.
    refused = api_for("county_a").patch(
        f"/api/projects/projects/{project.pk}/",
        {"prior_investment": "1001"},
        format="json",
        HTTP_IF_MATCH=etag(project),
    )
    assert refused.status_code == 400 and "prior_investment" in refused.json()
    Project.objects.filter(pk=project.pk).update(prior_investment=950)
    with pytest.raises(ValidationError, match="1050"):
        services.save_report(_report(project, date(2024, 5, 1), "0"), by=county)


def test_late_filers_lists_started_projects_without_last_months_report(users):
    county = users["county_a"]
    late = start_project(make_project(by=county, name="迟报项目"), by=county)
    filed = start_project(make_project(by=county, name="按时项目"), by=county)
    report = services.save_report(_report(filed, date(2024, 5, 1), "10"), by=county)
    services.submit_report(report, by=county)
    projects, month = services.late_filers(Project.objects.all(), today=date(2024, 6, 10))
    assert month == date(2024, 5, 1)
    assert set(projects) == {late}
    _, month = services.late_filers(Project.objects.all(), today=date(2024, 6, 3))  # May's not due yet
    assert month == date(2024, 4, 1)


def test_late_reports_page_is_the_project_list_of_late_filers_with_paging_and_export(client_for, api_for, users):
    from keyprojects.core.testing.cases import listed, read_xlsx

    county = users["county_a"]
    late = start_project(make_project(by=county, name="迟报项目"), by=county)
    filed = start_project(make_project(by=county, name="按时项目"), by=county)
    month = services.last_due_month()
    services.submit_report(services.save_report(_report(filed, month, "10"), by=county), by=county)
    start_project(make_project("舞阳县", name="他县迟报项目"), by=users["city_admin"])  # outside county A's scope
    client = client_for("county_a")
    page = client.get("/projects/late-reports/", follow=True)
    assert page.redirect_chain[-1][0].endswith("/projects/projects/?late=true")
    assert {row.pk for row in page.context["table"].data} == {late.pk}
    assert f"{month:%Y-%m} 月度进度未报: 是" in page.content.decode()  # the list says what it shows
    assert listed(client, "/projects/projects/?late=false") >= {filed.pk} and late.pk not in listed(
        client, "/projects/projects/?late=false"
    )
    exported = read_xlsx(client.get("/projects/projects/?late=true&export=xlsx"))
    assert [row[1] for row in exported[1:]] == ["迟报项目"]
    api = api_for("county_a").get("/api/projects/projects/", {"late": "true"}).json()
    assert [row["id"] for row in api["results"]] == [late.pk]


def test_refresh_lights_command_turns_overdue_projects_red(users):
    from django.core.management import call_command

    project = make_project(by=users["county_a"], planned_start_date="2020-01-01")
    Project.objects.filter(pk=project.pk).update(light=Light.GREEN, light_reasons=[])
    call_command("refresh_lights", stdout=open("/dev/null", "w"))
    assert Project.objects.get(pk=project.pk).light == Light.RED


def test_starting_marks_the_start_node_reached(users):
    project = start_project(make_project(by=users["county_a"]), by=users["county_a"], on=date(2024, 3, 1))
    assert project.milestones.get(name="开工").actual_date == date(2024, 3, 1)


def test_year_progress_shows_schedule_and_deviation(users):
    county = users["county_a"]
    project = start_project(make_project(by=county), by=county, on=date(2024, 1, 10))
    YearPlan.objects.create(project=project, year=2024, planned_investment=Decimal("12000"))
    services.submit_report(services.save_report(_report(project, date(2024, 1, 1), "3000"), by=county), by=county)
    year = services.year_progress(project, date(2024, 7, 10))
    assert (year["actual"], year["schedule"], year["deviation"]) == (Decimal("25.0"), Decimal("50.0"), Decimal("-25.0"))
