from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Action
from keyprojects.core.forms import BaseModelForm
from keyprojects.core.parsing import MoneyField
from keyprojects.core.verbs import VerbForm
from keyprojects.core.widgets import SearchSelect
from keyprojects.orgs.models import Region

from .choices import Opinion, VisitKind
from .models import Cadre, Chain, ChainGoal, ChainLink, FundsInPlace, Lead, TargetEnterprise, Team, Trip, YearGoal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what a date input reads


def today():
    return timezone.localdate()


class ChainForm(BaseModelForm):
    class Meta:
        model = Chain
        fields = ["name", "description", "order"]


class ChainLinkForm(BaseModelForm):
    class Meta:
        model = ChainLink
        fields = ["chain", "parent", "name", "order", "gap", "industry_codes", "note"]


class ChainGoalForm(BaseModelForm):
    investment = MoneyField(label=_("contracted investment (10k yuan)"), help_text=_("In 万元; 亿 is accepted too."))

    class Meta:
        model = ChainGoal
        fields = ["chain", "year", "leads", "signings", "investment"]


class YearGoalForm(BaseModelForm):
    investment = MoneyField(label=_("contracted investment (10k yuan)"), help_text=_("In 万元; 亿 is accepted too."))
    funds = MoneyField(label=_("funds in place (10k yuan)"), help_text=_("In 万元; 亿 is accepted too."))

    class Meta:
        model = YearGoal
        fields = ["cadre", "year", "leads", "visits", "signings", "investment", "funds"]
        widgets = {"cadre": SearchSelect("attraction.Cadre")}


class TargetEnterpriseForm(BaseModelForm):
    class Meta:
        model = TargetEnterprise
        fields = ["name", "credit_code", "headquarters", "industry", "link", "size", "listed", "source"]


class TeamForm(BaseModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "region"]


class CadreForm(BaseModelForm):
    class Meta:
        model = Cadre
        fields = ["user", "post", "region", "team"]


