"""Durations (加速度) on hand-made projects: the intervals, the medians per tier, the fastest, and
the seed's sentence in both languages."""

from datetime import date

import pytest
from django.utils import translation

from keyprojects.dashboards import durations
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Milestone, Project

pytestmark = pytest.mark.django_db


def built(regions, name, total, sign, land, start, production, capacity=None, region="郾城区"):
    project = Project.objects.create(
        name=name,
        region=regions[region],
        total_investment=total,
        stage=Stage.AT_CAPACITY if capacity else Stage.PRODUCING,
        actual_sign_date=sign,
        actual_start_date=start,
        actual_production_date=production,
        actual_capacity_date=capacity,
    )
    Milestone.objects.create(project=project, name="拿地", order=1, actual_date=land)
    return project


@pytest.fixture
def projects(regions):
    # 金大地: 120 亿元, start 2023-03-01 → capacity 2024-09-01 = 550 days ≈ 18 months: 一年半
    big = built(
        regions, "金大地新材料项目", 1_200_000, date(2023, 1, 1), date(2023, 2, 15), date(2023, 3, 1),
        date(2024, 3, 1), date(2024, 9, 1),
    )  # fmt: skip
    # another 百亿级 project, slower: start → capacity 730 days
    slow = built(
        regions, "慢项目", 1_100_000, date(2022, 1, 1), date(2022, 6, 1), date(2022, 7, 1),
        date(2023, 7, 1), date(2024, 7, 1), region="舞阳县",
    )  # fmt: skip
    # a small one, not at capacity: no start → capacity interval
    small = built(regions, "小项目", 5_000, date(2024, 1, 1), date(2024, 1, 20), date(2024, 2, 1), date(2024, 8, 1))
    return big, slow, small


def test_intervals_medians_and_the_fastest(projects, users):
    big, slow, small = projects
    rows = {r.name: r for r in durations.project_durations(Project.objects.all())}
    assert rows["金大地新材料项目"].days == {
        "sign_land": 45,
        "sign_start": 59,
        "start_production": 366,
        "start_capacity": 550,
    }
    assert rows["小项目"].days["start_capacity"] is None
    with translation.override("zh-hans"):
        groups = {g["key"]: g for g in durations.grouped(users["city_admin"], list(rows.values()), "tier")}
    hundred = {c["key"]: c for c in groups["100"]["cells"]}
    assert (hundred["start_capacity"]["median"], hundred["start_capacity"]["n"]) == (640, 2)  # (550 + 730) / 2
    assert [r.name for r in durations.fastest(list(rows.values()))] == ["金大地新材料项目", "慢项目"]


def test_the_generated_sentence_in_both_languages(projects):
    rows = durations.project_durations(Project.objects.all())
    with translation.override("zh-hans"):
        assert durations.sentence(rows) == "总投资120亿元的金大地新材料项目，从开工建设到投产达效仅用时一年半。"
        assert durations.duration_words(730) == "两年" and durations.duration_words(300) == "十个月"
    with translation.override("en"):
        assert "took only 1.5 years" in durations.sentence(rows)


def test_the_page_and_the_project_tab(projects, client_for):
    page = client_for("city_admin").get("/dashboards/durations/", {"by": "region"})
    assert page.status_code == 200 and "金大地新材料项目" in page.content.decode()
    assert client_for("city_admin").get("/dashboards/durations/", {"by": "nonsense"}).status_code == 200
    detail = client_for("city_admin").get(f"/projects/projects/{projects[0].pk}/")
    assert 'data-testid="project-durations"' in detail.content.decode()


def test_the_api_gives_medians_and_the_sentence_within_scope(projects, api_for):
    city = api_for("city_admin").get("/api/dashboards/durations/", {"by": "tier"}).json()
    assert city["groups"][0]["key"] == "100" and city["fastest"][0]["name"] == "金大地新材料项目"
    county = api_for("county_b").get("/api/dashboards/durations/").json()
    assert [row["name"] for row in county["fastest"]] == ["慢项目"]
    assert api_for("city_admin").get("/api/dashboards/durations/", {"by": "x"}).status_code == 400
