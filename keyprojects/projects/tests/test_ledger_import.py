"""The ledger import writes a file in bulk: the same number of queries for 20 rows as for 60,
and each imported project is what registering it through the form gives (node template,
signboard token, change-log rows by the importing user)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from keyprojects.core.models import ObjectChange
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects.forms import ProjectForm
from keyprojects.projects.importers import ProjectImporter
from keyprojects.projects.models import Milestone, Project, Tag

from .factories import make_project

pytestmark = pytest.mark.django_db

HEADER = ["项目代码", "项目名称", "所属县区", "项目单位", "领域", "总投资（万元）", "计划开工时间"]
CODED = ["项目代码", "项目名称", "所属县区", "总投资（万元）"]


def ledger(count, *, start=0):
    rows = [[f"台账项目{n:03d}", f"漯河企业{n % 3}"] for n in range(start, start + count)]
    return [
        HEADER,
        *([code(n), name, "郾城区", owner, "工业", "1.2亿", "2027.3"] for n, (name, owner) in enumerate(rows, start)),
    ]


def code(n):
    """Half the rows carry a project code, checked against the region codes and the codes held."""
    return f"2401-411102-04-01-{n:06d}" if n % 2 else ""


@pytest.fixture
def owners(regions):
    for n in range(3):
        Enterprise.objects.create(name=f"漯河企业{n}", credit_code=f"91411100MA4{n:07d}", region=regions["郾城区"])


def import_file(user, rows):
    """Preview and write a file as the import job does; the queries of both, and the plan."""
    importer = ProjectImporter(user)
    with CaptureQueriesContext(connection) as captured:
        plan = importer.plan(rows)
        assert not plan.errors, plan.errors
        importer.commit(plan)
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def test_import_costs_the_same_queries_for_20_and_60_new_projects(users, owners, monkeypatch):
    # SQLite's driver splits a bulk INSERT at 999 values by default (PostgreSQL sends one); SQLite
    # itself takes 32,766 since 3.32, so that the count compared is that of the import's statements.
    monkeypatch.setattr(connection.features, "max_query_params", 32766)
    import_file(users["county_a"], ledger(1, start=100))  # warm: content types are read once a process
    few, _ = import_file(users["county_a"], ledger(20))
    many, statements = import_file(users["county_a"], ledger(60, start=20))
    assert Project.objects.filter(owner__isnull=False).count() == 81
    assert many == few, f"{few} queries for 20 rows, {many} for 60:\n" + "\n".join(statements)


def history(project):
    """What the change log says about a project and its nodes, without ids and times."""
    rows = [*ObjectChange.for_object(project)]
    rows += [change for milestone in project.milestones.all() for change in ObjectChange.for_object(milestone)]
    varying = {"id", "created", "name", "project_id"}
    return sorted(
        (row.content_type.model, row.action, row.user, row.actor, sorted(set(row.changes) - varying)) for row in rows
    )


def test_imported_project_has_what_a_form_registration_gives(users, regions):
    county = users["county_a"]
    registered = make_project(name="表单登记项目", by=county, field="agriculture", total="5000")
    import_file(county, [["项目名称", "所属县区", "领域", "总投资（万元）"], ["台账导入", "郾城区", "农业", "5000"]])
    imported = Project.objects.get(name="台账导入")

    def nodes(project):
        return list(project.milestones.values_list("order", "name"))

    assert nodes(imported) == nodes(registered) and Milestone.objects.filter(project=imported).count() > 1
    assert history(imported) == history(registered)
    assert {user for _model, _action, user, _actor, _fields in history(imported)} == {county}
    assert imported.signboard_token and imported.signboard_token != registered.signboard_token
    assert imported.light == registered.light


def test_code_held_by_a_project_outside_the_scope_is_refused_with_the_forms_message(users, regions):
    code = "2401-411121-04-01-000001"
    make_project("舞阳县", name="舞阳县项目", code=code)  # county A cannot change it
    rows = [CODED, [code, "重号项目", "郾城区", "100"]]
    data = {"code": code, "name": "重号项目", "region": regions["郾城区"].pk}
    with translation.override("en"):
        plan = ProjectImporter(users["county_a"]).plan(rows)
        form = ProjectForm({**data, "field": "industry", "nature": "new", "total_investment": "100"})
        expected = form.errors["code"][0]
    assert "already exists" in expected
    assert [(e.column, e.message) for e in plan.errors] == [("项目代码", expected)]


def test_two_rows_with_one_new_code_are_one_error_not_a_database_error(users, regions):
    code = "2401-411102-04-01-000002"
    rows = [CODED, [code, "甲", "郾城区", "100"], [code, "乙", "郾城区", "100"]]
    with translation.override("en"):
        plan = ProjectImporter(users["county_a"]).plan(rows)
    same = f"Same record as row 2: the same 项目代码 (column A) “{code}”."
    assert [(e.row, e.letter, e.message) for e in plan.errors] == [(3, "A", same)]


def test_bulk_created_projects_get_their_signboard_tokens(regions):
    made = Project.objects.bulk_create(
        [Project(name=f"批量{n}", region=regions["郾城区"], total_investment=100) for n in range(2)]
    )
    tokens = set(Project.objects.values_list("signboard_token", flat=True))
    assert tokens == {p.signboard_token for p in made} and len(tokens) == 2 and "" not in tokens


def test_many_to_many_values_are_written_for_the_rows_that_carry_them(users, regions):
    tag = Tag.objects.create(name="导入测试标签")

    class TaggingImporter(ProjectImporter):
        columns_only = False  # the whole form, tags included

        def form_data(self, record):
            data, errors = super().form_data(record)
            return {**data, "tags": [tag.pk] if data["name"] == "带标签" else []}, errors

    importer = TaggingImporter(users["county_a"])
    plan = importer.plan([CODED, ["", "带标签", "郾城区", "100"], ["", "无标签", "郾城区", "100"]])
    importer.commit(plan)
    assert list(Project.objects.get(name="带标签").tags.all()) == [tag]
    assert not Project.objects.get(name="无标签").tags.exists()


def test_a_ledger_that_now_carries_codes_updates_the_projects_registered_without_them(users, regions):
    county = users["county_a"]
    uncoded = make_project(name="先登记后赋码", by=county)
    coded = make_project(name="已有代码", by=county, code="2401-411102-04-01-000010")
    code = "2401-411102-04-01-000011"
    import_file(county, [CODED, [code, "先登记后赋码", "郾城区", "100"], [code[:-1] + "2", "已有代码", "郾城区", "9"]])
    uncoded.refresh_from_db()
    assert uncoded.code == code and Project.objects.filter(name="先登记后赋码").count() == 1
    # A project that holds another code is another project: the row is a new one, not a code change.
    assert Project.objects.get(pk=coded.pk).code == "2401-411102-04-01-000010"
    assert Project.objects.filter(name="已有代码").count() == 2


def test_a_new_code_given_to_two_records_is_reported_before_anything_is_written(users, regions):
    make_project(name="旧项目", by=users["county_a"])
    code = "2401-411102-04-01-000003"
    rows = [CODED, [code, "旧项目", "郾城区", "100"], [code, "新项目", "郾城区", "100"]]
    with translation.override("en"):
        plan = ProjectImporter(users["county_a"]).plan(rows)
    message = f"“{code}” is also in row 2; it must be unique."
    assert [(e.row, e.column, e.message) for e in plan.errors] == [(3, "项目代码", message)]


def test_a_ledger_brings_what_projects_completed_before_reporting(users, regions):
    rows = [[*CODED, "截至上年底累计完成投资"], ["", "在建项目", "郾城区", "1.2亿", "0.3亿"]]
    import_file(users["county_a"], rows)
    project = Project.objects.get(name="在建项目")
    assert project.prior_investment == project.cumulative_investment == 3000
    with translation.override("en"):
        plan = ProjectImporter(users["county_a"]).plan(
            [[*CODED, "截至上年底累计完成投资"], ["", "超额", "郾城区", "100", "200"]]
        )
    assert [e.message for e in plan.errors] == ["More than the total investment: check both figures."]
