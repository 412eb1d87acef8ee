"""Every state change of policies and grants, one function each (STYLE habit 2): atomic, the
actor as `by=`, the grant's timeline written inside, notifications sent after the commit."""

import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from keyprojects.enterprises.models import Enterprise

from . import data, reference
from .choices import GrantEventType, GrantStatus, Outcome, Risk
from .engine import Program
from .language import RuleError, order_items, parse_condition, parse_formula
from .models import Grant, GrantEvent, MatchRun, Policy, PolicyItem
from .semantics import AMBIGUOUS, MISSING, NO, YES

NEAR = 0.05  # within 5% of a threshold: a reviewer looks twice
SPENT = (GrantStatus.FULFILLED, GrantStatus.ARCHIVED)
OPEN_GRANT = (GrantStatus.MATCHED, GrantStatus.REVIEWED, GrantStatus.REJECTED)


def fen_text(fen: int | None) -> str:
    """An amount for the reader: 32万元 or 1,234.56元 in Chinese; 320,000.00 yuan in English."""
    if fen is None:
        return "—"
    if translation.get_language() == "zh-hans":
        return reference.money_text(fen)
    yuan, cents = divmod(fen, 100)
    return _("%(amount)s yuan") % {"amount": f"{yuan:,}.{cents:02d}"}


def current_items(policy: Policy):
    return list(policy.items.filter(archived_at__isnull=True).order_by("order", "code"))


# --- rules ----------------------------------------------------------------------------------


def check_items(items: list[PolicyItem]) -> None:
    """The items of a policy together: every item they read exists, no circle."""
    order_items({i.code: [i.condition, i.formula] for i in items})


@transaction.atomic
def save_item(
    policy: Policy,
    *,
    by,
    code: str,
    name: str,
    condition_text: str,
    formula_text: str,
    mode: str = "automatic",
    rounding: str = "yuan",
    rounding_mode: str = "half_up",
    cap_fen: int | None = None,
    budget_fen: int | None = None,
    valid_from: date | None = None,
    order: int | None = None,
) -> PolicyItem:
    """A new item, or a new version of the item with this code: the rule is read and checked
    against the policy's other items before anything is written; the old version is closed."""
    if cap_fen is not None and cap_fen < 0:
        raise ValidationError({"cap_fen": _("An amount or cap cannot be below zero.")})
    if budget_fen is not None and budget_fen < 0:
        raise ValidationError({"budget_fen": _("An amount or cap cannot be below zero.")})
    others = [i for i in current_items(policy) if i.code != code]
    codes = {i.code for i in others} | {code}
    try:
        condition = parse_condition(condition_text, codes)
    except RuleError as error:
        raise ValidationError({"condition_text": error.messages}) from error
    try:
        formula = parse_formula(formula_text, codes)
    except RuleError as error:
        raise ValidationError({"formula_text": error.messages}) from error
    previous = policy.items.filter(code=code, archived_at__isnull=True).first()
    item = PolicyItem(
        policy=policy,
        code=code,
        name=name,
        mode=mode,
        condition=condition,
        formula=formula,
        rounding=rounding,
        rounding_mode=rounding_mode,
        cap_fen=cap_fen,
        budget_fen=budget_fen if budget_fen is not None else (previous.budget_fen if previous else 0),
        valid_from=valid_from or timezone.localdate(),
        order=order if order is not None else (previous.order if previous else len(others) + 1),
        version=(previous.version + 1) if previous else 1,
    )
    try:
        check_items([*others, item])
    except RuleError as error:
        raise ValidationError({"formula_text": error.messages}) from error
    if previous is not None:
        previous.valid_to = item.valid_from
        previous.archived_at = timezone.now()
        previous.save()
    item.save()
    return item


def revise_item(item: PolicyItem, *, by, condition_text: str, formula_text: str, **changes) -> PolicyItem:
    """The verb 修订: a new version of the item's rule."""
    return save_item(
        item.policy,
        by=by,
        code=item.code,
        name=changes.pop("name", item.name),
        condition_text=condition_text,
        formula_text=formula_text,
        mode=changes.pop("mode", item.mode),
        rounding=changes.pop("rounding", item.rounding),
        rounding_mode=changes.pop("rounding_mode", item.rounding_mode),
        cap_fen=changes.pop("cap_fen", item.cap_fen),
        **changes,
    )


