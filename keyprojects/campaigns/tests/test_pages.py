"""Entry pages through the standard cases, the scoping matrix, the history import, the
indicators page, drill-down and API."""

from datetime import date

import pytest

from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.models import BatchEntry, Phase
from keyprojects.campaigns.views import BatchEntryViews
from keyprojects.core.testing.cases import ModelCase, assert_matrix, listed, upload, xlsx_bytes
from keyprojects.core.tests.test_query_counts import assert_no_query_per_row
from keyprojects.projects.models import Project

from .factories import listed as list_entry
from .factories import make_phase, project_at

pytestmark = pytest.mark.django_db


def planning_phase():
    return Phase.objects.filter(number=1).first() or make_phase(1, date(2024, 6, 1), title="秋季")


class TestBatchEntry(ModelCase):
    views = BatchEntryViews
    api_url = "/api/campaigns/entries/"
    invalid = {"batch": "签约两批"}
    bad_cell = ("批次", "签约两批")

    def make(self, regions, department, name="郾城签约项目", **values):
        project = project_at(values.pop("name", name), signed=date(2024, 3, 1))
        return list_entry(planning_phase(), project, Batch.SIGN)

    def make_outside(self, regions, department):
        return list_entry(
            planning_phase(), project_at("舞阳签约项目", region="舞阳县", signed=date(2024, 3, 2)), Batch.SIGN
        )

    def form_data(self, regions, department):
        project = Project.objects.filter(name="表单项目").first() or project_at("表单项目", signed=date(2024, 4, 1))
        return {"phase": planning_phase().pk, "project": project.pk, "batch": "sign"}

    def import_rows(self, regions):
        planning_phase()
        coded = project_at("代码匹配项目", signed=date(2024, 3, 5), code="2401-411103-04-01-000001")
        project_at("名称匹配项目", signed=date(2024, 3, 6))
        project_at("名称匹配项目", region="舞阳县", signed=date(2024, 3, 6))  # same name, other county
        return [
            ["期次", "批次", "项目代码", "项目名称", "所属县区", "总投资（万元）"],
            ["第一期", "签约一批", coded.code, "", "", "12.5亿元"],
            ["1", "签约一批", "", "名称匹配项目", "郾城区", ""],
            ["第1期", "签约", "", "表单项目", "郾城区", "3000万元"],
        ]

    def setup_form_project(self):
        return project_at("表单项目", signed=date(2024, 4, 1))

    def test_import_with_one_bad_row_writes_nothing_then_fixed_file_imports(self, client_for, regions, run_jobs):
        self.setup_form_project()
        super().test_import_with_one_bad_row_writes_nothing_then_fixed_file_imports(client_for, regions, run_jobs)

    def test_export_is_the_filtered_rows_with_formulas_neutralised(self, client_for, regions, department):
        self.make(regions, department, name='=HYPERLINK("http://x")')
        self.make_outside(regions, department)
        from keyprojects.core.testing.cases import read_xlsx

        rows = read_xlsx(client_for(self.editor).get(self.url("list") + "?export=xlsx"))
        assert len(rows) == 2 and any(str(v).startswith("'=HYPERLINK") for v in rows[1])
        assert rows[1][:2] == [1, "Signing batch"]  # the phase number and batch re-import as they are


def test_history_import_reads_real_text_and_freezes_the_listed_figures(client_for, regions, run_jobs):
    make_phase(12, date(2024, 4, 1))
    make_phase(13, date(2024, 9, 20))
    coded = project_at(
        "正大超级食品工厂", signed=date(2024, 3, 5), started=date(2024, 5, 1), code="2401-411103-04-01-000002"
    )
    named = project_at("卫龙三期产业园", signed=date(2024, 3, 6), started=date(2024, 4, 1), producing=date(2024, 9, 1))
    rows = [
        ["期次", "批次", "项目代码", "项目名称", "所属县区", "总投资（万元）", "年度计划投资"],
        ["第十二期", "签约一批", coded.code, "", "", "12.5亿元", "8000"],
        ["13", "开工一批", coded.code, "", "", "", ""],
        ["第十三期", "投产一批", "", "卫龙三期产业园", "郾城区", "30,000", ""],
    ]
    client = client_for("city_admin")
    with run_jobs():
        response = client.post(
            "/campaigns/entries/import/", {"file": upload("历次清单.xlsx", xlsx_bytes(rows, "三个一批项目清单"))}
        )
    preview = client.get(response.url).context["job"].result
    assert preview["error_count"] == 0 and preview["creates"] == 3, preview
    with run_jobs():
        client.post(response.url)
    sign = BatchEntry.objects.get(project=coded, batch=Batch.SIGN)
    assert (sign.phase.number, sign.total_investment, sign.planned_investment) == (12, 125000, 8000)
    assert sign.stage == "signed"  # the stage on the phase date, not today's
    assert BatchEntry.objects.get(project=coded, batch=Batch.START).total_investment == coded.total_investment
    assert BatchEntry.objects.get(project=named).phase.number == 13  # held phases take history


