from django import forms
from django.utils.translation import gettext_lazy as _

from keyprojects.core.forms import BaseModelForm
from keyprojects.core.parsing import LooseDateField
from keyprojects.core.verbs import VerbForm
from keyprojects.core.widgets import SearchSelect
from keyprojects.orgs.models import Department, Office
from keyprojects.projects.models import Project

from .choices import Level, ProblemClass
from .models import AgendaItem, DeadlineRule, Meeting, Problem

DATE = forms.DateInput(attrs={"type": "date"})


class ProblemForm(BaseModelForm):
    """Raise (or edit) a problem: what, where, for whom; the office assigns it afterwards."""

    evidence = forms.FileField(label=_("photo or file"), required=False)

    class Meta:
        model = Problem
        fields = ["title", "category", "description", "project", "enterprise", "region", "source", "raised_on"]
        widgets = {
            "project": SearchSelect("projects.Project"),
            "enterprise": SearchSelect("enterprises.Enterprise"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "raised_on": DATE,
        }
        field_classes = {"raised_on": LooseDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False
        self.fields["raised_on"].required = False
        self.fields["region"].help_text = _("Taken from the project or the enterprise when left blank.")
        self.fields["raised_on"].help_text = _("Today when left blank; the deadlines count from this day.")
        if self.instance.pk:  # the deadlines count from the raise day: it stays as raised
            del self.fields["evidence"], self.fields["raised_on"]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("project") or cleaned.get("enterprise") or cleaned.get("region")):
            raise forms.ValidationError(_("Name the project, the enterprise or the region of the problem."))
        return cleaned


class NoteForm(VerbForm):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteFileForm(NoteForm):
    evidence = forms.FileField(label=_("photo or file"), required=False)


class AssignForm(VerbForm):
    """交办: class, lead and co-departments, the office; the solving deadline from the rule unless given."""

    problem_class = forms.ChoiceField(label=_("class"), choices=ProblemClass.choices, initial=ProblemClass.SIMPLE)
    lead_department = forms.ModelChoiceField(label=_("lead department"), queryset=Department.objects.all())
    co_departments = forms.ModelMultipleChoiceField(
        label=_("co-departments"), queryset=Department.objects.all(), required=False
    )
    office = forms.ModelChoiceField(label=_("responsible office"), queryset=Office.objects.all(), required=False)
    resolve_due = LooseDateField(
        label=_("solve by"),
        required=False,
        widget=DATE,
        help_text=_("Leave blank for the 13710 rule's deadline in working days."),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_departments"].widget.attrs["class"] = "form-select"
        if self.obj.office_id:
            self.fields["office"].initial = self.obj.office_id


class ProposeForm(VerbForm):
    resolution = forms.CharField(label=_("how it was solved"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("evidence"), required=False)


class ConfirmForm(VerbForm):
    satisfied = forms.TypedChoiceField(
        label=_("are you satisfied?"),
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(
        label=_("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("When not satisfied, say why: the problem goes back to the department."),
    )


class EscalateForm(VerbForm):
    level = forms.TypedChoiceField(
        label=_("level"), choices=[c for c in Level.choices if c[0]], coerce=int, required=False
    )
    note = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [c for c in Level.choices if c[0] > self.obj.escalation]


class DeadlineForm(VerbForm):
    due = LooseDateField(label=_("new deadline"), widget=DATE)
    note = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(VerbForm):
    """A leader's decision on a problem declared unresolvable."""

    verdict = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("approve", _("Approve: it leaves the count")), ("reject", _("Not approved: back to the department"))],
        coerce=lambda value: value == "approve",
    )
    decision = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        return {"approve": self.cleaned_data["verdict"], "note": self.cleaned_data["decision"]}


class InstructionForm(VerbForm):
    instruction = forms.CharField(label=_("instruction (批示)"), widget=forms.Textarea(attrs={"rows": 3}))


class DeadlineRuleForm(BaseModelForm):
    class Meta:
        model = DeadlineRule
        fields = ["category", "problem_class", "assign_days", "progress_days", "resolve_days"]


class MeetingForm(BaseModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "place", "chair"]
        widgets = {"date": DATE}
        field_classes = {"date": LooseDateField}


class AgendaItemForm(BaseModelForm):
    class Meta:
        model = AgendaItem
        fields = ["meeting", "order", "kind", "text", "problem", "project"]
        widgets = {"problem": SearchSelect("problems.Problem"), "project": SearchSelect("projects.Project")}


class MinutesForm(VerbForm):
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 8}))


class DecideForm(VerbForm):
    """议定事项: what was decided, who owns it, by when, what it is about."""

    text = forms.CharField(label=_("what was decided"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_department = forms.ModelChoiceField(label=_("owner department"), queryset=Department.objects.all())
    deadline = LooseDateField(label=_("deadline"), widget=DATE)
    problems = forms.ModelMultipleChoiceField(label=_("problems"), queryset=Problem.objects.none(), required=False)
    projects = forms.ModelMultipleChoiceField(label=_("projects"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # what is on this meeting's agenda
        items = self.obj.items.filter(archived_at__isnull=True)
        self.fields["problems"].queryset = Problem.objects.filter(pk__in=items.values("problem"))
        self.fields["projects"].queryset = Project.objects.filter(pk__in=items.values("project"))
        for name in ("problems", "projects"):
            self.fields[name].widget.attrs["class"] = "form-select"


class ReportDecisionForm(VerbForm):
    report = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 3}))


class ProblemImportForm(ProblemForm):
    """A ledger row: the raise form, with the class and the lead department a ledger may name."""

    class Meta(ProblemForm.Meta):
        fields = [*ProblemForm.Meta.fields, "problem_class", "lead_department"]
