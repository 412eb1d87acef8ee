"""Verbs: the declared state changes of a model (submit, review, advance, lock …).

A verb is declared once, beside the model's pages:

    class ProgressReportViews(ModelViews):
        verbs = (
            Verb("submit", _("Submit"), services.submit_report, available=lambda r: not r.reported),
            Verb("review", _("Review"), services.review_report, form=ReviewForm, ...),
        )

and from that one declaration come the page (`<model>s/<pk>/<verb>/`, its button shown only to
whoever may use it), the API action (`POST /api/…/<pk>/<verb>/`, in the OpenAPI schema with a
body derived from the same form), the permission (`restrict(user, verb.permission)`, which the
model's `rights` table grants per role) and a row of the role matrix the tests walk.

The form validates for the page and the API alike, so a rule lives in one place; the service
is the one function that changes state (STYLE habit 2): `service(obj, *, by, **form values)`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .access import Action, can, refusal
from .context import acting


class VerbForm(forms.Form):
    """The small form of a verb: it knows the object and the user, and says what the service
    gets (`service_kwargs()`, the cleaned data unless it says otherwise)."""

    do_not_call_in_templates = True  # `{% if verb.form %}` asks whether there is one, it builds none

    def __init__(self, data=None, files=None, *, obj, user, **kwargs):
        self.obj, self.user = obj, user
        super().__init__(data, files, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _always(obj) -> bool:
    return True


@dataclass(frozen=True)
class Verb:
    """One declared state change. `permission` defaults to the verb's name; several verbs may
    share one (accept and return are both "review"). `available(obj)` says whether the verb
    applies in the object's state (it hides the button; the service still enforces its rules)."""

    name: str
    label: str | Promise
    service: Callable[..., Any]
    form: type[VerbForm] | None = None
    permission: str | None = None
    available: Callable[[Any], bool] = _always
    inline: bool = False  # the form sits on the detail page instead of a page of its own
    style: str = "primary"
    done: str | Promise = ""  # the message after it worked
    help: str | Promise = ""  # shown above the form; the API description
    template: str = "core/verb_form.html"  # the verb's own page, when it shows more than its form
    context: Callable[[Any, Any], dict] | None = None  # (obj, user) -> more for that page

    @property
    def right(self) -> str:
        return self.permission or self.name

    def url_name(self, model) -> str:
        return model.url_name(self.name)

    def build_form(self, obj, user, data=None, files=None):
        if self.form is None:
            return None
        return self.form(data, files, obj=obj, user=user)

    def run(self, obj, user, form=None):
        """The service, atomic, as `user`; returns what the service returns."""
        kwargs = form.service_kwargs() if form is not None else {}
        with transaction.atomic(), acting(user):
            return self.service(obj, by=user, **kwargs)


def object_for(model, user, pk, verb: Verb, queryset=None):
    """The row a verb acts on: 404 outside the user's scope (ids cannot be probed), 403 when the
    user sees it but may not use this verb on it."""
    from django.http import Http404

    queryset = queryset if queryset is not None else model.objects.all()
    from .errors import BIGINT

    try:
        if not 0 < int(pk) <= BIGINT:
            raise Http404
        obj = get_object_or_404(queryset.restrict(user, Action.VIEW), pk=int(pk))
    except (TypeError, ValueError, OverflowError) as error:  # a path id that is no id
        raise Http404 from error
    if not can(user, verb.right, obj):
        raise PermissionDenied(
            refusal(obj, verb.right) or _("You may not do “%(verb)s” on this record.") % {"verb": verb.label}
        )
    return obj


def usable_verbs(declaration, user, obj) -> list[dict]:
    """The verbs whose buttons this user sees on this object's page, with their forms."""
    from django.urls import reverse

    result = []
    for verb in declaration.verbs:
        if verb.available(obj) and can(user, verb.right, obj):
            result.append(
                {
                    "verb": verb,
                    "url": reverse(verb.url_name(declaration.model), args=[obj.pk]),
                    "form": verb.build_form(obj, user) if verb.inline else None,
                }
            )
    return result


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class VerbPage:
    """GET shows the verb's form (or its confirmation); POST validates and calls the service."""

    @staticmethod
    def view(declaration, verb: Verb):
        from django.contrib.auth.decorators import login_required

        @login_required
        def page(request, pk):
            obj = object_for(declaration.model, request.user, pk, verb, declaration.get_queryset(request))
            posted = request.method == "POST"  # bound even when empty: a form of optional fields
            form = verb.build_form(
                obj, request.user, request.POST if posted else None, request.FILES if posted else None
            )
            status = 200
            if request.method == "POST":
                if form is None or form.is_valid():
                    try:
                        result = verb.run(obj, request.user, form)
                    except ValidationError as error:
                        if form is None or verb.inline:
                            messages.error(request, error_text(error))
                            return redirect(obj.get_absolute_url())
                        from .forms import add_service_errors

                        add_service_errors(form, error)
                    else:
                        messages.success(request, str(verb.done or _("Done: %(verb)s.") % {"verb": verb.label}))
                        target = result if hasattr(result, "get_absolute_url") else obj
                        return redirect(target.get_absolute_url() or obj.get_absolute_url())
                elif verb.inline:
                    messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
                    return redirect(obj.get_absolute_url())
                status = 400
            context = {
                "object": obj,
                "verb": verb,
                "form": form,
                "views": declaration,
                "model_name_plural": declaration.model._meta.verbose_name_plural,
            }
            if verb.context is not None:
                context.update(verb.context(obj, request.user))
            return render(request, verb.template, context, status=status)

        return page


# --- the API side: a serializer for the schema, derived from the verb's form ---------------


def _serializer_field(form_field):
    from rest_framework import serializers

    common = {
        "required": form_field.required,
        "help_text": str(form_field.help_text or form_field.label or ""),
    }
    if isinstance(form_field, forms.BooleanField):
        return serializers.BooleanField(required=False, help_text=common["help_text"])
    if isinstance(form_field, forms.ModelChoiceField):
        return serializers.IntegerField(**common)
    if isinstance(form_field, forms.ChoiceField):
        return serializers.ChoiceField(choices=list(form_field.choices), **common)
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(form_field, forms.DecimalField):
        return serializers.CharField(**common)  # amounts in 万元, or text such as 1.2亿
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(**common)
    if isinstance(form_field, forms.FileField):
        return serializers.FileField(**common)
    return serializers.CharField(allow_blank=not form_field.required, **common)


def request_serializer(model, verb: Verb):
    """The verb's body as the OpenAPI schema shows it: the form's fields, typed."""
    from rest_framework import serializers

    fields = {}
    if verb.form is not None:
        fields = {name: _serializer_field(field) for name, field in verb.form.base_fields.items()}
    name = f"{model.__name__}{verb.name.title().replace('_', '')}Request"
    return type(name, (serializers.Serializer,), fields)
