"""The 六职 leads ledger: imported through the lead's form and service; a company already
followed is refused at its row in the preview and nothing is written; a clean file creates the
leads with their targets and timelines."""

import pytest

from keyprojects.core.testing.cases import upload, xlsx_bytes

from ..models import Lead, LeadEvent, TargetEnterprise
from .factories import cadre, food_chain, lead

pytestmark = pytest.mark.django_db
HEADER = ["目标企业", "项目名称", "落地县区", "责任人", "链节", "发现日期", "意向投资（亿元）"]


def imported(client, rows, run_jobs, commit=False):
    with run_jobs():
        response = client.post("/attraction/leads/import/", {"file": upload("招商线索台账.xlsx", xlsx_bytes(rows))})
    job = client.get(response.url).context["job"]
    if commit:
        with run_jobs():
            client.post(response.url)
    return job


def test_a_ledger_row_of_a_company_already_followed_is_refused_and_nothing_is_written(users, client_for, run_jobs):
    food_chain()
    owner = cadre("zhang", name="张明")
    first = lead(owner, by=users["county_a"], company="漯河冷链物流有限公司")
    rows = [
        HEADER,
        ["上海鲜道冷链物流有限公司", "鲜道冷链物流园项目", "郾城区", "张明", "冷链物流", "2026-03-02", "8"],
        ["漯河冷鏈物流有限責任公司", "重复项目", "郾城区", "张明", "冷链物流", "2026-03-03", "2"],
    ]
    job = imported(client_for("county_a"), rows, run_jobs)
    assert job.result["error_count"] == 1
    error = job.result["errors"][0]
    assert error["row"] == 3 and first.name in error["message"]
    assert Lead.objects.count() == 1


def test_a_clean_ledger_creates_the_leads_with_their_targets_and_timelines(users, client_for, run_jobs):
    food_chain()
    cadre("zhang", name="张明")
    rows = [
        HEADER,
        ["上海鲜道冷链物流有限公司", "鲜道冷链物流园项目", "郾城区", "张明", "冷链物流", "2026-03-02", "8"],
        ["苏州优膳预制菜有限公司", "优膳预制菜项目", "郾城区", "张明", "包装", "2026-03-05", "1.5"],
    ]
    job = imported(client_for("county_a"), rows, run_jobs, commit=True)
    assert job.result["error_count"] == 0, job.result["errors"]
    created = Lead.objects.get(name="鲜道冷链物流园项目")
    assert created.investment == 80000 and created.link.name == "冷链物流" and created.owner.user.first_name == "张明"
    assert TargetEnterprise.objects.count() == 2 and LeadEvent.objects.filter(type="found").count() == 2


def test_the_lead_export_reimports_its_ledger_columns_and_neutralises_formulas(users, client_for, run_jobs):
    from keyprojects.core.testing.cases import read_xlsx

    owner = cadre("zhang", name="张明")
    lead(owner, by=users["county_a"], company="=HYPERLINK(1)公司", name="=1+1")
    rows = read_xlsx(client_for("county_a").get("/attraction/leads/?export=xlsx"))
    assert rows[0][:3] == ("目标企业", "统一社会信用代码", "项目名称") or rows[0][:3] == [
        "目标企业",
        "统一社会信用代码",
        "项目名称",
    ]
    assert rows[1][0] == "'=HYPERLINK(1)公司" and rows[1][2] == "'=1+1" and rows[1][4] == "张明"


@pytest.mark.parametrize(
    "url", ["trips", "cadres", "funds", "targets", "teams", "links", "chains", "goals", "chain-goals", "visits"]
)
def test_every_attraction_list_exports(url, users, client_for):
    from .factories import attraction_city

    attraction_city(users)
    response = client_for("city_admin").get(f"/attraction/{url}/?export=xlsx")
    assert response.status_code == 200
