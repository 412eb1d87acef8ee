from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keyprojects.core.access import Action, can
from keyprojects.core.context import acting
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews
from keyprojects.enterprises.models import Enterprise

from . import data, services
from .choices import GrantStatus, Outcome
from .filtersets import GrantFilterSet, PolicyFilterSet, PolicyItemFilterSet
from .forms import (
    ItemForm,
    ObjectionForm,
    PolicyForm,
    ReviewForm,
    ReviseForm,
    RulesFileForm,
    TopUpForm,
    WhatIfForm,
    yuan_to_fen,
)
from .language import RuleError, parse_condition, parse_formula
from .models import Grant, Policy, PolicyItem
from .tables import GrantTable, PolicyItemTable, PolicyTable

PUBLIC = (GrantStatus.PUSHED, GrantStatus.CONFIRMED, GrantStatus.FULFILLED, GrantStatus.ARCHIVED)


class PolicyViews(ModelViews):
    model = Policy
    filterset = PolicyFilterSet
    table = PolicyTable
    form = PolicyForm
    detail_template = "policies/policy_detail.html"
    select_related = ("department", "region")
    url_prefix = "policies/"
    verbs = (
        Verb(
            "run",
            gettext_lazy("Run the match"),
            services.run_policy,
            help=gettext_lazy("Every item over every enterprise; grants not yet pushed follow the new answers."),
            done=gettext_lazy("The match has run."),
        ),
        Verb(
            "import_rules",
            gettext_lazy("Import rules"),
            services.import_rules,
            form=RulesFileForm,
            style="outline-primary",
            help=gettext_lazy(
                "A rules file as the export writes it: every item is checked before anything is written."
            ),
            done=gettext_lazy("The rules were imported."),
        ),
    )

    @classmethod
    def detail_context(cls, request, obj):
        items = services.current_items(obj)
        for item in items:
            budget, spent = services.pool(item)
            item.pool_left = budget - spent
        return {
            "items": items,
            "latest_run": obj.runs.first(),
            "can_add_item": can(request.user, Action.CHANGE, obj),
        }


class PolicyItemViews(ModelViews):
    model = PolicyItem
    filterset = PolicyItemFilterSet
    table = PolicyItemTable
    form = ItemForm
    form_template = "policies/item_form.html"
    detail_template = "policies/item_detail.html"
    select_related = ("policy",)
    url_prefix = "items/"
    verbs = (
        Verb(
            "revise",
            gettext_lazy("New version of the rule"),
            services.revise_item,
            form=ReviseForm,
            available=lambda item: item.archived_at is None,
            done=gettext_lazy("A new version of the rule is in force."),
        ),
        Verb(
            "top_up",
            gettext_lazy("Top up the budget pool"),
            lambda item, *, by, amount: services.top_up(item, by=by, amount=amount),
            form=TopUpForm,
            inline=True,
            available=lambda item: item.archived_at is None,
            style="outline-primary",
            done=gettext_lazy("The budget pool was topped up."),
        ),
    )

    @classmethod
    def save(cls, form, request):
        values = form.cleaned_data
        with acting(request.user):
            return services.save_item(
                values["policy"] if not form.instance.pk else form.instance.policy,
                by=request.user,
                code=values["code"] if not form.instance.pk else form.instance.code,
                name=values["name"],
                condition_text=values["condition_text"],
                formula_text=values["formula_text"],
                mode=values["mode"],
                rounding=values["rounding"],
                rounding_mode=values["rounding_mode"],
                cap_fen=yuan_to_fen(values.get("cap")),
                budget_fen=yuan_to_fen(values.get("budget")),
                valid_from=values.get("valid_from"),
                order=values.get("order"),
            )

    @classmethod
    def detail_context(cls, request, obj):
        budget, spent = services.pool(obj)
        versions = PolicyItem.objects.filter(policy=obj.policy, code=obj.code).order_by("-version")
        return {"budget": budget, "spent": spent, "versions": versions}


def _grant_available(*statuses):
    return lambda grant: grant.status in statuses