class LeadForm(BaseModelForm):
    """A new lead: the company by name (and credit code when known), found in the target library
    or added to it; an edit changes the lead's own plan (owner, next step, investment)."""

    company = forms.CharField(label=_("target enterprise"), max_length=200)
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=30, required=False)
    investment = MoneyField(label=_("intended investment (10k yuan)"), help_text=_("In 万元; 亿 is accepted too."))

    class Meta:
        model = Lead
        fields = ["name", "link", "region", "owner", "team", "found_on", "investment", "next_step", "next_step_on"]
        widgets = {"found_on": DATE, "next_step_on": DATE, "owner": SearchSelect("attraction.Cadre")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Cadre.objects.restrict(self.user, Action.VIEW).select_related("user")
        self.fields["region"].queryset = Region.objects.filter(level__in=["county", "district", "zone", "city"])
        if self.instance.pk:
            del self.fields["company"], self.fields["credit_code"]
        else:
            self.order_fields(["company", "credit_code", "name"])
            self.initial["found_on"] = self.initial.get("found_on") or today()
            mine = Cadre.objects.filter(user=self.user).select_related("team").first() if self.user else None
            if mine is not None and not self.initial.get("owner"):  # a cadre's own lead by default
                self.initial.update(owner=mine.pk, region=mine.region_id, team=mine.team_id)

    def clean(self):
        """A company already followed is refused here, before anything is written (the page and
        each row of a ledger alike), naming the lead that follows it."""
        from .services import clean_credit_code, find_target, open_lead_for

        cleaned = super().clean()
        if self.instance.pk or not cleaned.get("company"):
            return cleaned
        try:
            code = clean_credit_code(cleaned.get("credit_code"))
        except forms.ValidationError as error:
            self.add_error("credit_code", error.message_dict["credit_code"])
            return cleaned
        target = find_target(cleaned["company"], code)
        existing = open_lead_for(target) if target is not None else None
        if existing is not None:
            self.add_error(
                "company",
                _("“%(company)s” is already followed as the lead “%(lead)s” by %(owner)s.")
                % {"company": target.name, "lead": existing.name, "owner": existing.owner},
            )
        return cleaned


class ContactForm(VerbForm):
    on = forms.DateField(label=_("date"), widget=DATE, initial=today)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(VerbForm):
    kind = forms.ChoiceField(label=_("kind"), choices=VisitKind.choices)
    date = forms.DateField(label=_("date"), widget=DATE, initial=today)
    people = forms.CharField(label=_("people"), max_length=200, help_text=_("Who met, on both sides."))
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EvaluateForm(VerbForm):
    on = forms.DateField(label=_("evaluated on"), widget=DATE, initial=today)
    investment = MoneyField(label=_("investment (10k yuan)"))
    land_mu = forms.DecimalField(label=_("land (mu)"), min_value=0, max_digits=10, decimal_places=2)
    energy_tce = forms.DecimalField(label=_("energy use (tce/year)"), min_value=0, max_digits=12, decimal_places=2)
    tax_per_mu = forms.DecimalField(label=_("tax per mu (10k yuan)"), min_value=0, max_digits=10, decimal_places=2)
    output = MoneyField(label=_("annual output (10k yuan)"))
    jobs = forms.IntegerField(label=_("jobs"), min_value=0)
    score = forms.IntegerField(label=_("evaluation score"), min_value=0, max_value=100)
    opinion = forms.ChoiceField(label=_("committee opinion"), choices=Opinion.choices)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("investment", self.obj.investment)


class SignForm(VerbForm):
    on = forms.DateField(label=_("signed on"), widget=DATE, initial=today)
    contracted_investment = MoneyField(label=_("contracted investment (10k yuan)"))
    agreement = forms.FileField(label=_("signed agreement"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("contracted_investment", self.obj.investment)


class DropForm(VerbForm):
    reason = forms.CharField(label=_("reason"), max_length=200)


class TripForm(BaseModelForm):
    class Meta:
        model = Trip
        fields = ["cadre", "destination", "whom", "purpose", "start_on", "end_on", "late_reason"]
        widgets = {"start_on": DATE, "end_on": DATE, "cadre": SearchSelect("attraction.Cadre")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.restrict(self.user, Action.VIEW).select_related("user")
        mine = Cadre.objects.filter(user=self.user).first() if self.user else None
        if mine is not None and not self.initial.get("cadre"):  # model_to_dict() gave None
            self.initial["cadre"] = mine.pk


class DecideForm(VerbForm):
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class RejectForm(VerbForm):
    reason = forms.CharField(label=_("reason"), max_length=200)


class TripVisitForm(VerbForm):
    """A visit on the trip; naming a company without a lead creates its lead."""

    lead = forms.ModelChoiceField(label=_("lead"), queryset=Lead.objects.none(), required=False)
    company = forms.CharField(label=_("target enterprise"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=30, required=False)
    lead_name = forms.CharField(label=_("project name"), max_length=200, required=False)
    link = forms.ModelChoiceField(label=_("chain link"), queryset=ChainLink.objects.none(), required=False)
    investment = MoneyField(label=_("intended investment (10k yuan)"), required=False)
    date = forms.DateField(label=_("date"), widget=DATE)
    people = forms.CharField(label=_("people"), max_length=200)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = Lead.objects.restrict(self.user, "visit").filter(archived_at__isnull=True)
        self.fields["link"].queryset = ChainLink.objects.filter(archived_at__isnull=True).select_related("chain")
        self.initial.setdefault("date", min(today(), self.obj.end_on))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("lead") and not (cleaned.get("company") or "").strip():
            self.add_error("company", _("Choose a lead or name the company visited."))
        return cleaned


class ConcludeForm(VerbForm):
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 3}))


class FundsInPlaceForm(BaseModelForm):
    amount = MoneyField(label=_("amount (10k yuan)"))

    class Meta:
        model = FundsInPlace
        fields = ["project", "month", "source", "amount", "note"]
        widgets = {"month": DATE}
