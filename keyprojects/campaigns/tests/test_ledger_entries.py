"""期次 + 类别 of the project ledger become the campaign's batch entries, under its own rules:
checked at the preview with the file's row and heading, written with the projects, never twice."""

import pytest

from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.models import BatchEntry
from keyprojects.projects.choices import Stage
from keyprojects.projects.importers import ProjectImporter
from keyprojects.projects.models import Project
from keyprojects.projects.tests.test_ledger_columns import workbook

from .factories import D, listed, make_phase, project_at

pytestmark = pytest.mark.django_db

HEADER = ["项目名称", "所属县区", "总投资（亿元）", "签约日期", "开工日期", "期次", "类别"]


@pytest.fixture
def world(users, regions):
    admin = users["city_admin"]
    first, second = make_phase(1, D(2024, 3, 1)), make_phase(2, D(2024, 9, 1))
    started = project_at("已开工项目", signed=D(2024, 1, 5), started=D(2024, 5, 6), total_investment=50000)
    listed_before = project_at("已入列项目", signed=D(2023, 12, 1), started=D(2024, 2, 1), total_investment=8000)
    listed(first, listed_before, Batch.START, history=True)
    return admin, first, second, started, listed_before


def preview(user, rows):
    importer = ProjectImporter(user)
    return importer, importer.plan(rows)


def test_phase_and_batch_columns_list_the_rows_projects_and_refuse_what_the_campaign_refuses(world, tmp_path):
    admin, first, second, started, listed_before = world
    rows = [
        HEADER,
        ["新签约项目", "郾城区", 3, "2024-08-20", "", "第二期", "签约一批"],
        ["已开工项目", "郾城区", 5, "", "", "2", "开工"],
        ["已入列项目", "郾城区", 0.8, "", "", "第二期", "开工一批"],
        ["第九期项目", "郾城区", 1, "2024-08-01", "", "第九期", "签约一批"],
        ["两批项目", "郾城区", 1, "2024-08-01", "", "第二期", "签约两批"],
    ]
    _importer, plan = preview(admin, workbook(tmp_path / "bad.xlsx", rows))
    assert [(e.row, e.letter, e.column, e.message) for e in plan.errors] == [
        (
            5,
            "F",
            "期次",
            f"{listed_before} is already listed in the Starting batch of {first}; "
            "a project is listed once per batch type.",
        ),
        (6, "F", "期次", "There is no phase “第九期” on the platform; add the phase first."),
        (7, "G", "类别", "“签约两批” is not a batch: write 签约一批, 开工一批 or 投产一批."),
    ]
    assert not BatchEntry.objects.filter(phase=second).exists()

    good = workbook(tmp_path / "good.xlsx", rows[:3])
    importer, plan = preview(admin, good)
    assert plan.errors == []
    notes = {(w.row, w.message) for w in plan.warnings if w.column == "期次"}
    assert notes == {
        (3, f"Listed in the Signing batch of {second}."),
        (4, f"Listed in the Starting batch of {second}."),
    }
    importer.commit(plan)
    new = Project.objects.get(name="新签约项目")
    entries = BatchEntry.objects.filter(phase=second).order_by("batch")
    assert [(e.project, e.batch) for e in entries] == [(new, Batch.SIGN), (started, Batch.START)]
    assert entries.get(project=new).total_investment == 30000  # 3 亿元, in 万元
    # Signed on 2024-08-20, before the phase's day: listed as signed, on its timeline once.
    assert new.stage == Stage.SIGNED and entries.get(project=new).stage == Stage.SIGNED
    assert list(new.events.values_list("to_stage", "date")) == [(Stage.SIGNED, D(2024, 8, 20))]

    importer, again = preview(admin, good)  # the same file once more: nothing to write
    assert again.errors == [] and again.creates == [] and again.updates == []
    assert BatchEntry.objects.filter(phase=second).count() == 2


def test_a_phase_without_its_batch_is_said_not_guessed(world, tmp_path):
    admin, _first, second, started, _listed = world
    rows = [HEADER, ["已开工项目", "郾城区", 5, "", "", "第二期", ""]]
    _importer, plan = preview(admin, workbook(tmp_path / "a.xlsx", rows))
    assert plan.errors == []
    assert [(w.row, w.letter, w.message) for w in plan.warnings] == [
        (3, "F", "Not listed in a phase: the row gives “第二期” but not both 期次 and 类别.")
    ]
    assert not BatchEntry.objects.filter(phase=second, project=started).exists()