class GrantViews(ModelViews):
    model = Grant
    filterset = GrantFilterSet
    table = GrantTable
    detail_template = "policies/grant_detail.html"
    select_related = ("enterprise", "item", "item__policy")
    url_prefix = "grants/"
    verbs = (
        Verb(
            "review",
            gettext_lazy("Review"),
            services.review_grant,
            form=ReviewForm,
            available=_grant_available(GrantStatus.MATCHED),
            done=gettext_lazy("Reviewed."),
        ),
        Verb(
            "push",
            gettext_lazy("Push to the enterprise"),
            services.push_grant,
            available=_grant_available(GrantStatus.REVIEWED),
            done=gettext_lazy("The enterprise has been told."),
        ),
        Verb(
            "confirm",
            gettext_lazy("Confirm and receive"),
            services.confirm_grant,
            available=_grant_available(GrantStatus.PUSHED),
            style="success",
            done=gettext_lazy("Confirmed: the money goes to your bank account on file."),
        ),
        Verb(
            "fulfil",
            gettext_lazy("Pay"),
            services.fulfil_grant,
            available=_grant_available(GrantStatus.CONFIRMED),
            style="success",
            done=gettext_lazy("Paid."),
        ),
        Verb(
            "object",
            gettext_lazy("Record an objection"),
            services.object_to_grant,
            form=ObjectionForm,
            available=_grant_available(GrantStatus.PUSHED, GrantStatus.CONFIRMED),
            style="outline-danger",
            help=gettext_lazy("An objection received while the grant is made public sends it back to review."),
            done=gettext_lazy("The objection was recorded; the grant goes back to review."),
        ),
        Verb(
            "close",
            gettext_lazy("Archive"),
            services.close_grant,
            available=_grant_available(GrantStatus.FULFILLED),
            style="outline-secondary",
            done=gettext_lazy("Archived."),
        ),
    )

    @classmethod
    def detail_context(cls, request, obj):
        return {
            "explanation": obj.explanation,
            "events": obj.events.select_related("actor").order_by("-time", "-pk"),
            "ambiguous": obj.outcome == Outcome.AMBIGUOUS,
        }


# --- the calculator ------------------------------------------------------------------------


def _policies():
    today = timezone.localdate()
    return [
        p
        for p in Policy.objects.filter(archived_at__isnull=True).select_related("department")
        if p.valid_to is None or p.valid_to >= today
    ]


def _calculate(enterprise, form, near_default=10):
    """Every policy's items for one enterprise (or for figures alone), with what-if figures."""
    overrides = form.overrides() if form.is_bound and form.is_valid() else {}
    near = (form.cleaned_data.get("near") if form.is_bound and form.is_valid() else None) or near_default
    results = []
    for policy in _policies():
        facts = data.enterprise_facts(policy, enterprise, overrides)
        found = services.evaluate(policy, facts)
        for row in found:
            from . import reference

            evaluator = reference.Evaluator(data.rules_of([row["item"]]), facts)
            _answers, traces = evaluator.run(with_b=False)
            row["near_misses"] = [
                m for m in reference.margins(traces[row["item"].code], near / 100) if not m["met"]
            ] if row["status"] == Outcome.NOT_ELIGIBLE else []  # fmt: skip
            row["policy"] = policy
            row["outcome"] = Outcome(row["status"])
        results += found
    total = sum(r["amount"] for r in results if r["status"] == Outcome.ELIGIBLE)
    return results, total, bool(overrides), near


@login_required
def calculator(request):
    """政策计算器: an enterprise sees what it qualifies for now, with its own figures or changed
    ones (what-if) and its near misses; staff look at any enterprise in their scope."""
    enterprises = Enterprise.objects.restrict(request.user).filter(archived_at__isnull=True).select_related("region")
    chosen = request.GET.get("enterprise")
    enterprise = None
    if chosen:
        try:
            enterprise = enterprises.filter(pk=int(chosen)).first()
        except (TypeError, ValueError):
            enterprise = None
        if enterprise is None:
            raise Http404
    else:
        enterprise = enterprises.filter(users=request.user).first()
    form = WhatIfForm(request.GET if any(k != "enterprise" for k in request.GET) else None)
    results, total, what_if, near = _calculate(enterprise, form) if enterprise else ([], 0, False, 10)
    return render(
        request,
        "policies/calculator.html",
        {
            "enterprise": enterprise,
            "choices": enterprises.order_by("name")[:500]
            if not enterprises.filter(users=request.user).exists()
            else (),
            "form": form,
            "results": results,
            "total": total,
            "what_if": what_if,
            "near": near,
            "public": False,
        },
    )


