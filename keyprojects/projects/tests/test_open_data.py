"""Open data: the published projects as an OC4IDS 0.9.5 project package that validates against
the standard's schema with format checking (the official blank example must fail it), its CSV
flattening, and a public page with the licence; the export costs the same queries for more projects."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from keyprojects.projects import opendata, services
from keyprojects.projects.models import ListMembership, ProgressReport, Project, ProjectList, YearPlan

from .factories import make_project, start_project

pytestmark = pytest.mark.django_db

STANDARD = Path(__file__).parent / "oc4ids"  # the standard's schemas and examples, copied with their licence
PROJECT_SCHEMA = "https://standard.open-contracting.org/infrastructure/schema/0__9__5/project-schema.json"


def validator():
    """The package schema, its project schema resolved from the local copy, dates and URIs checked."""
    package = json.loads((STANDARD / "project-package-schema.json").read_text(encoding="utf-8"))
    project = json.loads((STANDARD / "project-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(PROJECT_SCHEMA, DRAFT4.create_resource(project))
    checker = FormatChecker()
    assert {"date-time", "uri"} <= set(checker.checkers), (
        "format checking needs rfc3339-validator and rfc3986-validator"
    )
    return Draft4Validator(package, registry=registry, format_checker=checker)


def problems(document):
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(document))


@pytest.fixture
def published(users, regions):
    county = users["county_a"]
    built = make_project(name="漯河食品产业园", by=county, total="125000", construction_content="年产10万吨休闲食品")
    built = start_project(built, by=county, on=date(2024, 3, 1))
    for month, amount in ((date(2024, 3, 1), "1000"), (date(2024, 4, 1), "2500")):
        report = ProgressReport(project=built, month=month, investment=Decimal(amount), physical_progress="主体施工")
        services.submit_report(services.save_report(report, by=county), by=county)
    YearPlan.objects.create(project=built, year=2024, planned_investment=Decimal("30000"))
    services.publish_signboard(built, by=county, published=True)
    listed = make_project(name="名单内项目", by=county, total="8000", latitude="33.58", longitude="114.01")
    open_list = ProjectList.objects.create(name="市重点（公开）", open_data=True)
    ListMembership.objects.create(project=listed, list=open_list, start=date(2024, 1, 1))
    make_project(name="未公开项目", by=county)
    return built, listed


def download(url):
    response = Client().get(url)  # no sign-in: open data is public
    assert response.status_code == 200, response
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_package_validates_against_oc4ids_and_says_what_we_know(published):
    built, listed = published
    package = json.loads(download("/open-data/oc4ids.json"))
    assert problems(package) == []
    assert package["version"] == "0.9" and package["publisher"]["name"] == settings.OPEN_DATA_PUBLISHER
    projects = {p["title"]: p for p in package["projects"]}
    assert set(projects) == {"漯河食品产业园", "名单内项目"}  # the unpublished one is not there
    food = projects["漯河食品产业园"]
    assert food["status"] == "implementation" and food["sector"] == ["economy"]
    assert food["budget"]["amount"] == {"amount": 1250000000.0, "currency": "CNY"}
    assert food["locations"][0]["gazetteer"] == {"scheme": "CN-GB-T-2260", "identifiers": ["411103"]}
    assert food["locations"][0]["geometry"]["coordinates"] == [114.006943, 33.587409]  # 郾城区's seat
    [financial, physical] = food["metrics"]
    assert [o["value"]["amount"] for o in financial["observations"]] == [10000000.0, 35000000.0]
    assert physical["observations"][0]["measure"] == "主体施工"
    assert food["forecasts"][0]["observations"][0]["value"]["amount"] == 300000000.0
    assert {m["title"] for m in food["milestones"]} >= {"开工"}
    assert projects["名单内项目"]["locations"][0]["geometry"]["coordinates"] == [114.01, 33.58]


def test_the_validation_bites_the_official_blank_example_and_a_bad_date_fail(published):
    blank = json.loads((STANDARD / "example_blank.json").read_text(encoding="utf-8"))
    assert problems(blank)
    package = json.loads(download("/open-data/oc4ids.json"))
    package["publishedDate"] = "2024-13-45"
    package["projects"][0]["status"] = "building"  # inside a project: the project schema is applied too
    assert problems(package) == [
        "projects/0/status: 'building' is not one of ['identification', 'preparation', 'implementation', "
        "'completion', 'maintenance', 'decommissioning', 'decommissioned', 'cancelled']",
        "publishedDate: '2024-13-45' is not a 'date-time'",
    ]


def test_the_csv_flattening_has_a_row_per_published_project(published):
    text = download("/open-data/oc4ids.csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["title"] for r in rows] == ["漯河食品产业园", "名单内项目"]
    assert rows[0]["budget/amount/amount"] == "1250000000.0" and rows[0]["status"] == "implementation"


def test_the_public_page_gives_the_licence_and_the_downloads(published):
    page = Client().get("/open-data/")
    html = page.content.decode()
    assert page.status_code == 200 and settings.OPEN_DATA_LICENSE in html
    assert 'data-testid="open-data-json"' in html and 'data-testid="open-data-csv"' in html


def test_the_package_costs_the_same_queries_for_more_projects(users, regions, monkeypatch):
    monkeypatch.setattr(opendata, "CHUNK", 1000)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            list(opendata.package_json("https://example.org/p.json", "https://example.org/"))
        return len(captured.captured_queries)

    for n in range(3):
        services.publish_signboard(
            make_project(name=f"公开{n}", by=users["county_a"]), by=users["county_a"], published=True
        )
    few = queries()
    for n in range(3, 12):
        services.publish_signboard(
            make_project(name=f"公开{n}", by=users["county_a"]), by=users["county_a"], published=True
        )
    assert queries() == few and Project.objects.filter(signboard_published=True).count() == 12