@transaction.atomic
def import_rules(policy: Policy, *, by, text: str) -> Policy:
    """导入规则: a rules file (rulefile.py), all items or none; an unchanged item stays as it is,
    a changed one gets a new version."""
    from .rulefile import read_rules

    current = {i.code: i for i in current_items(policy)}
    items = read_rules(text, known_codes=current)
    # checked together with the items the file does not name, before anything is written
    others = [i for code, i in current.items() if code not in {item["code"] for item in items}]
    order_items(
        {
            **{i.code: [i.condition, i.formula] for i in others},
            **{i["code"]: [i["condition"], i["formula"]] for i in items},
        }
    )
    for order, item in enumerate(items, start=1):
        existing = current.get(item["code"])
        compared = ("condition", "formula", "name", "mode", "rounding", "rounding_mode", "cap_fen", "budget_fen")
        same = existing is not None and all(getattr(existing, key) == item[key] for key in compared)
        if same:
            continue
        save_item(
            policy,
            by=by,
            code=item["code"],
            name=item["name"],
            condition_text=item["condition_text"],
            formula_text=item["formula_text"],
            mode=item["mode"],
            rounding=item["rounding"],
            rounding_mode=item["rounding_mode"],
            cap_fen=item["cap_fen"],
            budget_fen=item["budget_fen"],
            order=existing.order if existing else len(current) + order,
        )
    return policy


def pool(item: PolicyItem) -> tuple[int, int]:
    """(budget, spent) in fen for the item's code, over its versions."""
    spent = (
        Grant.objects.filter(item__policy=item.policy, item__code=item.code, status__in=SPENT)
        .aggregate(total=Sum("granted_fen"))
        .get("total")
        or 0
    )
    return item.budget_fen, spent


@transaction.atomic
def top_up(item: PolicyItem, *, by, amount: Decimal) -> PolicyItem:
    """追加预算: money added to the item's budget pool (amount in 元)."""
    fen = amount * 100
    if amount <= 0 or fen != fen.to_integral_value():
        raise ValidationError({"amount": _("A top-up is a positive amount in yuan, to the fen.")})
    locked = PolicyItem.objects.select_for_update().get(pk=item.pk)
    locked.budget_fen += int(fen)
    locked.save()
    return locked


# --- evaluation -----------------------------------------------------------------------------


def evaluate(policy: Policy, facts: reference.Enterprise, items=None) -> list[dict]:
    """Every item for one enterprise, with the explanation, risks and near misses (the
    calculator and the grants' explanations)."""
    items = items if items is not None else current_items(policy)
    rules = data.rules_of(items)
    evaluator = reference.Evaluator(rules, facts, policy.total_cap_fen)
    answers, traces = evaluator.run()
    found = []
    for item in items:
        answer = answers[item.code]
        explanation = reference.explain(evaluator, item.code, answer, traces[item.code], version=item.version_label)
        near = reference.margins(traces[item.code], NEAR)
        found.append(
            {
                "item": item,
                "status": answer[0],
                "amount": answer[1],
                "amount_b": answer[2],
                "explanation": explanation,
                "near": near,
                "risks": risks_of(answer[0], facts, explanation, near),
            }
        )
    return found


def risks_of(status: int, facts: reference.Enterprise, explanation: dict, near: list) -> list[str]:
    risks = []
    if status == MISSING or any(v["note"] for v in explanation["values"]):
        risks.append(Risk.STALE)
    if near:
        risks.append(Risk.NEAR)
    if status == AMBIGUOUS:
        risks.append(Risk.AMBIGUOUS)
    black = facts.titles.get("blacklisted")
    if black is not None and black.value == 1:
        risks.append(Risk.BLACKLISTED)
    return [str(r) for r in risks]


def data_date(explanation: dict) -> date | None:
    """The newest as-of date of the facts a decision read: "days from data to payment" counts
    from it."""
    days = [v["as_of"] for v in explanation.get("values", ()) if v.get("as_of")]
    return date.fromisoformat(max(days)) if days else None