def public_calculator(request):
    """The public calculator: figures typed in, answers shown, nothing stored."""
    form = WhatIfForm(request.GET or None)
    results, total, what_if, near = _calculate(None, form)
    return render(
        request,
        "policies/calculator.html",
        {
            "enterprise": None,
            "form": form,
            "results": results,
            "total": total,
            "what_if": what_if,
            "near": near,
            "public": True,
        },
    )


@login_required
@require_POST
def preview(request):
    """The rule builder's live preview: the rule as typed over sample enterprises in scope."""
    if not can(request.user, Action.ADD, PolicyItem):
        raise PermissionDenied
    try:
        policy = Policy.objects.restrict(request.user).get(pk=int(request.POST.get("policy") or 0))
    except (Policy.DoesNotExist, ValueError):
        raise Http404 from None
    if not can(request.user, Action.CHANGE, policy):
        return JsonResponse({"error": policy.refusal(Action.CHANGE)}, status=403)
    try:
        condition = parse_condition(request.POST.get("condition_text", ""))
        formula = parse_formula(request.POST.get("formula_text", ""))
    except RuleError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    item = PolicyItem(
        policy=policy, code="预览", name="", condition=condition, formula=formula, valid_from=policy.as_of
    )
    item.rounding = request.POST.get("rounding") or "yuan"
    rows = []
    # The rule is previewed on enterprises where the policy applies (its region and below),
    # which its keepers reach (Enterprise.scope), with facts: names and answers only.
    sample = (
        Enterprise.objects.filter(
            archived_at__isnull=True, facts__isnull=False, region__path__startswith=policy.region.path
        )
        .distinct()
        .order_by("pk")[:30]
    )
    for enterprise in sample.select_related("region"):
        facts = data.enterprise_facts(policy, enterprise)
        row = services.evaluate(policy, facts, [item])[0]
        rows.append(
            {
                "enterprise": enterprise.name,
                "status": str(Outcome(row["status"]).label),
                "amount": services.fen_text(row["amount"]) if row["status"] in (1, 3) else "",
                "amount_b": services.fen_text(row["amount_b"]) if row["status"] == 3 else "",
                "result": row["explanation"]["result"],
            }
        )
    return JsonResponse({"rows": rows, "condition": item.condition_text or "", "formula": item.formula_text or ""})


def publicity(request):
    """公示: grants made without application — enterprise, benefit, amount, objection window.
    Public, like the notice board it replaces; `?format=xlsx` downloads it."""
    grants = (
        Grant.objects.filter(status__in=PUBLIC)
        .select_related("enterprise", "item", "item__policy")
        .order_by("item__policy", "item__code", "enterprise__name")
    )
    if request.GET.get("format") == "xlsx":
        from keyprojects.core import exports
        from keyprojects.core.imports import Column

        columns = (
            Column("policy", (_("policy"),)),
            Column("item", (_("policy item"),)),
            Column("enterprise", (_("enterprise"),)),
            Column("credit_code", (_("unified social credit code"),)),
            Column("amount", (_("amount (yuan)"),)),
            Column("status", (_("status"),)),
            Column("objection_until", (_("objection window until"),)),
        )
        rows = (
            [
                g.item.policy.title,
                g.item.name,
                g.enterprise.name,
                g.enterprise.credit_code or "",
                Decimal(g.amount_due_fen) / 100,
                g.get_status_display(),
                g.objection_until.isoformat() if g.objection_until else "",
            ]
            for g in grants
        )
        return exports.xlsx_response(columns, rows, _("Grants made public"))
    return render(request, "policies/publicity.html", {"grants": grants[:1000], "today": timezone.localdate()})


@login_required
def figures(request):
    """兑现统计: what the policies reached, by policy and region, and each pool's use."""
    if not can(request.user, Action.VIEW, Grant):
        raise PermissionDenied
    return render(request, "policies/figures.html", services.figures(request.user))


@login_required
def rules_file(request, pk):
    """导出规则: the policy's current items as the readable text file an import reads."""
    from django.http import HttpResponse

    from .rulefile import write_rules

    policy = get_object_or_404(Policy.objects.restrict(request.user), pk=pk)
    response = HttpResponse(
        write_rules(policy, services.current_items(policy)), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f"attachment; filename=rules-{policy.pk}.txt"
    return response
