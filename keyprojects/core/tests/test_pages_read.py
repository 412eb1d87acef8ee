"""Every page reads its numbers the one way (core/display.py): as the main roles see the menu's
pages and a project's pages, in Chinese and in English, no amount is shown without thousands
separators, no Decimal keeps its trailing zeros and no time is shown as a machine writes it."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from keyprojects.campaigns import services as campaign_services
from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.tests.factories import make_phase, project_at
from keyprojects.core.context import acting
from keyprojects.core.testing.pages import menu_urls, raw_numbers, visible_text
from keyprojects.projects import services
from keyprojects.projects.models import ProgressReport, Project, YearPlan

pytestmark = pytest.mark.django_db

ROLES = ["city_admin", "county_a", "leader", "service_officer", "enterprise", "auditor"]
EXTRA = ["/", "/dashboards/campaign/", "/dashboards/campaign/screen/", "/projects/mine/", "/core/changes/"]


def month_back(today, n):
    year, month = divmod(today.year * 12 + today.month - 1 - n, 12)
    return date(year, month + 1, 1)


@pytest.fixture
def city(users, department):
    """A city with amounts that show every way a number can go wrong: 130 亿 (1,300,000 万元), a
    plan of 964,976.38 万元, reports of 23,832.77 万元, a changed total in the history."""
    county = users["county_a"]
    people = {"leader": users["leader"].pk, "service_officer": users["service_officer"].pk}
    big = project_at(
        "平漯周高速铁路漯河段",
        by=county,
        total="1300000",
        prior_investment="12345.67",
        latitude="33.488090",
        longitude="113.958992",
        signed=date(2023, 6, 30),
        started=date(2023, 12, 29),
        **people,
    )
    today = timezone.localdate()
    YearPlan.objects.create(project=big, year=today.year, planned_investment=Decimal("964976.38"))
    for n, amount in ((3, "23832.77"), (2, "27843.75"), (1, "33512.63")):
        report = services.save_report(
            ProgressReport(
                project=big, month=month_back(today, n), investment=Decimal(amount), physical_progress="主体施工"
            ),
            by=county,
        )
        services.submit_report(report, by=county)
    with acting(county):
        big.total_investment = Decimal("1312345.60")
        big.save()
    small = project_at("冷链物流中心", by=county, total="8000.5", signed=date(2024, 3, 1), **people)
    phase = make_phase(1, date(2024, 3, 15))
    for project, batch in ((big, Batch.START), (small, Batch.SIGN)):
        campaign_services.add_entry(phase, project, batch, by=users["city_admin"], history=True)
    return {"big": Project.objects.get(pk=big.pk), "small": small, "phase": phase}


def project_pages(city):
    big = city["big"]
    report = big.reports.first()
    return [
        big.get_absolute_url(),
        f"{big.get_absolute_url()}history/",
        report.get_absolute_url(),
        f"{report.get_absolute_url()}history/",
        big.milestones.first().get_absolute_url(),
        big.year_plans.first().get_absolute_url(),
        city["phase"].get_absolute_url(),
        "/campaigns/indicators/",
        "/campaigns/rankings/?period=month",
        "/campaigns/summary/",
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_raw_number(role, language, city, client_for):
    client = client_for(role)
    urls = list(dict.fromkeys(menu_urls(client) + EXTRA + project_pages(city)))
    found = {}
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        raw = raw_numbers(visible_text(response.content.decode()))
        if raw:
            found[url] = raw[:3]
    assert not found, "raw numbers:\n" + "\n".join(f"{url}  {raw}" for url, raws in found.items() for raw in raws)


def test_the_scan_finds_what_it_looks_for():
    text = visible_text(
        "<p>891057.65 万元</p><p title='14424.5100000000 / 15566.02'>x</p><td>2026-12-04T20:23:31.531Z</td>"
        "<input value='1300000.00'><script>var a = 1300000.00</script><p>130.00 亿元 · 1,300,000.00 · 48.2%</p>"
    )
    found = raw_numbers(text)
    assert [f.split(":")[0] for f in found] == [
        "no thousands separators",  # 891057.65
        "no thousands separators",  # 14424.51…
        "no thousands separators",  # 15566.02
        "trailing zeros",
        "machine time",
    ]
    assert raw_numbers("130.00 亿元 · 1,300,000.00 万元 · 48.2% · 2024年3月5日 14:20 · 33.48809°") == []
