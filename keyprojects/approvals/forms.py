from django import forms
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import DateInput
from keyprojects.core.forms import BaseModelForm
from keyprojects.core.verbs import VerbForm

from .choices import ApprovalMode, ProjectKind
from .models import ApprovalMatter, ApprovalPlan, ZoneAssessment

MODES = [(m, label) for m, label in ApprovalMode.choices if m != ApprovalMode.REGIONAL]


class ApprovalMatterForm(BaseModelForm):
    allowed_modes = forms.MultipleChoiceField(
        label=_("allowed modes"), choices=ApprovalMode.choices, widget=forms.CheckboxSelectMultiple
    )
    kinds = forms.MultipleChoiceField(
        label=_("in the templates of"), choices=ProjectKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ApprovalMatter
        fields = [
            "code",
            "name",
            "stage",
            "order",
            "department_name",
            "department",
            "statutory_days",
            "allowed_modes",
            "kinds",
            "needed_for_start",
            "assessment_kind",
        ]


class ZoneAssessmentForm(BaseModelForm):
    class Meta:
        model = ZoneAssessment
        fields = ["region", "kind", "document_number", "valid_from", "valid_until", "note"]
        widgets = {"valid_from": DateInput, "valid_until": DateInput}


class ApprovalPlanForm(BaseModelForm):
    class Meta:
        model = ApprovalPlan
        fields = ["project", "kind"]


def _date(label=None, required=False):
    return forms.DateField(
        label=label or _("date"), required=required, widget=DateInput, help_text=_("Today when left empty.")
    )


class DateForm(VerbForm):
    on = _date()


class ApplyForm(VerbForm):
    on = _date(_("applied on"))
    mode = forms.ChoiceField(label=_("mode"), choices=MODES, initial=ApprovalMode.REGULAR)
    missing_documents = forms.CharField(
        label=_("missing documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For 容缺受理: the documents to be supplied later."),
    )
    supplement_deadline = forms.DateField(label=_("supplement by"), required=False, widget=DateInput)


class NoteDateForm(VerbForm):
    on = _date()
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))


class OptionalNoteDateForm(VerbForm):
    on = _date()
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(VerbForm):
    on = _date(_("approved on"))
    document_number = forms.CharField(label=_("document number"), max_length=100)
    file = forms.FileField(label=_("file"), required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_file(self):
        found = self.cleaned_data.get("file")
        if found:
            from keyprojects.core.uploads import check_evidence

            check_evidence(found)
        return found