def test_import_row_with_an_unmatched_project_reports_row_and_column(client_for, regions, run_jobs):
    make_phase(1, date(2024, 6, 1))
    project_at("已登记项目", signed=date(2024, 3, 6))
    rows = [
        ["期次", "批次", "项目代码", "项目名称", "所属县区"],
        ["第一期", "签约一批", "", "已登记项目", "郾城区"],
        ["第一期", "签约一批", "", "查无此项目", "郾城区"],
        ["第二期", "开工一批", "", "已登记项目", "郾城区"],
    ]
    client = client_for("city_admin")
    with run_jobs():
        response = client.post("/campaigns/entries/import/", {"file": upload("清单.xlsx", xlsx_bytes(rows))})
    result = client.get(response.url).context["job"].result
    errors = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert "查无此项目" in errors[(3, "项目名称")]
    assert "no phase 2" in errors[(4, "期次")]
    assert result["error_count"] == 2 and not BatchEntry.objects.exists()


ROLES = ["city_admin", "county_a", "county_b", "department", "leader", "enterprise", "auditor", "anonymous"]


def test_entry_scoping_matrix(client_for, api_for, users, regions):
    project = project_at("郾城分包项目", signed=date(2024, 3, 1), leader=users["leader"].pk)
    entry = list_entry(make_phase(1, date(2024, 6, 1)), project, Batch.SIGN)
    # The project moves county after listing: the entry stays with the region it was listed under.
    Project.objects.filter(pk=project.pk).update(region=regions["舞阳县"])

    def check(row, role):
        if row == "list":
            if role == "anonymous":
                return client_for(role).get("/campaigns/entries/").status_code
            return entry.pk in listed(client_for(role), "/campaigns/entries/")
        if row == "detail":
            return client_for(role).get(f"/campaigns/entries/{entry.pk}/").status_code
        if row == "api":
            return api_for(role).get(f"/api/campaigns/entries/{entry.pk}/").status_code
        if row == "indicators":
            response = api_for(role).get("/api/campaigns/indicators/")
            return response.json()["summary"]["entries"] if response.status_code == 200 else response.status_code
        if row == "phase":
            return client_for(role).get(f"/campaigns/phases/{entry.phase_id}/").status_code

    assert_matrix(
        {
            #             admin  county_a county_b dept  leader enterprise auditor anonymous
            "list": [True, True, False, False, True, False, True, 302],
            "detail": [200, 200, 404, 404, 200, 404, 200, 302],
            "api": [200, 200, 404, 404, 200, 404, 200, 401],
            "indicators": [1, 1, 0, 0, 1, 0, 1, 401],
            "phase": [200, 200, 200, 200, 200, 200, 200, 302],
        },
        ROLES,
        check,
    )


