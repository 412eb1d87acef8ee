"""Rows that reach their scope through a project (reports, milestones) follow the project's
matrix: whoever sees the project sees them, nobody else."""

from datetime import date
from decimal import Decimal

import pytest

from keyprojects.core.testing.cases import ROLES, assert_matrix, object_check
from keyprojects.projects import services
from keyprojects.projects.models import ProgressReport

from .factories import make_project, start_project

SEEN = {
    "list": [True, True, False, True, True, True, True, True, False, True, False],
    "detail": [200, 200, 404, 200, 200, 200, 200, 200, 404, 200, 302],
    "export": [True, True, False, True, True, True, True, True, False, True, False],
    "api detail": [200, 200, 404, 200, 200, 200, 200, 200, 404, 200, 401],
}
# Reports are filed by the county, the enterprise and its service officer (not by the department).
REPORT_MATRIX = {
    **SEEN,
    "edit": [200, 200, 404, 403, 403, 403, 200, 403, 404, 403, 302],
    "api change": [200, 200, 404, 403, 403, 403, 200, 403, 404, 403, 401],
}
# A node is kept by the county and by the department answering for it.
MILESTONE_MATRIX = {
    **SEEN,
    "edit": [200, 200, 404, 200, 403, 403, 403, 403, 404, 403, 302],
    "api change": [200, 200, 404, 200, 403, 403, 403, 403, 404, 403, 401],
}


@pytest.fixture
def project(users, department):
    project = make_project(
        name="矩阵项目",
        department=department.pk,
        leader=users["leader"].pk,
        service_officer=users["service_officer"].pk,
    )
    return start_project(project, by=users["county_a"])


@pytest.mark.django_db
def test_progress_report_scoping_matrix(client_for, api_for, users, project):
    report = services.save_report(
        ProgressReport(
            project=project, month=date(2024, 3, 1), investment=Decimal("100"), physical_progress="基础施工"
        ),
        by=users["county_a"],
    )
    check = object_check(
        client_for,
        api_for,
        report,
        list_url="/projects/reports/",
        api_url="/api/projects/reports/",
        api_change={"physical_progress": "主体施工"},
        marker="矩阵项目",
    )
    assert_matrix(REPORT_MATRIX, ROLES, check)


@pytest.mark.django_db
def test_milestone_scoping_matrix(client_for, api_for, project):
    milestone = project.milestones.get(name="主体封顶")
    check = object_check(
        client_for,
        api_for,
        milestone,
        list_url="/projects/milestones/",
        api_url="/api/projects/milestones/",
        api_change={"responsible_unit": "住建局"},
        marker="主体封顶",
    )
    assert_matrix(MILESTONE_MATRIX, ROLES, check)
