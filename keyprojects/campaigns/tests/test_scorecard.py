"""The provincial scorecard on a small hand-made campaign: each sub-score from its inputs (worked
out by hand in the comments), configuration changing weights and formulas, a block without a
data source saying so instead of scoring zero, and scoping."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from keyprojects.campaigns import scorecard
from keyprojects.campaigns.choices import Batch
from keyprojects.projects.tests.factories import make_project

from .factories import listed, make_phase, project_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(regions):
    p1, p2 = make_phase(1, date(2024, 3, 1)), make_phase(2, date(2024, 6, 1))
    # SIGN: a (started later) and b (still only signed) → 开工率 1/2 = 50%; 履约率 1/2 (b has
    # neither owner nor land) = 50%.
    a = project_at("签约已开工", signed=date(2024, 2, 1), started=date(2024, 5, 1))
    b = project_at("签约未开工", region="舞阳县", signed=date(2024, 2, 2))
    # START: a and c; c is producing → 投产率 1/2 = 50%.
    c = project_at(
        "开工已投产", total="1000000", signed=date(2023, 1, 1), started=date(2024, 4, 1), producing=date(2024, 8, 1)
    )
    # PRODUCE: c, not at capacity → 达效率 0/1 = 0%.
    listed(p1, a, Batch.SIGN)
    listed(p1, b, Batch.SIGN)
    listed(p2, a, Batch.START)
    listed(p1, c, Batch.START)
    listed(p2, c, Batch.PRODUCE)
    # The reserve: 4 PLANNED projects of 1,000,000 万元 (100 亿) each in total 400 亿.
    for n in range(4):
        make_project(name=f"储备项目{n}", total="1000000")
    return {"a": a, "b": b, "c": c}


def blocks(card):
    return {b.key: b for b in card.blocks}


def test_default_blocks_score_from_the_rates_and_the_reserve(campaign, users):
    card = scorecard.compute(users["city_admin"])
    b = blocks(card)
    planning = {i.key: i for i in b["planning"].items}
    # 4 of a target of 100 projects × 5 = 0.20; 4,000,000 of 5,000,000 万元 × 5 = 4.00.
    assert planning["reserve_count"].value == 4 and planning["reserve_count"].score == Decimal("0.20")
    assert planning["reserve_investment"].score == Decimal("4.00")
    signing = {i.key: i for i in b["signing"].items}
    # 履约率 50% and 开工率 50% of a 100% target, 15 points each → 7.50 + 7.50.
    assert signing["performance"].value == Decimal("50.0") and signing["performance"].score == Decimal("7.50")
    assert signing["start"].score == Decimal("7.50") and b["signing"].score == Decimal("15.00")
    assert signing["start"].inputs  # the entries counted are shown with the score
    assert b["starting"].score == Decimal("15.00")  # 投产率 50% × 30
    assert b["producing"].score == Decimal("0.00")  # 达效率 0% × 20: data exists, so zero is a score
    # Bonus: c is a 百亿级 project (1,000,000 万元) → 0.5.
    assert card.bonus_score == Decimal("0.5")
    assert card.total == Decimal("0.20") + Decimal("4.00") + Decimal("15.00") + Decimal("15.00") + Decimal("0.50")


def test_service_block_without_closed_problems_says_so_and_the_total_is_partial(campaign, users):
    card = scorecard.compute(users["city_admin"])
    service = blocks(card)["service"]
    assert not service.has_data and service.score is None  # the problem ledger: nothing closed yet
    assert not any(i.no_source for i in service.items)
    assert card.partial and card.available == Decimal(90) and card.full_marks == Decimal(100)
    assert [b.key for b in card.missing] == ["service"]


def test_a_source_no_app_provides_says_so(campaign, users, monkeypatch):
    monkeypatch.setitem(scorecard.SOURCES, "problems_resolved", None)
    service = blocks(scorecard.compute(users["city_admin"]))["service"]
    assert all(i.no_source for i in service.items)


def test_scorecard_page_shows_no_data_yet_and_partial(campaign, client_for):
    response = client_for("city_admin").get("/campaigns/scorecard/")
    assert response.status_code == 200
    body = response.content.decode()
    service = body.split('data-testid="block-service"')[1].split("</tbody>")[0]
    assert "no data yet" in service
    assert 'data-testid="partial"' in body and "90 of 100 points" in body
    assert client_for("anonymous").get("/campaigns/scorecard/").status_code == 302


def test_the_default_configuration_passes_the_system_check():
    assert scorecard.check_scorecard() == []


def test_weights_targets_and_formulas_are_configuration(campaign, users, settings):
    settings.KEYPROJECTS_CAMPAIGN_SCORECARD = {
        "blocks": [
            {
                "key": "signing",
                "label": "签约落地",
                "items": [
                    # 开工率 50% against a 40% target: ratio caps at the whole 20 points.
                    {"key": "start", "source": "indicator:start", "target": 40, "weight": 20},
                    # 履约率 50% against 60% as a threshold: not reached → 0.
                    {
                        "key": "performance",
                        "source": "indicator:performance",
                        "target": 60,
                        "weight": 10,
                        "formula": "threshold",
                    },
                ],
            }
        ],
        "bonus": [],
    }
    card = scorecard.compute(users["city_admin"])
    items = {i.key: i for i in card.blocks[0].items}
    assert items["start"].score == Decimal("20.00") and items["performance"].score == Decimal("0.00")
    assert card.total == Decimal("20.00") and not card.partial and card.full_marks == Decimal(30)


def test_an_unknown_source_or_formula_stops_with_its_name(campaign, users, settings):
    settings.KEYPROJECTS_CAMPAIGN_SCORECARD = {
        "blocks": [{"key": "x", "label": "x", "items": [{"key": "y", "source": "indicator:nope", "weight": 1}]}]
    }
    with pytest.raises(ImproperlyConfigured, match="nope"):
        scorecard.compute(users["city_admin"])
    assert [e.id for e in scorecard.check_scorecard()] == ["campaigns.E002"]  # and at start-up
    settings.KEYPROJECTS_CAMPAIGN_SCORECARD = {
        "blocks": [
            {
                "key": "x",
                "label": "x",
                "items": [{"key": "y", "source": "reserve_count", "weight": 1, "formula": "log"}],
            }
        ]
    }
    with pytest.raises(ImproperlyConfigured, match="log"):
        scorecard.compute(users["city_admin"])


def test_a_county_is_scored_on_its_own_entries(campaign, users):
    # 舞阳县 has only b: SIGN, not started → 开工率 0%; no START or PRODUCE entries, so those
    # blocks have nothing counted (no data), not zero.
    card = scorecard.compute(users["county_b"])
    b = blocks(card)
    start = next(i for i in b["signing"].items if i.key == "start")
    assert (start.value, start.inputs["counted entries"]) == (Decimal("0.0"), 1)
    assert not b["starting"].has_data and not b["producing"].has_data
    assert card.bonus_score == 0  # the 百亿级 project is in 郾城区
    nothing = scorecard.compute(users["enterprise"])
    assert all(not b.has_data for b in nothing.blocks if b.key != "planning")
