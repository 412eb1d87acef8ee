from django import forms
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import DateInput
from keyprojects.core.forms import BaseModelForm
from keyprojects.core.verbs import VerbForm
from keyprojects.projects.choices import Stage

from .models import ElementDemand, StoppageOrder, Whitelist, WhitelistEntry


class WhitelistForm(BaseModelForm):
    stages = forms.MultipleChoiceField(
        label=_("stages"), choices=Stage.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Whitelist
        fields = [
            "name",
            "kind",
            "year",
            "valid_from",
            "valid_until",
            "target_share",
            "required_list",
            "stages",
            "min_investment",
            "good_credit",
            "note",
        ]
        widgets = {"valid_from": DateInput, "valid_until": DateInput}


class WhitelistEntryForm(BaseModelForm):
    class Meta:
        model = WhitelistEntry
        fields = ["whitelist", "project", "reason", "added_on"]
        widgets = {"added_on": DateInput}


class ElementDemandForm(BaseModelForm):
    class Meta:
        model = ElementDemand
        fields = [
            "project",
            "element",
            "requested",
            "guaranteed",
            "source",
            "standard_land",
            "department",
            "needed_by",
            "guarantee_by",
            "note",
        ]
        widgets = {"needed_by": DateInput, "guarantee_by": DateInput}


class StoppageOrderForm(BaseModelForm):
    class Meta:
        model = StoppageOrder
        fields = ["kind", "title", "issuer", "issued_on", "projects", "text"]
        widgets = {"issued_on": DateInput}


class RevokeForm(VerbForm):
    reason = forms.CharField(label=_("why revoked"), widget=forms.Textarea(attrs={"rows": 2}))
