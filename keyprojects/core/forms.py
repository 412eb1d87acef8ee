"""Base form for every model form: knows the user, offers only in-scope choices, and refuses
to overwrite a newer version of the object (optimistic check on save)."""

import dataclasses
from functools import partial

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import Action


@dataclasses.dataclass
class Known:
    """What an import works out once for its whole file, so that each row's form asks the
    database nothing: the form's querysets restricted to the user, the objects the relation
    cells name (read through those querysets) and the values of unique fields no row holds."""

    querysets: dict = dataclasses.field(default_factory=dict)  # field name -> restricted queryset
    objects: dict = dataclasses.field(default_factory=dict)  # field name -> {pk: object}
    free: dict = dataclasses.field(default_factory=dict)  # unique field name -> set of values


STALE = _("Someone else changed this record after you opened it. Reload the page and apply your change again.")


class BaseModelForm(forms.ModelForm):
    # The `updated` stamp the user loaded; a save against a newer row is refused.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, known=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.known = known or Known()
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if name in self.known.querysets:
                field.queryset = self.known.querysets[name]
            elif user is not None and queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, Action.VIEW)
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
        for name, objects in self.known.objects.items():
            self.fields[name].to_python = partial(_known_or_queried, self.fields[name], objects)
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

    def check_version_locked(self) -> None:
        """The optimistic check again, under the row lock, in the transaction that saves: clean()
        compared against the row as it was read, and two saves could both pass that; the second to
        take the lock sees the first's stamp and is refused (ValidationError, shown on the form)."""
        loaded = self.cleaned_data.get("loaded_version")
        if not (self.instance.pk and loaded and getattr(self.instance, "updated", None)):
            return
        current = (
            type(self.instance)
            ._base_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated", flat=True)
            .first()
        )
        if current is not None and current.isoformat() != loaded:
            raise forms.ValidationError(STALE, code="stale")

    def validate_unique(self):
        """Django's unique checks, less those an import answered for the whole file: a value
        known to be free needs no query; any other value is checked, with Django's message."""
        exclude = self._get_validation_exclusions()
        exclude |= {name for name, values in self.known.free.items() if self.cleaned_data.get(name) in values}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


def _known_or_queried(field, objects, value):
    """A relation cell answered from the objects an import read once; any other value goes to
    the field's own query as usual."""
    found = objects.get(value)
    return found if found is not None else type(field).to_python(field, value)


def add_service_errors(form, error):
    """Show a service's ValidationError on the form: a field's error beside the field when the
    form has it, everything else at the top (never a 500 for a key the form lacks)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
