from django import forms
from django.utils.translation import gettext_lazy as _

from keyprojects.core.forms import BaseModelForm
from keyprojects.core.parsing import LooseDateField, MoneyField
from keyprojects.core.verbs import VerbForm
from keyprojects.core.widgets import SearchSelect

from .choices import LIFECYCLE, SIGNED_OR_LATER, DocumentKind, ReplanReason, Stage
from .models import ListMembership, Milestone, OfficialFigure, ProgressReport, Project, ProjectMember, YearPlan

DATE_FIELDS = [
    "planned_sign_date",
    "actual_sign_date",
    "planned_start_date",
    "actual_start_date",
    "planned_production_date",
    "actual_production_date",
    "planned_capacity_date",
    "actual_capacity_date",
    "statistics_date",
]


class ProjectForm(BaseModelForm):
    total_investment = MoneyField(
        label=_("total investment (10k yuan)"),
        help_text=_("In 万元; 亿 is accepted too, e.g. 1.2亿. May stay blank until the project is signed."),
        required=False,
    )
    prior_investment = MoneyField(
        label=Project._meta.get_field("prior_investment").verbose_name,
        help_text=Project._meta.get_field("prior_investment").help_text,
        required=False,
    )

    class Meta:
        model = Project
        widgets = {"owner": SearchSelect("enterprises.Enterprise"), "parent": SearchSelect("projects.Project")}
        fields = [
            "name",
            "code",
            "parent",
            "owner",
            "region",
            "location",
            "latitude",
            "longitude",
            "field",
            "industry_code",
            "tags",
            "attraction_source",
            "nature",
            "total_investment",
            "prior_investment",
            "funding_sources",
            "construction_content",
            "designed_capacity",
            *[name for name in DATE_FIELDS if name.startswith("planned_")],
            "in_statistics",
            "statistics_date",
            "statistics_id",
            "leader",
            "service_officer",
            "department",
            "responsible_person",
        ]
        widgets = {f: forms.DateInput(attrs={"type": "date"}) for f in DATE_FIELDS}
        widgets["construction_content"] = forms.Textarea(attrs={"rows": 3})
        field_classes = dict.fromkeys(DATE_FIELDS, LooseDateField)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            self.fields["parent"].queryset = self.fields["parent"].queryset.filter(parent__isnull=True)

    def clean_prior_investment(self):
        return self.cleaned_data.get("prior_investment") or 0

    def clean_total_investment(self):
        total = self.cleaned_data.get("total_investment")
        if total is None and self.instance.stage in SIGNED_OR_LATER:
            raise forms.ValidationError(_("A signed project needs its total investment."))
        return total


