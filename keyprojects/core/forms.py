"""Base form for every model form: knows the user, offers only in-scope choices, and refuses
to overwrite a newer version of the object (optimistic check on save)."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import Action

STALE = _("Someone else changed this record after you opened it. Reload the page and apply your change again.")


class BaseModelForm(forms.ModelForm):
    # The `updated` stamp the user loaded; a save against a newer row is refused.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if user is not None and queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, Action.VIEW)
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
        if self.instance.pk and getattr(self.instance, "updated", None) and not self.is_bound:
            self.initial["loaded_version"] = self.instance.updated.isoformat()

    def clean(self):
        cleaned = super().clean()
        # The relations this form's fields found in their own querysets, which are no wider than
        # the model's: LoggedModel.clean_fields() does not look them up a second time.
        self.instance.found_relations = {
            field.name: getattr(cleaned[field.name], field.target_field.attname)
            for field in self.instance._meta.fields
            if isinstance(field, models.ForeignKey)
            and isinstance(self.fields.get(field.name), forms.ModelChoiceField)
            and isinstance(cleaned.get(field.name), models.Model)
        }
        loaded = cleaned.get("loaded_version")
        current = getattr(self.instance, "updated", None)
        if self.instance.pk and loaded and current and loaded != current.isoformat():
            raise forms.ValidationError(STALE, code="stale")
        return cleaned


def add_service_errors(form, error):
    """Show a service's ValidationError on the form: a field's error beside the field when the
    form has it, everything else at the top (never a 500 for a key the form lacks)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
