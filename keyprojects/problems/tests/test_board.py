"""动态清零: the board's figures per department, office and region, by week, scoped, at a query
count that does not grow with rows; the scorecard's 服务保障 block fed from the ledger."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyprojects.campaigns import scorecard
from keyprojects.problems import board, services

from .factories import assigned, project_of, raise_one

pytestmark = pytest.mark.django_db


def closed(problem, users):
    problem = services.propose_resolution(problem, by=users["department"], resolution="已解决")
    problem = services.confirm_resolution(problem, by=users["enterprise"], satisfied=True)
    return services.close_problem(problem, by=users["office"])


def test_the_board_counts_open_overdue_closed_on_time_and_satisfaction(users, department, client_for):
    project = project_of(users)
    late = assigned(raise_one(users["enterprise"], project=project), users["office"], department)
    done = closed(
        assigned(raise_one(users["enterprise"], project=project, title="已解决"), users["office"], department), users
    )
    again = assigned(raise_one(users["enterprise"], project=project, title="二次办理"), users["office"], department)
    again = services.propose_resolution(again, by=users["department"], resolution="已协调")
    services.confirm_resolution(again, by=users["enterprise"], satisfied=False, note="仍未解决")
    closed(again, users)
    figures = board.board(users["city_admin"], "department")
    row = figures["rows"][0]
    assert row["name"] == department.name and (row["open"], row["overdue"], row["closed"]) == (1, 1, 2)
    # every answer counts: satisfied, then not satisfied and satisfied → 2 of 3
    assert row["on_time_rate"] == Decimal("0.0") and row["satisfaction"] == Decimal("66.7")
    assert row["median_days"] == done.working_days and not row["zero"]
    assert figures["total"]["satisfaction"] == Decimal("66.7")
    assert late.overdue
    page = client_for("office").get("/problems/board/?by=office").content.decode()
    assert 'data-testid="board"' in page and 'data-testid="trend"' in page
    assert board.board(users["county_b"])["total"]["raised"] == 0  # another county sees none
    weeks = board.trend(users["city_admin"], today=done.closed_on)
    assert weeks[-1]["closed"] == 2


def test_the_board_costs_the_same_queries_for_few_or_many_problems(users, department):
    project = project_of(users)

    def queries(n):
        for i in range(n):
            closed(
                assigned(
                    raise_one(users["enterprise"], project=project, title=f"问题{n}-{i}"), users["office"], department
                ),
                users,
            )
        board.board(users["city_admin"])  # the user's memberships, read once per request
        with CaptureQueriesContext(connection) as captured:
            board.board(users["city_admin"])
            board.trend(users["city_admin"])
        return len(captured)

    assert queries(1) == queries(8)


def test_the_scorecards_service_block_reads_the_ledger(users, department):
    closed(assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department), users)
    service = next(b for b in scorecard.compute(users["city_admin"]).blocks if b.key == "service")
    item = service.items[0]
    assert service.has_data and item.value == Decimal("0.0") and item.score == Decimal("0.00")
    assert dict(item.inputs)["problems closed"] == 1


def test_the_supervision_circular_ranks_departments_and_lists_the_overdue(users, department, client_for):
    import io

    from docx import Document

    late = assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department)
    response = client_for("city_admin").get("/problems/board/circular.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "重点项目问题督办通报" in text and "超过办理时限1个" in text
    assert department.name in cells and late.title in cells
    assert client_for("anonymous").get("/problems/board/circular.docx").status_code == 302