def figures(user) -> dict:
    """兑现统计: per policy and region, enterprises matched, pushed, confirmed, paid, the amount
    paid and the days from the data to the payment; and each item's budget use. One query for
    the counts, one for the days, one for the pools."""
    from django.db.models import Count, Q

    grants = Grant.objects.restrict(user).filter(archived_at__isnull=True)
    reached = {
        "pushed": (GrantStatus.PUSHED, GrantStatus.CONFIRMED, *SPENT),
        "confirmed": (GrantStatus.CONFIRMED, *SPENT),
        "paid": SPENT,
    }
    rows = list(
        grants.values("item__policy", "item__policy__title", "enterprise__region__name")
        .annotate(
            matched=Count("enterprise", distinct=True, filter=~Q(outcome=Outcome.NOT_ELIGIBLE)),
            pushed=Count("enterprise", distinct=True, filter=Q(status__in=reached["pushed"])),
            confirmed=Count("enterprise", distinct=True, filter=Q(status__in=reached["confirmed"])),
            paid=Count("enterprise", distinct=True, filter=Q(status__in=reached["paid"])),
            amount=Sum("granted_fen", filter=Q(status__in=SPENT)),
        )
        .order_by("item__policy__title", "enterprise__region__name")
    )
    days: dict = {}
    for policy, region, paid_on, as_of in grants.filter(status__in=SPENT, paid_on__isnull=False).values_list(
        "item__policy", "enterprise__region__name", "paid_on", "data_as_of"
    ):
        if as_of is not None:
            days.setdefault((policy, region), []).append((paid_on - as_of).days)
    for row in rows:
        found = days.get((row["item__policy"], row["enterprise__region__name"]))
        row["days"] = round(sum(found) / len(found), 1) if found else None
    pools = []
    for item in (
        PolicyItem.objects.filter(archived_at__isnull=True).select_related("policy").order_by("policy", "order")
    ):
        budget, spent = pool(item)
        pools.append(
            {"item": item, "budget": budget, "spent": spent, "share": (spent * 1000 // budget) / 10 if budget else None}
        )
    return {"rows": rows, "pools": pools}


def _event(grant: Grant, type_: str, by, **payload) -> GrantEvent:
    return GrantEvent.objects.create(grant=grant, type=type_, actor=by, data=payload)


@transaction.atomic
def run_policy(policy: Policy, *, by) -> MatchRun:
    """匹配: every current item over every enterprise by the vectorised engine; new answers
    become MATCHED grants, changed answers update grants not yet pushed, and a grant already
    pushed, confirmed or paid that the new run would give less is flagged for clawback, never
    changed."""
    items = current_items(policy)
    if not items:
        raise ValidationError(_("The policy has no items to run."))
    check_items(items)
    rules = data.rules_of(items)
    table, ids = data.load_table(policy, rules)
    started = time.perf_counter()
    outcomes = Program(rules, policy.total_cap_fen).run(table)
    seconds = time.perf_counter() - started
    run = MatchRun.objects.create(policy=policy, ran_by=by, enterprises=len(ids), seconds=seconds)
    counts = {}
    for item in items:
        outcome = outcomes[item.code]
        found = {int(ids[i]): (int(outcome.status[i]), int(outcome.amount[i]), int(outcome.amount_b[i]))
                 for i in (outcome.status != NO).nonzero()[0]}  # fmt: skip
        counts[item.code] = {
            "eligible": int((outcome.status == YES).sum()),
            "insufficient": int((outcome.status == MISSING).sum()),
            "ambiguous": int((outcome.status == AMBIGUOUS).sum()),
            "amount_fen": int(outcome.amount[outcome.status == YES].sum()),
        }
        counts[item.code].update(_record(policy, item, run, found, by))
    run.counts = counts
    run.save()
    return run


def _record(policy: Policy, item: PolicyItem, run: MatchRun, found: dict, by) -> dict:
    """Grants follow the run; what changed since the previous run is counted for its page."""
    tally = {"new": 0, "changed": 0, "clawback": 0}
    existing = {
        g.enterprise_id: g for g in Grant.objects.filter(item__policy=policy, item__code=item.code).order_by("created")
    }
    enterprises = {
        e.pk: e for e in Enterprise.objects.filter(pk__in=set(found) | set(existing)).select_related("region")
    }
    items = current_items(policy)
    for pk in sorted(set(found) | set(existing)):
        status, amount, amount_b = found.get(pk, (NO, 0, 0))
        grant = existing.get(pk)
        if grant is None:
            facts = data.enterprise_facts(policy, enterprises[pk])
            detail = next(d for d in evaluate(policy, facts, items) if d["item"].code == item.code)
            grant = Grant.objects.create(
                enterprise=enterprises[pk],
                item=item,
                run=run,
                outcome=status,
                amount_fen=amount,
                amount_b_fen=amount_b,
                risks=detail["risks"],
                explanation=detail["explanation"],
                data_as_of=data_date(detail["explanation"]) or policy.as_of,
            )
            _event(grant, GrantEventType.MATCHED, by, outcome=status, amount_fen=amount, amount_b_fen=amount_b)
            tally["new"] += 1
            continue
        before = (grant.outcome, grant.amount_fen, grant.amount_b_fen)
        if before == (status, amount, amount_b) and grant.item_id == item.pk:
            continue
        if grant.status in OPEN_GRANT:
            facts = data.enterprise_facts(policy, enterprises[pk])
            detail = next(d for d in evaluate(policy, facts, items) if d["item"].code == item.code)
            grant.item, grant.run, grant.outcome = item, run, status
            grant.amount_fen, grant.amount_b_fen, grant.granted_fen = amount, amount_b, None
            grant.risks, grant.explanation = detail["risks"], detail["explanation"]
            grant.status = GrantStatus.MATCHED if status != NO else GrantStatus.REJECTED
            grant.save()
            _event(grant, GrantEventType.CHANGED, by, before_fen=before[1], after_fen=amount)
            tally["changed"] += 1
        else:
            grant.rerun_outcome, grant.rerun_amount_fen = status, amount
            lower = status != YES or amount < grant.amount_due_fen
            if lower and not grant.clawback:
                grant.clawback = True
                after = amount if status == YES else 0
                _event(grant, GrantEventType.CLAWBACK, by, before_fen=grant.amount_due_fen, after_fen=after)
                tally["clawback"] += 1
            grant.save()
    return tally


# --- the 免申即享 flow -------------------------------------------------------------------------


def _refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


def review_grant(grant: Grant, *, by, decision: str, reading: str = "A", reason: str = "") -> Grant:
    """审核: the policy's department grants it (choosing a reading where the text is open) or
    rejects it with a reason."""
    _refuse_unless(grant.status in (GrantStatus.MATCHED, GrantStatus.REVIEWED), _("Only a matched grant is reviewed."))
    if decision == "reject":
        _refuse_unless(bool(reason.strip()), _("Say why it is rejected."))
        grant.status = GrantStatus.REJECTED
        grant.save()
        _event(grant, GrantEventType.REJECTED, by, reason=reason)
        return grant
    _refuse_unless(grant.outcome != Outcome.INSUFFICIENT, _("Data is missing: load it and run the policy again."))
    if grant.outcome == Outcome.AMBIGUOUS:
        _refuse_unless(reading in ("A", "B"), _("Choose one of the two readings."))
        grant.granted_fen = grant.amount_fen if reading == "A" else grant.amount_b_fen
    else:
        grant.granted_fen = grant.amount_fen
    _refuse_unless(grant.granted_fen > 0, _("This reading grants nothing: reject it instead."))
    grant.status = GrantStatus.REVIEWED
    grant.save()
    _event(grant, GrantEventType.REVIEWED, by, amount_fen=grant.granted_fen, reading=reading)
    return grant


def push_grant(grant: Grant, *, by) -> Grant:
    """推送: the enterprise is told (inbox, e-mail, webhook); the objection window opens."""
    from keyprojects.core.notifications import notify

    from .notifications import GRANT_PUSHED

    _refuse_unless(grant.status == GrantStatus.REVIEWED, _("Only a reviewed grant is pushed."))
    grant.status = GrantStatus.PUSHED
    grant.objection_until = timezone.localdate() + timedelta(days=grant.item.policy.objection_days)
    grant.save()
    _event(grant, GrantEventType.PUSHED, by, until=grant.objection_until.isoformat())
    notify(
        grant.enterprise.users.filter(is_active=True),
        GRANT_PUSHED,
        target=grant,
        actor=by,
        params={"item": grant.item.name, "amount": fen_text(grant.granted_fen)},
    )
    return grant


def confirm_grant(grant: Grant, *, by) -> Grant:
    """确认: the enterprise accepts in one click; the money goes to its bank account on file."""
    _refuse_unless(grant.status == GrantStatus.PUSHED, _("Only a pushed grant is confirmed."))
    _refuse_unless(
        grant.enterprise.users.filter(pk=by.pk).exists() or by.is_superuser,
        _("Only the enterprise's own users confirm its grants."),
    )
    _refuse_unless(bool(grant.enterprise.bank_account), _("Put the enterprise's bank account on file first."))
    grant.status = GrantStatus.CONFIRMED
    grant.save()
    _event(grant, GrantEventType.CONFIRMED, by)
    return grant


def fulfil_grant(grant: Grant, *, by) -> Grant:
    """兑付: paid from the item's budget pool, refused (with the reason) when the pool cannot."""
    _refuse_unless(grant.status == GrantStatus.CONFIRMED, _("Only a confirmed grant is paid."))
    # The item's current version, locked: two payments from one pool are made one after the other.
    current = grant.item.policy.items.filter(code=grant.item.code, archived_at__isnull=True).values("pk")[:1]
    item = PolicyItem.objects.select_for_update().get(pk__in=current)
    budget, spent = pool(item)
    if spent + grant.granted_fen > budget:
        reason = _("The budget pool has %(left)s left; this grant needs %(need)s.") % {
            "left": fen_text(budget - spent),
            "need": fen_text(grant.granted_fen),
        }
        raise ValidationError(reason)
    grant.status = GrantStatus.FULFILLED
    grant.paid_on = timezone.localdate()
    grant.save()
    _event(grant, GrantEventType.FULFILLED, by, amount_fen=grant.granted_fen)
    return grant


def close_grant(grant: Grant, *, by) -> Grant:
    """归档: a paid grant leaves the working lists; it stays on the 公示 list."""
    _refuse_unless(grant.status == GrantStatus.FULFILLED, _("Only a paid grant is archived."))
    grant.status = GrantStatus.ARCHIVED
    grant.save()
    _event(grant, GrantEventType.ARCHIVED, by)
    return grant
