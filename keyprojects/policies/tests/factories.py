"""A policy with items and grants at every step of 免申即享, for tests."""

from datetime import date

from keyprojects.enterprises.models import Enterprise
from keyprojects.policies import services
from keyprojects.policies.choices import GrantStatus, Outcome
from keyprojects.policies.models import Grant, Policy


def make_policy(department, region, **values) -> Policy:
    return Policy.objects.create(
        **{
            "number": "漯政〔2024〕99号",
            "title": "测试惠企政策",
            "issuer": "漯河市人民政府",
            "department": department,
            "region": region,
            "published": date(2024, 3, 1),
            "valid_from": date(2024, 1, 1),
            "year": 2024,
            "as_of": date(2025, 6, 30),
            "objection_days": 0,  # paid the day it is confirmed, unless a test opens a window
            **values,
        }
    )


def grants_at_every_step(policy, enterprise: Enterprise, by) -> dict:
    """One grant per step (matched … paid), each of its own item, for `enterprise`."""
    found = {}
    steps = [
        GrantStatus.MATCHED,
        GrantStatus.REVIEWED,
        GrantStatus.PUSHED,
        GrantStatus.CONFIRMED,
        GrantStatus.FULFILLED,
    ]
    for i, status in enumerate(steps, start=1):
        item = services.save_item(
            policy,
            by=by,
            code=f"G{i}",
            name=f"奖励{i}",
            condition_text="营业收入 1亿元以上",
            formula_text="10万元",
            budget_fen=100_000_000,
            valid_from=date(2024, 1, 1),
        )
        found[status] = Grant.objects.create(
            enterprise=enterprise,
            item=item,
            outcome=Outcome.ELIGIBLE,
            status=status,
            amount_fen=10_000_000,
            amount_b_fen=10_000_000,
            granted_fen=None if status == GrantStatus.MATCHED else 10_000_000,
        )
    return found
