"""A leader on a phone, in a real chromium, from the week's most-at-risk list to a project's
delivery confidence and the reasons behind it. Screenshots in test-artifacts/browser/<test>/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from keyprojects.core.access import Role
from keyprojects.core.testing.browser import PHONE
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.dashboards import forecast
from keyprojects.orgs.models import Membership, Region, User
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Milestone, Project, RiskModel

pytestmark = pytest.mark.browser


def test_leader_phone_from_most_at_risk_to_a_projects_reasons(browser_session):
    today = timezone.localdate()
    leader = User.objects.create_user("fenbao", password=PASSWORD, first_name="刘分包")
    Membership.objects.create(user=leader, role=Role.LEADER)
    region = Region.objects.get(name="郾城区")
    risky = Project.objects.create(
        name="双汇冷链物流园", region=region, total_investment=150000, stage=Stage.STARTED,
        actual_start_date=today - timedelta(days=300), leader=leader, in_statistics=True,
    )  # fmt: skip
    calm = Project.objects.create(
        name="平稳推进项目", region=region, total_investment=60000, stage=Stage.STARTED,
        actual_start_date=today - timedelta(days=200), leader=leader, in_statistics=True,
    )  # fmt: skip
    for project, late in ((risky, True), (calm, False)):
        Milestone.objects.create(
            project=project, name="拿地", order=1, planned_date=today - timedelta(days=250),
            actual_date=today - timedelta(days=170 if late else 248),
        )  # fmt: skip
        Milestone.objects.create(
            project=project, name="主体封顶", order=2,
            planned_date=today - timedelta(days=20) if late else today + timedelta(days=90),
        )  # fmt: skip
    weights = [1.5, 0.2, 0.5, 0.0, 0.5, 1.2, 0.8, 0.3, 0.2, 0.0, 0.0, 0.0]
    model = RiskModel.objects.create(
        version=1,
        trained_at=timezone.now(),
        as_of=today,
        card={"trained_on": {"rows": 900, "late": 300, "projects": 120}, "backtest": {"trained_months": 0}},
        parameters={"features": list(forecast.FEATURES), "means": [0.2] * 12, "scales": [1.0] * 12,
                    "coefficients": weights, "intercept": -1.0},
        beats_lights=True,
    )  # fmt: skip
    assert forecast.refresh_forecasts(today, model) == 2

    phone = browser_session.new_page(viewport=PHONE)
    browser_session.sign_in(phone, "fenbao", PASSWORD)
    phone.goto("/dashboards/at-risk/")
    items = phone.get_by_test_id("at-risk-item")
    assert items.count() == 2
    first = items.first.inner_text()
    assert "双汇冷链物流园" in first and ("很低" in first or "较低" in first)
    assert "主体封顶" in first
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    browser_session.shot(phone, "leader-most-at-risk-phone", full_page=True)

    items.first.click()
    phone.wait_for_url(f"**{risky.get_absolute_url()}")
    phone.get_by_test_id("panel-tab-forecast").click()
    panel = phone.get_by_test_id("project-forecast")
    panel.wait_for()
    text = panel.inner_text()
    assert "交付信心" in text and "节点“主体封顶”已超过计划日期20天" in text
    assert "此前已有1个节点逾期超过30天" in text
    panel.scroll_into_view_if_needed()
    phone.wait_for_timeout(400)  # the tab's fade
    browser_session.shot(phone, "leader-project-reasons-phone", full_page=True)
