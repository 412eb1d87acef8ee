"""企业数据 feeds and pushes: every bad row reported and nothing written, exact money, idempotent
pushes, scoped reads."""

import io
from decimal import Decimal

import pytest

from keyprojects.core.models import Job
from keyprojects.enterprises.models import Enterprise, EnterpriseFact
from keyprojects.enterprises.tests.test_enterprises import code, wrong

HEADER = ["统一社会信用代码", "指标", "期间", "数值", "单位", "来源部门", "数据日期"]


@pytest.fixture
def firms(regions, users):
    a = Enterprise.objects.create(name="漯河卫龙食品有限公司", credit_code=code(1), region=regions["郾城区"])
    b = Enterprise.objects.create(name="舞阳华丰实业有限公司", credit_code=code(2), region=regions["舞阳县"])
    a.users.add(users["enterprise"])
    return a, b


def csv_bytes(rows):
    text = io.StringIO()
    import csv

    csv.writer(text).writerows([HEADER, *rows])
    return text.getvalue().encode("utf-8-sig")


def upload(client, content, name="feed.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/enterprises/facts/feed/", {"file": SimpleUploadedFile(name, content)})


GOOD = [
    [code(1), "营业收入", "2024", "2.1", "亿元", "市税务局", "2025-03-31"],
    [code(1), "从业人员", "2024", "320", "人", "市统计局", "2025-02-28"],
    [code(1), "用电量", "2024Q3", "85.5", "万千瓦时", "国网漯河供电公司", "2024-10-10"],
    [code(1), "高新技术企业", "2024", "2023-11-20", "", "市科技局", "2024-12-31"],
    [code(2), "研发费用", "2024", "1234567.89", "元", "市税务局", "2025-03-31"],
]


def test_city_loads_a_csv_feed_and_the_enterprise_page_shows_the_facts_with_their_source(firms, client_for, run_jobs):
    client = client_for("city_admin")
    with run_jobs():
        response = upload(client, csv_bytes(GOOD))
    job = Job.objects.get(kind="enterprises.fact_feed")
    assert response.status_code == 302 and job.result["written"] == 5
    revenue = EnterpriseFact.objects.get(enterprise=firms[0], field="revenue")
    assert revenue.number == Decimal("21000") and revenue.source == "市税务局" and revenue.year == 2024
    assert EnterpriseFact.objects.get(field="electricity").number == Decimal("855000")  # kWh
    assert EnterpriseFact.objects.get(field="rd_expense").number == Decimal("123.456789")  # 万元, to the fen
    assert str(EnterpriseFact.objects.get(field="high_tech").day) == "2023-11-20"
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="import-done"' in page
    detail = client.get(firms[0].get_absolute_url()).content.decode()
    assert "市税务局" in detail and "营业收入" in detail and "21,000.00 万元" in detail


def test_a_feed_with_bad_rows_writes_nothing_and_names_every_bad_row(firms, client_for, run_jobs):
    rows = [
        *GOOD,
        [wrong(code(1)), "营业收入", "2024", "1", "亿元", "市税务局", "2025-03-31"],
        [code(1), "纳税额", "2024", "1", "美元", "市税务局", "2025-03-31"],
        [code(1), "营业收入", "2024年第五季度", "1", "亿元", "市税务局", "2025-03-31"],
        [code(1), "利润", "2024", "1", "亿元", "市税务局", "2025-03-31"],
        [code(1), "从业人员", "2024", "12.5", "人", "市统计局", "2025-02-28"],
        [code(1), "营业收入", "2024", "2.2", "亿元", "市统计局", "2025-03-31"],  # the same period twice
        [code(99), "营业收入", "2024", "1", "亿元", "市税务局", "2025-03-31"],  # no such enterprise
    ]
    with run_jobs():
        upload(client_for("city_admin"), csv_bytes(rows))
    job = Job.objects.get(kind="enterprises.fact_feed")
    assert EnterpriseFact.objects.count() == 0
    errors = job.result["errors"]
    assert [e["row"] for e in errors] == [7, 8, 9, 10, 11, 12, 13]
    by_row = {e["row"]: e for e in errors}
    assert "校验码" in by_row[7]["message"] and by_row[7]["column"] == "统一社会信用代码"
    assert by_row[8]["column"] == "单位" and "美元" in by_row[8]["message"]
    assert by_row[9]["column"] == "期间"
    assert by_row[10]["column"] == "指标" and by_row[11]["column"] == "数值"
    assert "2" in by_row[12]["message"] and by_row[13]["column"] == "统一社会信用代码"