def test_indicator_page_shows_definitions_regions_and_drills_down(client_for, regions):
    phase = make_phase(1, date(2024, 6, 1))
    started = project_at("已开工项目", signed=date(2024, 3, 1), started=date(2024, 5, 1))
    waiting = project_at("待开工项目", region="舞阳县", signed=date(2024, 3, 2))
    list_entry(phase, started, Batch.SIGN)
    list_entry(phase, waiting, Batch.SIGN)
    client = client_for("city_admin")
    page = client.get("/campaigns/indicators/?by=region&phase=" + str(phase.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Start rate: signing-batch entries whose project is now started" in html
    rows = {str(label): cells for label, cells in page.context["rows"]}
    start = {label: next(f for f, _q in cells if f.indicator.key == "start") for label, cells in rows.items()}
    assert start["郾城区"].rate == 100 and start["舞阳县"].rate == 0
    drill = client.get(f"/campaigns/indicators/start/?phase={phase.pk}&region={regions['舞阳县'].pk}")
    assert [e.project.name for e in drill.context["denominator_table"].data] == ["待开工项目"]
    assert list(drill.context["numerator_table"].data) == []
    assert client.get("/campaigns/indicators/nonsense/").status_code == 404
    assert client.get("/campaigns/indicators/?phase=abc&region=x&by=nope&tier=9").status_code == 200


def test_indicator_api_gives_numerators_denominators_and_definitions(api_for):
    phase = make_phase(1, date(2024, 6, 1))
    list_entry(phase, project_at("开工项目", signed=date(2024, 3, 1), started=date(2024, 5, 1)), Batch.SIGN)
    list_entry(phase, project_at("签约项目", signed=date(2024, 3, 1)), Batch.SIGN)
    body = api_for("city_admin").get("/api/campaigns/indicators/?by=phase").json()
    start = next(i for i in body["indicators"] if i["key"] == "start")
    assert (start["numerator_entries"], start["denominator_entries"], start["numerator_projects"]) == (1, 2, 1)
    assert float(start["rate"]) == 50.0 and start["description"].startswith("Start rate")
    assert body["groups"][0]["label"] == "第一期"


def test_phase_api_locks_through_the_service(api_for):
    phase = make_phase(1, date(2024, 6, 1))
    list_entry(phase, project_at("签约项目", signed=date(2024, 3, 1)), Batch.START)
    admin = api_for("city_admin")
    assert admin.get(f"/api/campaigns/phases/{phase.pk}/readiness/").json()[0]["batch"] == "start"
    assert admin.post(f"/api/campaigns/phases/{phase.pk}/lock/", {}, format="json").status_code == 400
    assert api_for("county_a").post(f"/api/campaigns/phases/{phase.pk}/lock/", {}, format="json").status_code == 403
    response = admin.post(
        f"/api/campaigns/phases/{phase.pk}/lock/", {"override_reason": "已具备开工条件"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "locked"
    refused = api_for("county_a").post(
        "/api/campaigns/entries/",
        {"phase": phase.pk, "project": project_at("锁后项目", signed=date(2024, 3, 1)).pk, "batch": "sign"},
        format="json",
    )
    assert refused.status_code == 400 and "locked" in str(refused.json())


@pytest.mark.parametrize("url", ["/campaigns/entries/", "/campaigns/indicators/start/"])
def test_entry_pages_have_no_query_per_row(client_for, regions, url):
    phase = make_phase(1, date(2024, 6, 1))

    def make(n):
        project = Project.objects.create(
            name=f"项目{n}",
            region=regions["郾城区"],
            total_investment=1000 + n,
            stage="signed",
            actual_sign_date=date(2024, 3, 1),
        )
        return list_entry(phase, project, Batch.SIGN)

    if url.endswith("start/"):
        client = client_for("county_a")
        make(0)
        client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for n in range(1, 30):
            make(n)
        client.get(url)  # the figures are computed again once after the writes, then cached
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
        assert len(response.context["denominator_table"].page.object_list) == 30
        assert len(few.captured_queries) == len(many.captured_queries)
    else:
        assert_no_query_per_row(client_for("county_a"), url, make, kind="list")


def test_indicator_page_and_api_cost_the_same_queries_for_3_and_30_entries(client_for, api_for, regions):
    phase = make_phase(1, date(2024, 6, 1))
    counter = iter(range(100))

    def add(n):
        for _ in range(n):
            i = next(counter)
            project = Project.objects.create(
                name=f"项目{i}",
                region=regions["郾城区" if i % 2 else "舞阳县"],
                total_investment=1000 * i,
                stage="started",
                actual_sign_date=date(2024, 1, 1),
                actual_start_date=date(2024, 2, 1),
            )
            list_entry(phase, project, Batch.SIGN if i % 3 else Batch.START)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(client, url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    page, api = client_for("county_a"), api_for("county_a")
    add(3)
    few = [cost(page, f"/campaigns/indicators/?by={by}") for by in ("region", "phase", "tier")]
    few_api = cost(api, "/api/campaigns/indicators/?by=region")
    add(27)
    assert [cost(page, f"/campaigns/indicators/?by={by}") for by in ("region", "phase", "tier")] == few
    assert cost(api, "/api/campaigns/indicators/?by=region") == few_api


def test_verb_pages_render_for_the_city_and_refuse_outsiders(client_for):
    phase = make_phase(1, date(2024, 6, 1))
    list_entry(phase, project_at("签约项目", signed=date(2024, 3, 1)), Batch.START)
    project_at("候选项目", signed=date(2024, 5, 1))
    admin = client_for("city_admin")
    candidates = admin.get(f"/campaigns/phases/{phase.pk}/candidates/")
    assert candidates.status_code == 200 and "候选项目" in candidates.content.decode()
    readiness = admin.get(f"/campaigns/phases/{phase.pk}/readiness/")
    assert [f.entry.project.name for f in readiness.context["failures"]] == ["签约项目"]
    assert admin.get("/campaigns/phases/").status_code == 200
    assert admin.get(f"/campaigns/phases/{phase.pk}/lock/").status_code == 200
    assert client_for("leader").get(f"/campaigns/phases/{phase.pk}/candidates/").status_code == 403
    assert client_for("county_b").get(f"/campaigns/phases/{phase.pk}/lock/").status_code == 403
    assert admin.get("/campaigns/phases/999/readiness/").status_code == 404
