"""免申即享 in a real chromium, as issue 14's "done when" describes it: the city loads a fact feed;
a policy officer writes a first-crossing rule in the builder and previews it; the run matches
enterprises; the exact-threshold case shows 有歧义 with both amounts and a missing figure shows
数据不足; the officer reviews and pushes; the enterprise confirms on a phone; the payment is
refused while the pool is empty and made after it is topped up; the 公示 list shows it.
Screenshots in test-artifacts/browser/<test>/."""

import csv
import io
from datetime import date

import pytest

from keyprojects.core.access import Role
from keyprojects.core.testing.browser import PHONE
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.tests.test_enterprises import code
from keyprojects.orgs.models import Department, Membership, Region, User
from keyprojects.policies.choices import GrantStatus, Outcome
from keyprojects.policies.models import Grant

from .factories import make_policy

pytestmark = pytest.mark.browser


def person(username, role, *, name, **scope):
    user = User.objects.create_user(username, password=PASSWORD, email=f"{username}@example.org", first_name=name)
    Membership.objects.create(user=user, role=role, **scope)
    return user


def feed_file(tmp_path, firms):
    rows = [["统一社会信用代码", "指标", "期间", "数值", "单位", "来源部门", "数据日期"]]
    rows += [
        [firms["门槛企业"].credit_code, "营业收入", "2024", "2", "亿元", "市税务局", "2025-03-31"],
        [firms["门槛企业"].credit_code, "历史最高营业收入", "2024", "15000", "万元", "市税务局", "2025-03-31"],
        [firms["清晰企业"].credit_code, "营业收入", "2024", "31000", "万元", "市税务局", "2025-03-31"],
        [firms["清晰企业"].credit_code, "历史最高营业收入", "2024", "18000", "万元", "市税务局", "2025-03-31"],
        [firms["缺数企业"].credit_code, "历史最高营业收入", "2024", "9000", "万元", "市税务局", "2025-03-31"],
    ]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path = tmp_path / "税务局企业数据.csv"
    path.write_bytes(text.getvalue().encode("utf-8-sig"))
    return path