def test_excel_and_parquet_feeds_load_the_same_facts(firms, users):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    from keyprojects.enterprises.facts import load_feed

    book = openpyxl.Workbook()
    for row in [HEADER, *GOOD]:
        book.active.append(row)
    handle = io.BytesIO()
    book.save(handle)
    assert load_feed(handle.getvalue(), by=users["city_admin"]).written == 5
    table = pa.table({h: [r[i] for r in GOOD] for i, h in enumerate(HEADER)})
    handle = io.BytesIO()
    pq.write_table(table, handle)
    assert load_feed(handle.getvalue(), by=users["city_admin"]).written == 5
    assert EnterpriseFact.objects.count() == 5  # the second load replaced the same periods


def test_a_county_cannot_feed_facts_about_another_countys_enterprise(firms, users):
    from keyprojects.enterprises.facts import load_feed

    result = load_feed(csv_bytes(GOOD), by=users["county_a"])
    assert result.written == 0 and [e["row"] for e in result.errors] == [6]
    assert EnterpriseFact.objects.count() == 0


PUSH = {
    "facts": [
        {"credit_code": code(1), "field": "revenue", "period": "2024", "value": "210000000", "unit": "元",
         "source": "市税务局", "as_of": "2025-03-31"},
        {"credit_code": code(1), "field": "specialised", "period": "2024", "value": "2022-06-01",
         "source": "市工信局", "as_of": "2024-12-31"},
    ]
}  # fmt: skip


def test_an_api_push_is_idempotent_and_all_or_nothing(firms, api_for):
    client = api_for("city_admin")
    first = client.post("/api/enterprise-facts/push/", PUSH, format="json")
    again = client.post("/api/enterprise-facts/push/", PUSH, format="json")
    assert first.status_code == again.status_code == 200 and first.json() == {"written": 2}
    assert EnterpriseFact.objects.count() == 2
    bad = {"facts": [{**PUSH["facts"][0], "period": "2025"}, {**PUSH["facts"][1], "unit": "吨", "field": "用电量"}]}
    response = client.post("/api/enterprise-facts/push/", bad, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["row"] == 2
    assert EnterpriseFact.objects.count() == 2


def test_an_enterprise_reads_only_its_own_facts_and_cannot_push(firms, api_for, users):
    from keyprojects.enterprises.facts import load_feed

    load_feed(csv_bytes(GOOD), by=users["city_admin"])
    client = api_for("enterprise")
    listed = client.get("/api/enterprise-facts/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {r["credit_code"] for r in rows} == {code(1)}
    assert client.post("/api/enterprise-facts/push/", PUSH, format="json").status_code == 403
    assert EnterpriseFact.objects.filter(source="市工信局").count() == 0


def test_a_large_feed_goes_set_based_and_a_second_load_replaces_the_same_periods(regions, users):
    """1,200 rows: on PostgreSQL the COPY and upsert path (core/bulk.py), elsewhere bulk_create."""
    from keyprojects.enterprises.facts import load_feed

    firms = Enterprise.objects.bulk_create(
        Enterprise(name=f"批量企业{i}", credit_code=code(1000 + i), region=regions["郾城区"]) for i in range(120)
    )
    fields = [
        "营业收入",
        "纳税额",
        "研发费用",
        "出口额",
        "进口额",
        "主营业务收入",
        "研发费用加计扣除额",
        "历史最高营业收入",
    ]
    rows = [[f.credit_code, name, "2024", "100.5", "万元", "市税务局", "2025-03-31"] for f in firms for name in fields]
    rows += [[f.credit_code, "从业人员", "2024", "50", "人", "市统计局", "2025-03-31"] for f in firms]
    rows += [[f.credit_code, "用电量", "2024Q2", "3", "万千瓦时", "供电公司", "2024-07-10"] for f in firms]
    assert load_feed(csv_bytes(rows), by=users["city_admin"]).written == 1200
    rows = [[*r[:3], "200.25" if r[4] == "万元" else r[3], *r[4:]] for r in rows]
    assert load_feed(csv_bytes(rows), by=users["city_admin"]).written == 1200
    assert EnterpriseFact.objects.count() == 1200
    assert EnterpriseFact.objects.filter(field="revenue", number=Decimal("200.25")).count() == 120
    assert EnterpriseFact.objects.get(enterprise=firms[0], field="electricity").quarter == 2
