"""The problem ledger's Excel import: real-world headings and words, all rows or none, every bad
cell reported at its row; rows raised and assigned through the services; the export re-imports."""

from datetime import date

import pytest

from keyprojects.core.testing.cases import read_xlsx, upload, xlsx_bytes
from keyprojects.problems.choices import Status
from keyprojects.problems.importers import ProblemImporter
from keyprojects.problems.models import Problem

from .factories import enterprise_of

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "问题简述",
    "具体问题",
    "问题类别",
    "问题分类",
    "问题来源",
    "反映企业",
    "所属县区",
    "反映时间",
    "牵头部门",
]


def ledger(users, department):
    enterprise_of(users, name="漯河市示例食品有限公司")
    return [
        ["漯河市重点项目问题台账（截至2026年10月）"],
        HEADER,
        [
            1,
            "二期用地指标未落实",
            "二期厂房用地指标尚未落实",
            "土地",
            "一般",
            "万人助万企",
            "漯河市示例食品有限公司",
            "郾城区",
            "2026.9.30",
            department.name,
        ],
        [
            2,
            "施工用电未接入",
            "临时用电未接入",
            "供电",
            "复杂",
            "企业反映",
            "漯河市示例食品有限公司",
            "郾城区",
            "2026年9月28日",
            "",
        ],
    ]


def test_a_ledger_is_raised_and_assigned_through_the_services(users, department):
    plan = ProblemImporter(users["city_admin"]).plan(ledger(users, department))
    assert not plan.errors, [e.message for e in plan.errors]
    ProblemImporter(users["city_admin"]).commit(plan)
    land = Problem.objects.get(title="二期用地指标未落实")
    assert (land.category, land.source, land.raised_on) == ("land", "visit", date(2026, 9, 30))
    assert land.status == Status.ASSIGNED and land.lead_department == department
    assert land.resolve_due == date(2026, 10, 15) and land.actions.count() == 2
    power = Problem.objects.get(title="施工用电未接入")
    assert power.status == Status.SUBMITTED and power.problem_class == "complex" and power.category == "power"


def test_one_bad_row_writes_nothing_and_every_bad_cell_is_reported(users, department):
    rows = ledger(users, department)
    rows.append([3, "道路未通", "厂区道路未打通", "交通", "一般", "", "不存在的企业", "郾城区", "明年", "不存在的局"])
    with_errors = ProblemImporter(users["city_admin"]).plan(rows)
    found = {(e.row, e.column) for e in with_errors.errors}
    assert {(5, "问题类别"), (5, "反映企业"), (5, "反映时间"), (5, "牵头部门")} <= found
    with pytest.raises(Exception, match="nothing was imported|没有导入"):
        ProblemImporter(users["city_admin"]).commit(with_errors)
    assert not Problem.objects.exists()


def test_the_import_page_and_the_export_that_re_imports(users, department, client_for, run_jobs):
    client = client_for("city_admin")
    with run_jobs():
        answer = client.post(
            "/problems/problems/import/", {"file": upload("台账.xlsx", xlsx_bytes(ledger(users, department)[1:]))}
        )
    assert answer.status_code == 302
    assert not Problem.objects.exists()  # the preview writes nothing
    rows = read_xlsx(client.get("/problems/problems/?export=xlsx"))
    assert rows == [rows[0]]  # nothing yet
    ProblemImporter(users["city_admin"]).commit(ProblemImporter(users["city_admin"]).plan(ledger(users, department)))
    rows = read_xlsx(client.get("/problems/problems/?export=xlsx"))
    assert rows[0][:3] == ["问题简述", "问题描述", "问题类别"] and len(rows) == 3
    again = ProblemImporter(users["city_admin"]).plan([row[:10] for row in rows])
    assert not again.errors, [e.message for e in again.errors]
