"""免申即享 from the match to the 公示 list, the calculator, and bad input refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyprojects.core.notification_models import Notification
from keyprojects.enterprises.models import Enterprise, EnterpriseFact
from keyprojects.enterprises.tests.test_enterprises import code
from keyprojects.policies import services
from keyprojects.policies.choices import GrantStatus, Outcome
from keyprojects.policies.models import Grant, MatchRun, PolicyItem

from .factories import make_policy

pytestmark = pytest.mark.django_db
YI_WAN = Decimal(10000)  # 1亿元 in 万元


def fact(enterprise, field, value=None, *, year=2024, day=None, as_of=date(2025, 3, 31)):
    return EnterpriseFact.objects.create(
        enterprise=enterprise, field=field, year=year, number=value, day=day, source="市税务局", as_of=as_of
    )


@pytest.fixture
def world(users, department, regions):
    """Four 郾城区 enterprises: one crossing 2亿 clearly, one exactly at 2亿, one without revenue,
    one below; the enterprise user acts for the first two."""
    firms = {}
    for i, (name, revenue) in enumerate(
        [("清晰企业", 3 * YI_WAN), ("门槛企业", 2 * YI_WAN), ("缺数企业", None), ("未达企业", YI_WAN)], start=1
    ):
        firms[name] = Enterprise.objects.create(
            name=name, credit_code=code(i), region=regions["郾城区"], bank_account=f"6222 0000 0000 000{i}"
        )
        if revenue is not None:
            fact(firms[name], "revenue", revenue)
        fact(firms[name], "prior_max_revenue", YI_WAN)
    firms["清晰企业"].users.add(users["enterprise"])
    firms["门槛企业"].users.add(users["enterprise"])
    policy = make_policy(department, regions["漯河市"], total_cap_fen=None)
    item = services.save_item(
        policy,
        by=users["city_admin"],
        code="A1",
        name="首次突破2亿元奖励",
        condition_text="营业收入 突破 2亿元 [有歧义] 且 以前年度最高营业收入 不满 2亿元",
        formula_text="20万元",
        budget_fen=20 * 1_000_000,  # 20万元: one grant's worth
    )
    return {"policy": policy, "item": item, "firms": firms, "users": users}


def grant_of(world, name):
    return Grant.objects.get(enterprise=world["firms"][name], item__code="A1")


def test_a_run_answers_eligible_ambiguous_with_both_amounts_and_insufficient_never_no(world):
    run = services.run_policy(world["policy"], by=world["users"]["city_admin"])
    assert run.counts["A1"] == {
        "eligible": 1,
        "insufficient": 1,
        "ambiguous": 1,
        "amount_fen": 20_000_000,
        "new": 3,
        "changed": 0,
        "clawback": 0,
    }
    clear, exact, missing = (grant_of(world, n) for n in ("清晰企业", "门槛企业", "缺数企业"))
    assert clear.outcome == Outcome.ELIGIBLE and clear.amount_fen == 20_000_000
    assert (exact.outcome, exact.amount_fen, exact.amount_b_fen) == (Outcome.AMBIGUOUS, 0, 20_000_000)
    assert missing.outcome == Outcome.INSUFFICIENT and "stale" in missing.risks
    assert not Grant.objects.filter(enterprise=world["firms"]["未达企业"]).exists()
    assert "营业收入" in clear.explanation["values"][1]["name"] or "营业收入" in str(clear.explanation["values"])
    assert clear.explanation["values"][0]["source"] == "市税务局"
    assert exact.explanation["result"].startswith("有歧义")


def test_the_grant_goes_from_review_to_payment_refused_on_an_empty_pool_then_paid_after_top_up(
    world, client_for, django_capture_on_commit_callbacks
):
    users = world["users"]
    services.run_policy(world["policy"], by=users["city_admin"])
    exact = grant_of(world, "门槛企业")
    officer = client_for("department")
    page = officer.get(exact.get_absolute_url()).content.decode()
    assert 'data-testid="both-amounts"' in page and "20万元" in page
    officer.post(f"{exact.get_absolute_url()}review/", {"decision": "grant", "reading": "B"})
    exact.refresh_from_db()
    assert exact.status == GrantStatus.REVIEWED and exact.granted_fen == 20_000_000
    clear = grant_of(world, "清晰企业")
    services.review_grant(clear, by=users["department"], decision="grant")
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(f"{exact.get_absolute_url()}push/")
        services.push_grant(clear, by=users["department"])
    assert Notification.objects.filter(recipient=users["enterprise"], kind="policies.grant_pushed").count() == 2
    enterprise = client_for("enterprise")
    assert "待您确认的免申即享资金" in enterprise.get("/").content.decode()
    enterprise.post(f"{exact.get_absolute_url()}confirm/")
    enterprise.post(f"{clear.get_absolute_url()}confirm/")
    exact.refresh_from_db()
    assert exact.status == GrantStatus.CONFIRMED
    services.fulfil_grant(grant_of(world, "清晰企业"), by=users["department"])  # spends the pool
    response = officer.post(f"{exact.get_absolute_url()}fulfil/", follow=True)
    exact.refresh_from_db()
    assert exact.status == GrantStatus.CONFIRMED  # refused, nothing written
    assert "资金池余额" in response.content.decode()
    officer.post(f"{world['item'].get_absolute_url()}top_up/", {"amount": "200000"})
    officer.post(f"{exact.get_absolute_url()}fulfil/")
    exact.refresh_from_db()
    assert exact.status == GrantStatus.FULFILLED and exact.paid_on is not None
    public = client_for(None).get("/policies/publicity/").content.decode()
    assert "门槛企业" in public and "清晰企业" in public and "20万元" in public
    xlsx = client_for(None).get("/policies/publicity/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_another_enterprise_cannot_confirm_and_no_bank_account_is_refused(world, users, regions):
    services.run_policy(world["policy"], by=users["city_admin"])
    clear = grant_of(world, "清晰企业")
    services.review_grant(clear, by=users["department"], decision="grant")
    services.push_grant(clear, by=users["department"])
    with pytest.raises(ValidationError):
        services.confirm_grant(clear, by=users["county_a"])
    clear.enterprise.bank_account = ""
    clear.enterprise.save()
    with pytest.raises(ValidationError):
        services.confirm_grant(Grant.objects.get(pk=clear.pk), by=users["enterprise"])
    assert Grant.objects.get(pk=clear.pk).status == GrantStatus.PUSHED


def test_a_rerun_follows_open_grants_and_flags_paid_ones_for_clawback_without_acting(world):
    users = world["users"]
    services.run_policy(world["policy"], by=users["city_admin"])
    clear = grant_of(world, "清晰企业")
    services.review_grant(clear, by=users["department"], decision="grant")
    services.push_grant(clear, by=users["department"])
    services.confirm_grant(clear, by=users["enterprise"])
    services.fulfil_grant(clear, by=users["department"])
    # new data: the clear enterprise's earlier maximum was already above 2亿; the missing one arrives
    EnterpriseFact.objects.filter(enterprise=world["firms"]["清晰企业"], field="prior_max_revenue").update(
        number=Decimal(25000)
    )
    fact(world["firms"]["缺数企业"], "revenue", Decimal(30000))
    rerun = services.run_policy(world["policy"], by=users["city_admin"])
    assert (rerun.counts["A1"]["changed"], rerun.counts["A1"]["clawback"]) == (1, 1)
    clear.refresh_from_db()
    assert clear.status == GrantStatus.FULFILLED and clear.granted_fen == 20_000_000
    assert clear.clawback and clear.rerun_outcome == Outcome.NOT_ELIGIBLE
    assert grant_of(world, "缺数企业").outcome == Outcome.ELIGIBLE
    assert MatchRun.objects.count() == 2


def test_bad_rules_are_refused_with_the_reason_and_nothing_written(world, client_for):
    officer = client_for("department")
    before = PolicyItem.objects.count()
    base = {
        "policy": world["policy"].pk,
        "code": "B1",
        "name": "坏规则",
        "mode": "automatic",
        "rounding": "yuan",
        "rounding_mode": "half_up",
        "order": 2,
        "valid_from": "2024-01-01",
        "formula_text": "10万元",
    }
    response = officer.post("/policies/items/add/", {**base, "condition_text": "利润 1亿元以上"})
    assert response.status_code == 400 and "利润" in response.content.decode()
    response = officer.post("/policies/items/add/", {**base, "condition_text": "总是", "cap": "-5"})
    assert response.status_code == 400
    response = officer.post("/policies/items/add/", {**base, "condition_text": "总是", "formula_text": "事项(B1)"})
    assert response.status_code == 400 and "循环" in response.content.decode()
    assert PolicyItem.objects.count() == before


def test_the_calculator_shows_an_enterprise_its_answers_what_if_and_near_misses(world, client_for):
    client = client_for("enterprise")
    page = client.get("/policies/calculator/").content.decode()
    assert "清晰企业" in page and "20万元" in page
    near = client.get(f"/policies/calculator/?enterprise={world['firms']['门槛企业'].pk}").content.decode()
    assert "有歧义" in near
    what_if = client.get(
        f"/policies/calculator/?enterprise={world['firms']['清晰企业'].pk}&revenue_0=19000&near=10"
    ).content.decode()
    assert 'data-testid="what-if-note"' in what_if and 'data-testid="near-miss"' in what_if
    other = client.get(f"/policies/calculator/?enterprise={world['firms']['未达企业'].pk}")
    assert other.status_code == 404  # not its enterprise


def test_the_public_calculator_stores_nothing(world, client_for):
    counts = (Grant.objects.count(), EnterpriseFact.objects.count(), MatchRun.objects.count())
    page = client_for(None).get("/policies/public-calculator/?revenue_0=25000&prior_max_revenue_0=10000")
    assert page.status_code == 200 and "20万元" in page.content.decode()
    assert (Grant.objects.count(), EnterpriseFact.objects.count(), MatchRun.objects.count()) == counts


def test_the_api_calculator_explains_and_is_scoped(world, api_for):
    ok = api_for("enterprise").get(f"/api/policies/policies/calculator/?enterprise={world['firms']['清晰企业'].pk}")
    assert ok.status_code == 200
    answer = ok.json()["answers"][0]
    assert answer["status"] == Outcome.ELIGIBLE and answer["amount_fen"] == 20_000_000
    assert answer["explanation"]["values"]
    other = api_for("enterprise").get(f"/api/policies/policies/calculator/?enterprise={world['firms']['未达企业'].pk}")
    assert other.status_code == 404


def test_figures_count_each_step_by_policy_and_region_with_days_from_data_to_payment(world, client_for):
    users = world["users"]
    services.run_policy(world["policy"], by=users["city_admin"])
    clear = grant_of(world, "清晰企业")
    services.review_grant(clear, by=users["department"], decision="grant")
    services.push_grant(clear, by=users["department"])
    services.confirm_grant(clear, by=users["enterprise"])
    services.fulfil_grant(clear, by=users["department"])
    found = services.figures(users["department"])
    row = found["rows"][0]
    assert (row["enterprise__region__name"], row["matched"], row["pushed"], row["confirmed"], row["paid"]) == (
        "郾城区",
        3,
        1,
        1,
        1,
    )
    assert row["amount"] == 20_000_000 and row["days"] == (clear.paid_on - date(2025, 3, 31)).days
    assert found["pools"][0]["share"] == 100
    page = client_for("department").get("/policies/figures/").content.decode()
    assert "郾城区" in page and "20万元" in page and "100.0%" in page


def test_rules_export_as_text_and_import_back_all_or_nothing(world, client_for):
    from keyprojects.policies.demo import ITEMS

    officer = client_for("department")
    text = officer.get(f"/policies/policies/{world['policy'].pk}/rules.txt").content.decode()
    assert "[A1] 首次突破2亿元奖励" in text and "条件: 营业收入 突破 2亿元 [有歧义]" in text
    # the same file again changes nothing
    officer.post(f"{world['policy'].get_absolute_url()}import_rules/", {"text": text})
    assert PolicyItem.objects.filter(policy=world["policy"]).count() == 1
    more = text + (
        "\n[A2] 研发补助\n条件: 研发费用 300万元以上\n金额: 较小值(比例(10%, 研发费用), 100万元)\n"
        "取整: 元 舍去\n上限: 无\n资金池: 80万元\n"
    )
    response = officer.post(f"{world['policy'].get_absolute_url()}import_rules/", {"text": more})
    assert response.status_code == 302
    a2 = PolicyItem.objects.get(policy=world["policy"], code="A2")
    assert a2.rounding_mode == "floor" and a2.budget_fen == 80 * 1_000_000
    bad = more.replace("研发费用 300万元以上", "利润 300万元以上") + "\n[A3] 坏\n条件: 总是\n金额: 事项(A3)\n"
    response = officer.post(f"{world['policy'].get_absolute_url()}import_rules/", {"text": bad})
    page = response.content.decode()
    assert response.status_code == 400 and "A2" in page and "利润" in page
    assert PolicyItem.objects.filter(policy=world["policy"]).count() == 2
    assert len(ITEMS) == 8


def test_no_payment_during_the_objection_window_and_an_objection_sends_the_grant_back_to_review(world, users):
    world["policy"].objection_days = 7
    world["policy"].save()
    services.run_policy(world["policy"], by=users["city_admin"])
    clear = grant_of(world, "清晰企业")
    services.review_grant(clear, by=users["department"], decision="grant")
    services.push_grant(clear, by=users["department"])
    services.confirm_grant(clear, by=users["enterprise"])
    with pytest.raises(ValidationError):
        services.fulfil_grant(clear, by=users["department"])
    assert Grant.objects.get(pk=clear.pk).status == GrantStatus.CONFIRMED
    services.object_to_grant(Grant.objects.get(pk=clear.pk), by=users["department"], reason="实际营业收入有误")
    clear.refresh_from_db()
    assert clear.status == GrantStatus.MATCHED and clear.granted_fen is None
    assert clear.events.filter(type="objected").exists()


def test_the_grant_list_costs_the_same_queries_at_3_and_30_grants(world, client_for, regions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.run_policy(world["policy"], by=world["users"]["city_admin"])
    client = client_for("department")

    def queries():
        client.get("/policies/grants/")  # warm: sessions, caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/policies/grants/").status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for i in range(27):
        firm = Enterprise.objects.create(name=f"新增企业{i}", credit_code=code(200 + i), region=regions["郾城区"])
        fact(firm, "revenue", 3 * YI_WAN)
        fact(firm, "prior_max_revenue", YI_WAN)
    services.run_policy(world["policy"], by=world["users"]["city_admin"])
    assert Grant.objects.count() == 30
    assert queries() == few
