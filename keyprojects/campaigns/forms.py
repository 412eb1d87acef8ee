from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from keyprojects.core.forms import BaseModelForm
from keyprojects.core.parsing import LooseDateField, MoneyField
from keyprojects.core.verbs import VerbForm
from keyprojects.projects.models import Project

from .choices import PhaseStatus
from .models import BatchEntry, Phase


class PhaseForm(BaseModelForm):
    date = LooseDateField(label=_("date"))

    class Meta:
        model = Phase
        fields = ["number", "title", "date", "venue"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status != PhaseStatus.PLANNING:
            loaded = getattr(self.instance, "_loaded", {})
            for name in ("number", "date"):
                if name in cleaned and cleaned[name] != loaded.get(name):
                    self.add_error(name, _("The list is locked: the number and date no longer change."))
        return cleaned


class BatchEntryForm(BaseModelForm):
    """Listing a project by hand: the frozen figures are copied by services.add_entry()."""

    class Meta:
        model = BatchEntry
        fields = ["phase", "project", "batch"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = self.fields["phase"].queryset.filter(
            status=PhaseStatus.PLANNING, archived_at__isnull=True
        )
        self.fields["project"].queryset = self.fields["project"].queryset.filter(archived_at__isnull=True)

    def validate_unique(self):
        pass  # services.add_entry() says which phase already lists the project, in words


class BatchEntryImportForm(BaseModelForm):
    """A row of a historical phase list: the figures announced then, when the list gives them."""

    total_investment = MoneyField(label=_("total investment at listing (10k yuan)"), required=False)
    planned_investment = MoneyField(label=_("annual planned investment at listing (10k yuan)"), required=False)

    class Meta:
        model = BatchEntry
        fields = ["phase", "project", "batch", "total_investment", "planned_investment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.all()  # matched within scope by the importer
        if self.user is not None:
            from keyprojects.core.access import Action

            self.fields["project"].queryset = Project.objects.restrict(self.user, Action.VIEW)

    def clean(self):
        from keyprojects.projects.models import YearPlan

        from . import services

        cleaned = super().clean()
        phase, project, batch = cleaned.get("phase"), cleaned.get("project"), cleaned.get("batch")
        if not (phase and project and batch):
            return cleaned
        problem = services.listing_problem(phase, project, batch, history=True, exclude=self.instance.pk)
        if problem:
            self.add_error("project", problem)
        # A list that does not give the figures: those of the project now (as add_entry copies them).
        if cleaned.get("total_investment") is None:
            cleaned["total_investment"] = (
                self.instance.total_investment if self.instance.pk else project.total_investment
            )
        if cleaned.get("planned_investment") is None:
            plan = YearPlan.objects.filter(project=project, year=phase.date.year).first()
            cleaned["planned_investment"] = plan.planned_investment if plan else 0
        return cleaned

    def validate_unique(self):
        pass


class CandidatesForm(VerbForm):
    """The proposed candidates of a phase, within the user's projects; the ticked ones are listed.
    Each pick is "batch:project id" (e.g. "sign:12")."""

    pick = forms.MultipleChoiceField(label=_("candidates"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from . import services

        self.proposal = services.propose_candidates(self.obj, Project.objects.restrict(self.user))
        self.groups = [(batch, list(queryset)) for batch, queryset in self.proposal.by_batch().items()]
        self.fields["pick"].choices = [(f"{batch.value}:{p.pk}", str(p)) for batch, rows in self.groups for p in rows]

    def service_kwargs(self):
        return {"picks": [tuple(value.split(":", 1)) for value in self.cleaned_data["pick"]]}


class LockForm(VerbForm):
    override_reason = forms.CharField(
        label=_("override reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when entries fail their rule: why the list is locked anyway (city administrators)."),
    )

    def clean_override_reason(self):
        value = self.cleaned_data["override_reason"].strip()
        if value and len(value) < 4:
            raise ValidationError(_("Say why, in a sentence."))
        return value
