from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Action, Role, memberships
from keyprojects.core.forms import BaseModelForm
from keyprojects.core.verbs import VerbForm
from keyprojects.orgs.models import Department

from .choices import Outcome
from .language import RuleError, parse_condition, parse_formula
from .models import KEEPERS, Policy, PolicyItem


def keeper_departments(user) -> set[int] | None:
    """The departments whose policies `user` keeps; None for every one (the city)."""
    if user.is_superuser:
        return None
    kept = set()
    for membership in memberships(user):
        if membership.role == Role.CITY_ADMIN:
            return None
        if membership.role in KEEPERS and membership.department_id:
            kept.add(membership.department_id)
    return kept


def yuan_to_fen(value: Decimal | None) -> int | None:
    if value is None:
        return None
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValidationError(_("Amounts are in yuan, to the fen."))
    return int(fen)


class YuanField(forms.DecimalField):
    """An amount in 元 (to the fen), handed on as fen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


class PolicyForm(BaseModelForm):
    total_cap = YuanField(label=_("total per enterprise (yuan)"), required=False)

    class Meta:
        model = Policy
        fields = [
            "number",
            "title",
            "issuer",
            "department",
            "region",
            "published",
            "valid_from",
            "valid_to",
            "year",
            "as_of",
            "stale_days",
            "objection_days",
            "text",
            "interpretation",
        ]
        widgets = {
            "published": forms.DateInput(attrs={"type": "date"}),
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "as_of": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.total_cap_fen is not None:
            self.initial["total_cap"] = Decimal(self.instance.total_cap_fen) / 100
        if self.user is not None:
            # A department keeps its own policies: it offers only its own department(s).
            kept = keeper_departments(self.user)
            if kept is not None:
                self.fields["department"].queryset = Department.objects.filter(pk__in=kept)

    def save(self, commit=True):
        self.instance.total_cap_fen = yuan_to_fen(self.cleaned_data.get("total_cap"))
        return super().save(commit)


class RuleFields(forms.Form):
    """The rule as text (the builder writes it; a file carries it): read and checked on clean."""

    condition_text = forms.CharField(
        label=_("eligibility rule"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the rule language (docs/policies.md); the builder above types it."),
    )
    formula_text = forms.CharField(
        label=_("amount formula"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("In the rule language: a fixed amount, a rate of a figure, tiers …"),
    )

    def clean_condition_text(self):
        try:
            parse_condition(self.cleaned_data["condition_text"])
        except RuleError as error:
            raise ValidationError(error.messages) from error
        return self.cleaned_data["condition_text"]

    def clean_formula_text(self):
        try:
            parse_formula(self.cleaned_data["formula_text"])
        except RuleError as error:
            raise ValidationError(error.messages) from error
        return self.cleaned_data["formula_text"]


class ItemForm(BaseModelForm):
    condition_text = RuleFields.base_fields["condition_text"]
    formula_text = RuleFields.base_fields["formula_text"]
    clean_condition_text = RuleFields.clean_condition_text
    clean_formula_text = RuleFields.clean_formula_text
    cap = YuanField(label=_("cap (yuan)"), required=False)
    budget = YuanField(label=_("budget pool (yuan)"), required=False)

    class Meta:
        model = PolicyItem
        fields = ["policy", "code", "name", "mode", "rounding", "rounding_mode", "order", "valid_from"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].required = False  # today, when not given
        self.fields["order"].required = False
        item = self.instance
        if item.pk:
            self.initial.update(
                condition_text=item.condition_text,
                formula_text=item.formula_text,
                cap=None if item.cap_fen is None else Decimal(item.cap_fen) / 100,
                budget=Decimal(item.budget_fen) / 100,
            )
            self.fields["policy"].disabled = True
            self.fields["code"].disabled = True
        if self.user is not None:  # a new item only on a policy the user keeps
            self.fields["policy"].queryset = Policy.objects.restrict(self.user, Action.CHANGE)


class ReviewForm(VerbForm):
    decision = forms.ChoiceField(
        label=_("review decision"),
        choices=[("grant", _("grant it")), ("reject", _("do not grant"))],
        initial="grant",
    )
    reading = forms.ChoiceField(
        label=_("which reading"),
        choices=[("A", _("the literal reading")), ("B", _("the other reading"))],
        initial="A",
        help_text=_("Only where the answer is ambiguous: which amount to grant."),
    )
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj.outcome != Outcome.AMBIGUOUS:
            del self.fields["reading"]


class TopUpForm(VerbForm):
    amount = forms.DecimalField(label=_("amount (yuan)"), min_value=Decimal("0.01"), max_digits=16, decimal_places=2)


class ReviseForm(VerbForm):
    condition_text = RuleFields.base_fields["condition_text"]
    formula_text = RuleFields.base_fields["formula_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(condition_text=self.obj.condition_text, formula_text=self.obj.formula_text)

    clean_condition_text = RuleFields.clean_condition_text
    clean_formula_text = RuleFields.clean_formula_text


# What an enterprise may change in the calculator's what-if (field, lag, label, unit kind).
WHAT_IF = [
    ("revenue", 0, _("operating revenue (10,000 yuan)"), "money"),
    ("prior_max_revenue", 0, _("highest revenue of earlier years (10,000 yuan)"), "money"),
    ("revenue", 1, _("last year's revenue (10,000 yuan)"), "money"),
    ("rd_expense", 0, _("R&D expense (10,000 yuan)"), "money"),
    ("tax_paid", 0, _("tax paid (10,000 yuan)"), "money"),
    ("employees", 0, _("employees"), "count"),
    ("electricity", 0, _("electricity use (10,000 kWh)"), "energy"),
]


class WhatIfForm(forms.Form):
    near = forms.IntegerField(label=_("near misses within (%)"), min_value=1, max_value=50, initial=10, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, lag, label, _kind in WHAT_IF:
            self.fields[f"{name}_{lag}"] = forms.DecimalField(
                label=label, required=False, min_value=Decimal(0), max_digits=14, decimal_places=4
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def overrides(self) -> dict:
        """{(field, lag): value in the rules' unit} for the figures the user typed."""
        found = {}
        for name, lag, _label, kind in WHAT_IF:
            value = self.cleaned_data.get(f"{name}_{lag}")
            if value is None:
                continue
            factor = {"money": 1_000_000, "count": 1, "energy": 10_000_000}[kind]
            found[(name, lag)] = int(value * factor)
        return found


class RulesFileForm(VerbForm):
    """A rules file (the export's format): uploaded, or pasted as text."""

    file = forms.FileField(label=_("rules file (.txt)"), required=False)
    text = forms.CharField(label=_("or the rules as text"), required=False, widget=forms.Textarea(attrs={"rows": 10}))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > 1_000_000:
                raise ValidationError(_("The file is too large."))
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    data["text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValidationError(_("The file is neither UTF-8 nor GB18030 text."))
        if not (data.get("text") or "").strip():
            raise ValidationError(_("Upload a rules file or paste its text."))
        return data

    def service_kwargs(self):
        return {"text": self.cleaned_data["text"]}


class ObjectionForm(VerbForm):
    reason = forms.CharField(label=_("objection"), widget=forms.Textarea(attrs={"rows": 2}))
