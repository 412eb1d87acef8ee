"""The pages a user reaches: the project's 审批 tab, the plan, a matter with its clock and
history, the figures (median and p90 per department against the limit, 签约→拿地→开工, the
承诺制 share within 40 working days) and the circular in xlsx and docx."""

import io
from datetime import date

import pytest

from keyprojects.approvals import figures, services
from keyprojects.approvals.choices import ApprovalMode

from .factories import departments, matter, plan_for, signed_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(users, department):
    departments(department)
    return plan_for(signed_project(users), users["city_admin"])


def decide(plan, code, by, accepted, decided, mode=ApprovalMode.REGULAR):
    approval = services.apply_for(matter(plan, code), by=by, on=accepted, mode=mode)
    approval = services.accept(approval, by=by, on=accepted)
    return services.approve(approval, by=by, on=decided, document_number=f"漯审〔2026〕{code}号")


def test_project_page_shows_the_plan_tab_and_a_button_to_make_one(users, department, client_for):
    departments(department)
    project = signed_project(users)
    page = client_for("county_a").get(project.get_absolute_url()).content.decode()
    assert 'data-testid="make-plan"' in page
    assert 'data-testid="make-plan"' not in client_for("leader").get(project.get_absolute_url()).content.decode()
    plan_for(project, users["city_admin"])
    page = client_for("leader").get(project.get_absolute_url()).content.decode()
    assert 'data-testid="matter-eia"' in page and "环境影响评价" in page


def test_matter_page_shows_the_clock_history_and_only_the_verbs_a_role_may_use(plan, users, client_for):
    by = users["city_admin"]
    land = services.apply_for(matter(plan, "land_supply"), by=users["enterprise"], on=date(2026, 11, 2))
    land = services.accept(land, by=by, on=date(2026, 11, 3))
    services.refresh_clocks(date(2026, 11, 10))
    page = client_for("department").get(land.get_absolute_url()).content.decode()
    assert 'data-testid="clock"' in page and 'data-testid="ask_supplement"' in page
    assert "2026年12月1日" in page  # due: 20 working days after 3 November
    leader = client_for("leader").get(land.get_absolute_url()).content.decode()
    assert 'data-testid="approve"' not in leader and 'data-testid="clock"' in leader
    answer = client_for("department").post(
        f"{land.get_absolute_url()}approve/", {"on": "2026-11-01", "document_number": "x"}
    )
    assert answer.status_code == 400  # before the application, shown on the form
    land.refresh_from_db()
    assert land.status == "accepted"


def test_figures_median_and_p90_per_department_against_the_limit(plan, users, client_for):
    by = users["city_admin"]
    decide(plan, "land_supply", by, date(2026, 9, 1), date(2026, 9, 15))  # 10 working days
    decide(plan, "planning_permit", by, date(2026, 9, 1), date(2026, 9, 17))  # 12 > its 10
    rows = {row["matter"]: row for row in figures.department_durations(users["city_admin"])}
    assert rows["国有建设用地供地"]["median"] == 10 and rows["国有建设用地供地"]["over"] == 0
    assert rows["建设工程规划许可"]["p90"] == 12 and rows["建设工程规划许可"]["over"] == 1
    assert figures.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    phases = figures.phase_durations(users["city_admin"])
    assert phases["sign_to_land"] == {"cohort": 1, "median": 43}  # signed 3 Aug, land on 15 Sept
    page = client_for("city_admin").get("/approvals/figures/").content.decode()
    assert 'data-testid="department-durations"' in page and "建设工程规划许可" in page
    assert figures.department_durations(users["county_b"]) == []


def test_commitment_share_counts_projects_ready_within_40_working_days(plan, users):
    by = users["city_admin"]
    for approval in plan.approvals.filter(matter__needed_for_start=True).select_related("matter"):
        mode = (
            ApprovalMode.COMMITMENT
            if ApprovalMode.COMMITMENT in approval.matter.allowed_modes
            else ApprovalMode.REGULAR
        )
        decide(
            plan, approval.matter.code, by, date(2026, 9, 1), date(2026, 9, 8), mode
        ) if mode == ApprovalMode.REGULAR else (
            services.accept(
                services.apply_for(approval, by=by, on=date(2026, 9, 1), mode=mode), by=by, on=date(2026, 9, 2)
            )
        )
    share = figures.commitment_share(users["city_admin"])
    assert share["cohort"] == 1 and share["within"] == 1 and share["share"] == 1


def test_circular_in_xlsx_and_docx(plan, users, client_for):
    from docx import Document
    from openpyxl import load_workbook

    decide(plan, "land_supply", users["city_admin"], date(2026, 9, 1), date(2026, 9, 15))
    xlsx = client_for("city_admin").get("/approvals/circular.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "绿色通道项目" and rows[2][3] == 1
    docx = client_for("city_admin").get("/approvals/circular.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "1" in text and docx.status_code == 200
    assert client_for("city_admin").get("/approvals/circular.pdf").status_code == 404
