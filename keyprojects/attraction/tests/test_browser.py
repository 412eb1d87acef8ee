"""Issue 16's "done when" in a real chromium: a county cadre reports a trip, the county approves
it, the cadre records a visit on the trip that creates a lead on a chain gap; the lead is
negotiated, pre-evaluated by the county, signed with its agreement and handed over; the new
project is SIGNED in the project library and a candidate for the next phase's 签约一批, and the
cadre's ranking moves. Screenshots in test-artifacts/browser/<test>/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from keyprojects.campaigns.tests.factories import make_phase
from keyprojects.core.access import Role
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.orgs.models import Membership, Region, User
from keyprojects.projects.choices import Stage

from ..choices import LeadStatus, TripStatus
from ..models import Lead, Trip
from .factories import PDF, cadre, food_chain, lead

pytestmark = pytest.mark.browser


def submit(page):
    """The verb page's own button."""
    page.get_by_test_id("verb-form").locator("button[type=submit]").click()


def rank_of(page, name):
    page.goto("/attraction/rankings/")
    row = page.get_by_test_id("rank-row").filter(has_text=name)
    return int(row.locator("td").first.inner_text().strip())


def test_a_cadres_trip_becomes_a_lead_on_a_gap_a_signed_project_and_a_better_rank(browser_session, tmp_path):
    today = timezone.localdate()
    yancheng = Region.objects.get(name="郾城区")
    staff = User.objects.create_user("county", password=PASSWORD, first_name="郾城区项目专员")
    Membership.objects.create(user=staff, role=Role.REGION_STAFF, region=yancheng)
    me = cadre("cadre", name="李招商")
    me.user.set_password(PASSWORD)
    me.user.save()
    rival = cadre("rival", name="王招商")
    _chain, links = food_chain()
    lead(rival, by=staff, company="甲食品有限公司", on=today - timedelta(days=3))
    lead(rival, by=staff, company="乙食品有限公司", on=today - timedelta(days=3))
    lead(me, by=staff, company="丙食品有限公司", on=today - timedelta(days=2))
    phase = make_phase(1, today + timedelta(days=30), title="第一期")
    agreement = tmp_path / "投资协议.pdf"
    agreement.write_bytes(PDF)

    # 1. The cadre reports a trip before it starts, and sees where they stand.
    page = browser_session.new_page()
    browser_session.sign_in(page, "cadre", PASSWORD)
    before = rank_of(page, "李招商")
    browser_session.shot(page, "rankings-before")
    page.goto("/attraction/trips/add/")
    page.fill("#id_destination", "上海")
    page.fill("#id_whom", "上海鲜道冷链物流有限公司")
    page.fill("#id_purpose", "洽谈冷链物流园项目")
    page.fill("#id_start_on", today.isoformat())
    page.fill("#id_end_on", (today + timedelta(days=2)).isoformat())
    browser_session.shot(page, "trip-report", full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    trip = Trip.objects.get(cadre=me)
    assert trip.status == TripStatus.REPORTED

    # 2. The county approves it.
    desk = browser_session.new_page()
    browser_session.sign_in(desk, "county", PASSWORD)
    desk.goto(trip.get_absolute_url())
    desk.get_by_test_id("approve").click()
    submit(desk)
    desk.wait_for_load_state()
    trip.refresh_from_db()
    assert trip.status == TripStatus.APPROVED
    desk.goto("/attraction/travelling/")
    assert "上海" in desk.get_by_test_id("travelling").inner_text()
    browser_session.shot(desk, "travelling-this-week")

    # 3. On the trip, the cadre records a visit that creates a lead on the 冷链物流 gap.
    page.goto(trip.get_absolute_url())
    page.get_by_test_id("record_visit").click()
    page.fill("#id_company", "上海鲜道冷链物流有限公司")
    page.fill("#id_lead_name", "鲜道冷链物流园项目")
    page.select_option("#id_link", label=str(links["冷链物流"]))
    page.fill("#id_investment", "8亿")
    page.fill("#id_people", "李招商、鲜道王总")
    browser_session.shot(page, "visit-creates-lead", full_page=True)
    submit(page)
    page.wait_for_load_state()
    found = Lead.objects.get(name="鲜道冷链物流园项目")
    assert found.link.gap == "fill" and found.status == LeadStatus.VISITED and found.investment == 80000

    # 4. Negotiation by the cadre; the county's pre-evaluation (项目预估评审).
    page.goto(found.get_absolute_url())
    page.get_by_test_id("negotiate").click()
    submit(page)
    page.wait_for_load_state()
    desk.goto(found.get_absolute_url())
    desk.get_by_test_id("evaluate").click()
    for field, value in {
        "land_mu": "150",
        "energy_tce": "2800",
        "tax_per_mu": "40",
        "output": "12亿",
        "jobs": "350",
        "score": "88",
    }.items():
        desk.fill(f"#id_{field}", value)
    desk.select_option("#id_opinion", "recommend")
    browser_session.shot(desk, "pre-evaluation", full_page=True)
    submit(desk)
    desk.wait_for_load_state()

    # 5. The cadre records the signed agreement with its file.
    page.goto(found.get_absolute_url())
    page.get_by_test_id("sign").click()
    page.set_input_files("#id_agreement", str(agreement))
    submit(page)
    page.wait_for_load_state()
    found.refresh_from_db()
    assert found.status == LeadStatus.SIGNED and found.agreement
    browser_session.shot(page, "lead-signed", full_page=True)

    # 6. The county hands it over: a SIGNED project, with the lead's timeline on its page.
    desk.goto(found.get_absolute_url())
    desk.get_by_test_id("hand_over").click()
    desk.wait_for_load_state()
    found.refresh_from_db()
    project = found.project
    assert project.stage == Stage.SIGNED and project.actual_sign_date == today
    assert "鲜道冷链物流园项目" in desk.get_by_test_id("project-lead").inner_text()
    browser_session.shot(desk, "project-from-lead", full_page=True)
    desk.goto("/projects/projects/?q=鲜道")
    listed = desk.locator("table").inner_text()
    assert "鲜道冷链物流园项目" in listed and "签约" in listed
    browser_session.shot(desk, "project-library")
    desk.goto(f"{phase.get_absolute_url()}candidates/")
    assert "鲜道冷链物流园项目" in desk.locator("main").inner_text()
    browser_session.shot(desk, "next-phase-candidates", full_page=True)

    # 7. The cadre's ranking moved.
    after = rank_of(page, "李招商")
    browser_session.shot(page, "rankings-after")
    assert after < before