class StageForm(VerbForm):
    """The verb form for advance_stage() and request_stage(): target stage, date, evidence and,
    when needed, reason."""

    to = forms.ChoiceField(label=_("new stage"), choices=Stage.choices)
    on = LooseDateField(label=_("reached on"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.FileField(label=_("evidence (permit, dated site photo)"), required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("reason (for a correction or termination)"), required=False)
    signed_on = LooseDateField(
        label=_("signed on (if skipped)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    started_on = LooseDateField(
        label=_("started on (if skipped)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    producing_on = LooseDateField(
        label=_("in production since (if skipped)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    SKIPPED = {Stage.SIGNED: "signed_on", Stage.STARTED: "started_on", Stage.PRODUCING: "producing_on"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import STAGE_LIFECYCLE  # the moves the lifecycle allows from here, in order

        allowed = set(STAGE_LIFECYCLE.targets_from(self.obj.stage))
        self.fields["to"].choices = [(s.value, s.label) for s in [*LIFECYCLE, Stage.TERMINATED] if s in allowed]
        following = [s for s in LIFECYCLE if LIFECYCLE.index(s) > LIFECYCLE.index(self.obj.stage)] or LIFECYCLE
        self.fields["to"].initial = following[0].value  # the next stage, not the first of all

    def clean_evidence(self):
        from keyprojects.core.uploads import check_evidence

        return check_evidence(self.cleaned_data.get("evidence"))

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "to": Stage(data["to"]),
            "on": data["on"],
            "evidence": data.get("evidence"),
            "note": data.get("note", ""),
            "reason": data.get("reason", ""),
            "dates": {stage: data[name] for stage, name in self.SKIPPED.items() if data.get(name)},
        }


class ReportForm(BaseModelForm):
    investment = MoneyField(label=_("investment this month (10k yuan)"))
    month = LooseDateField(
        label=_("month"), help_text=_("e.g. 2024-03"), widget=forms.TextInput(attrs={"placeholder": "2024-03"})
    )
    confirm_over_total = forms.BooleanField(
        label=_("I confirm the cumulative investment exceeds the total investment"), required=False
    )

    class Meta:
        model = ProgressReport
        fields = [
            "project",
            "month",
            "investment",
            "physical_progress",
            "milestone",
            "photo",
            "problems",
            "next_plan",
            "correction_note",
        ]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 2}) for name in ["physical_progress", "problems", "next_plan"]},
            "project": SearchSelect("projects.Project", "report"),  # the projects this user files for
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None and "project" not in self.known.querysets:
            # only the projects this user files for (an enterprise its own, a county its county's)
            self.fields["project"].queryset = Project.objects.restrict(self.user, "report")

    def clean_photo(self):
        from keyprojects.core.uploads import check_evidence

        return check_evidence(self.cleaned_data.get("photo"), images_only=True)


class MilestoneForm(BaseModelForm):
    planned_date = LooseDateField(
        label=_("planned date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actual_date = LooseDateField(label=_("actual date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Milestone
        fields = [
            "project",
            "name",
            "order",
            "planned_date",
            "actual_date",
            "responsible_department",
            "responsible_unit",
        ]
        widgets = {"project": SearchSelect("projects.Project")}


class YearPlanForm(BaseModelForm):
    planned_investment = MoneyField(label=_("planned investment (10k yuan)"))

    class Meta:
        model = YearPlan
        fields = ["project", "year", "planned_investment", "node_targets"]
        widgets = {"project": SearchSelect("projects.Project")}


class ListMembershipForm(BaseModelForm):
    class Meta:
        model = ListMembership
        fields = ["project", "list", "start", "end"]
        widgets = {
            "project": SearchSelect("projects.Project"),
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }


class ProjectMemberForm(BaseModelForm):
    class Meta:
        model = ProjectMember
        fields = ["project", "name", "role", "post", "phone"]
        widgets = {"project": SearchSelect("projects.Project")}


class ReturnForm(VerbForm):
    """退回: a report goes back to its filer with the reason."""

    reason = forms.CharField(label=_("reason for returning"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["placeholder"] = _("Reason for returning")


class DecisionForm(VerbForm):
    """A county's decision on a stage change request: a note (a reason, when rejecting)."""

    reason = forms.CharField(label=_("reason"), max_length=200)


class ConfirmForm(VerbForm):
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class DocumentForm(forms.Form):
    """Upload a project document (the documents tab)."""

    file = forms.FileField(label=_("file"))
    title = forms.CharField(label=_("title"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentKind.choices, initial=DocumentKind.OTHER)


class OfficialFigureForm(BaseModelForm):
    """统计局数据: the city administrator enters the bureau's figure for a period."""

    month = LooseDateField(label=_("to the end of"), help_text=_("The last month of the period, e.g. 2024-09."))
    amount = MoneyField(label=_("completed investment (10k yuan)"), required=False, max_digits=16)

    class Meta:
        model = OfficialFigure
        fields = ["region", "month", "category", "amount", "growth", "source", "correction_note"]


class ReplanForm(VerbForm):
    """重新计划: the new plan, why (a reason code and a note); the county approves it. Dates left
    blank keep the current plan's; each node not yet reached may get a new planned date."""

    reason = forms.ChoiceField(
        label=_("reason"), choices=[c for c in ReplanReason.choices if c[0] != ReplanReason.FIRST]
    )
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    planned_sign_date = LooseDateField(label=_("planned signing date"), required=False)
    planned_start_date = LooseDateField(label=_("planned start date"), required=False)
    planned_production_date = LooseDateField(label=_("planned production date"), required=False)
    planned_capacity_date = LooseDateField(label=_("planned capacity date"), required=False)
    total_investment = MoneyField(label=_("total investment (10k yuan)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("planned_sign_date", "planned_start_date", "planned_production_date", "planned_capacity_date"):
            self.fields[name].initial = getattr(self.obj, name)
            self.fields[name].widget.attrs.update({"type": "date", "class": "form-control"})
        self.fields["total_investment"].initial = self.obj.total_investment
        self.nodes = list(self.obj.milestones.filter(archived_at__isnull=True, actual_date__isnull=True))
        for milestone in self.nodes:
            field = LooseDateField(
                label=_("node “%(name)s”") % {"name": milestone.name}, required=False, initial=milestone.planned_date
            )
            field.widget.attrs.update({"type": "date", "class": "form-control"})
            self.fields[f"node_{milestone.pk}"] = field

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        nodes = {m.pk: data.pop(f"node_{m.pk}", None) for m in self.nodes}
        moved = {
            pk: day
            for pk, day in nodes.items()
            if day and day != next((m.planned_date for m in self.nodes if m.pk == pk), None)
        }
        return {**data, "nodes": moved}