def test_feed_rule_run_review_push_confirm_on_a_phone_pay_after_top_up_and_publicity(browser_session, tmp_path):
    city = Region.objects.get(name="漯河市")
    yancheng = Region.objects.get(name="郾城区")
    bureau = Department.objects.get_or_create(region=city, name="漯河市工业和信息化局")[0]
    person("cityadmin", Role.CITY_ADMIN, name="市发改委管理员")
    person("officer", Role.DEPARTMENT_STAFF, name="工信局政策专员", department=bureau)
    filer = person("filer", Role.ENTERPRISE, name="企业财务")
    firms = {}
    for i, name in enumerate(["门槛企业", "清晰企业", "缺数企业"], start=1):
        firms[name] = Enterprise.objects.create(
            name=f"漯河{name}有限公司",
            credit_code=code(40 + i),
            region=yancheng,
            bank_account=f"6222 0210 0000 00{i:02d}",
        )
    firms["门槛企业"].users.add(filer)
    policy = make_policy(bureau, city, title="漯河市促进工业经济稳增长若干政策", as_of=date(2025, 6, 30))

    # 1. The city loads the tax bureau's feed; the job checks every row and writes them.
    desk = browser_session.new_page()
    browser_session.sign_in(desk, "cityadmin", PASSWORD)
    desk.goto("/enterprises/facts/feed/")
    desk.set_input_files("#feed-file", str(feed_file(tmp_path, firms)))
    desk.get_by_test_id("feed-upload").click()
    desk.wait_for_url("**/core/jobs/**")
    desk.wait_for_selector("[data-testid=import-done]")
    browser_session.shot(desk, "city-feed-loaded")

    # 2. The policy officer writes the first-crossing rule and previews it on sample enterprises.
    officer = browser_session.new_page()
    browser_session.sign_in(officer, "officer", PASSWORD)
    officer.goto(f"/policies/items/add/?policy={policy.pk}")
    officer.fill("#id_code", "A1")
    officer.fill("#id_name", "营业收入首次突破2亿元奖励")
    officer.fill("#id_formula_text", "20万元")
    officer.fill("#rb-value", "2")  # the builder types the rule: value, unit, "first crossing"
    officer.select_option("#rb-unit", "亿元")
    officer.get_by_test_id("rb-first").click()
    assert (
        officer.input_value("#id_condition_text") == "营业收入 突破 2亿元 [有歧义] 且 以前年度最高营业收入 不满 2亿元"
    )
    officer.fill("#id_budget", "0")
    officer.get_by_test_id("rule-preview").click()
    officer.wait_for_selector("[data-testid=preview-row]")
    preview = officer.get_by_test_id("rule-preview-out").inner_text()
    assert "有歧义" in preview and "数据不足" in preview and "20万元" in preview
    browser_session.shot(officer, "officer-rule-preview", full_page=True)
    officer.locator("form button[type=submit]").first.click()
    officer.wait_for_load_state()
    assert "营业收入 突破 2亿元 [有歧义]" in officer.get_by_test_id("condition").inner_text()

    # 3. The run: 有歧义 with both amounts at exactly 2亿, 数据不足 without revenue.
    officer.goto(policy.get_absolute_url())
    officer.get_by_test_id("run").click()
    officer.wait_for_load_state()
    browser_session.shot(officer, "officer-run", full_page=True)
    exact = Grant.objects.get(enterprise=firms["门槛企业"])
    missing = Grant.objects.get(enterprise=firms["缺数企业"])
    assert exact.outcome == Outcome.AMBIGUOUS and missing.outcome == Outcome.INSUFFICIENT
    officer.goto(missing.get_absolute_url())
    assert "数据不足" in officer.get_by_test_id("grant-outcome").inner_text()
    assert "营业收入" in officer.get_by_test_id("explanation-result").inner_text()
    browser_session.shot(officer, "officer-insufficient")
    officer.goto(exact.get_absolute_url())
    assert "20万元" in officer.get_by_test_id("both-amounts").inner_text()
    browser_session.shot(officer, "officer-ambiguous", full_page=True)

    # 4. The officer grants the other reading (突破 read as reaching) and pushes.
    officer.get_by_test_id("review").click()
    officer.select_option("#id_reading", "B")
    officer.get_by_test_id("verb-form").locator("button[type=submit]").click()
    officer.wait_for_load_state()
    officer.get_by_test_id("push").click()
    officer.wait_for_load_state()
    assert Grant.objects.get(pk=exact.pk).status == GrantStatus.PUSHED

    # 5. The enterprise confirms on its phone, from the notification.
    phone = browser_session.new_page(viewport=PHONE)
    browser_session.sign_in(phone, "filer", PASSWORD)
    phone.get_by_test_id("inbox-link").click()
    phone.get_by_test_id("notification").first.click()
    phone.wait_for_url(f"**{exact.get_absolute_url()}")
    browser_session.shot(phone, "enterprise-grant-phone", full_page=True)
    phone.get_by_test_id("confirm").click()
    phone.wait_for_load_state()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    browser_session.shot(phone, "enterprise-confirmed-phone", full_page=True)
    assert Grant.objects.get(pk=exact.pk).status == GrantStatus.CONFIRMED

    # 6. The pool is empty: the payment is refused with the figures; topped up, it is paid.
    officer.goto(exact.get_absolute_url())
    officer.get_by_test_id("fulfil").click()
    officer.wait_for_load_state()
    assert "资金池余额" in officer.content()
    browser_session.shot(officer, "officer-pay-refused")
    assert Grant.objects.get(pk=exact.pk).status == GrantStatus.CONFIRMED
    officer.goto(exact.item.get_absolute_url())
    officer.get_by_test_id("top_up-form").locator("input[name=amount]").fill("500000")
    officer.get_by_test_id("top_up").click()
    officer.wait_for_load_state()
    officer.goto(exact.get_absolute_url())
    officer.get_by_test_id("fulfil").click()
    officer.wait_for_load_state()
    assert Grant.objects.get(pk=exact.pk).status == GrantStatus.FULFILLED

    # 7. The 公示 list, open to everyone.
    public = browser_session.new_page()
    public.goto("/policies/publicity/")
    row = public.get_by_test_id("publicity").inner_text()
    assert "漯河门槛企业有限公司" in row and "20万元" in row
    browser_session.shot(public, "publicity", full_page=True)
    assert not browser_session.problems, browser_session.problems
