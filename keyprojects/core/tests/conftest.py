"""A city whose pages every reading test walks (test_pages_read, test_language): amounts that show
every way a number can go wrong, a history, a campaign phase."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from keyprojects.campaigns import services as campaign_services
from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.tests.factories import make_phase, project_at
from keyprojects.core.context import acting
from keyprojects.projects import services
from keyprojects.projects.models import ProgressReport, Project, YearPlan

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
    from keyprojects.attraction.tests.factories import attraction_city

    return {"big": Project.objects.get(pk=big.pk), "small": small, "phase": phase, **attraction_city(users)}


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
        city["lead"].get_absolute_url(),
        city["chain"].get_absolute_url(),
        city["trip"].get_absolute_url(),
        "/attraction/rankings/?by=region",
    ]
