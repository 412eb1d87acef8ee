from django import forms
from django.utils.translation import gettext_lazy as _

from keyprojects.core.forms import BaseModelForm
from keyprojects.core.parsing import LooseDateField
from keyprojects.core.verbs import VerbForm
from keyprojects.core.widgets import SearchSelect
from keyprojects.problems.choices import Category

from .choices import Finding
from .models import Camera, Inspection, Snapshot, StoppageDay


class CameraForm(BaseModelForm):
    """A camera: where its frames come from and when. The password is write-only: the form
    never shows it back, blank keeps the stored one."""

    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again; leave blank to keep the stored one."),
    )
    clear_password = forms.BooleanField(label=_("remove the stored password"), required=False)

    class Meta:
        model = Camera
        fields = [
            "project",
            "name",
            "position",
            "source",
            "url",
            "username",
            "live_url",
            "interval",
            "work_start",
            "work_end",
            "offline_after",
            "masks",
            "active",
        ]
        widgets = {
            "project": SearchSelect("projects.Project"),
            "work_start": forms.TimeInput(attrs={"type": "time"}),
            "work_end": forms.TimeInput(attrs={"type": "time"}),
            "masks": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "masks": _(
                "Areas left out of the activity score (roads, sky): draw them on the latest snapshot, or type "
                "polygons of [x, y] from 0 to 1 of the picture, e.g. [[[0, 0], [1, 0], [1, 0.3], [0, 0.3]]] for "
                "the top third."
            )
        }

    @property
    def latest_snapshot(self):
        """What the mask editor draws on (camera_form.html, static/monitoring/masks.js)."""
        if not self.instance.pk:
            return None
        return Snapshot.objects.filter(camera=self.instance).order_by("-taken_at", "-pk").first()

    def clean_masks(self):
        masks = self.cleaned_data.get("masks") or []
        try:
            ok = isinstance(masks, list) and all(
                len(polygon) >= 3 and all(0 <= float(x) <= 1 and 0 <= float(y) <= 1 for x, y in polygon)
                for polygon in masks
            )
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise forms.ValidationError(_("Each mask is a list of at least three [x, y] points between 0 and 1."))
        return masks

    def clean(self):
        data = super().clean()
        start, end = data.get("work_start"), data.get("work_end")
        if start and end and end <= start:
            self.add_error("work_end", _("The working hours end before they start."))
        return data


class StoppageDayForm(BaseModelForm):
    class Meta:
        model = StoppageDay
        fields = ["day", "region", "reason"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}
        field_classes = {"day": LooseDateField}


class InspectionForm(BaseModelForm):
    class Meta:
        model = Inspection
        fields = ["project", "day", "finding", "note", "snapshot"]
        widgets = {
            "project": SearchSelect("projects.Project"),
            "day": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "snapshot": forms.HiddenInput,
        }
        field_classes = {"day": LooseDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].required = False
        self.fields["day"].help_text = _("Today when left blank.")


class TestForm(VerbForm):
    """Nothing to fill in: the page exists so that a failed test shows its reason beside the
    button, to try again after fixing the address or the password."""


class RaiseForm(VerbForm):
    category = forms.ChoiceField(label=_("problem category"), choices=Category.choices, initial=Category.OTHER)
    title = forms.CharField(label=_("title"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import FINDING_CATEGORY

        self.fields["category"].initial = FINDING_CATEGORY.get(self.obj.finding, Category.OTHER)


FINDING_CHOICES = Finding.choices
