"""Form widgets of our own, each a deliberate step beside Django's (see STYLE.md).

`SearchSelect`: a choice among thousands (a project, an enterprise) renders only the option
chosen; as the user types, the browser asks `core:pick` for the matches within the user's scope
(Tom Select, served locally; core/static/core/pickers.js). The form field still validates the
answer against its own, scoped queryset, so the search only suggests. A report form offering
every project of a county was 371 KB of HTML.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse


class SearchSelect(forms.Select):
    def __init__(self, model: str, action: str = "view", attrs=None):
        super().__init__(attrs)
        self.model, self.action = model, action

    def get_context(self, name, value, attrs):
        chosen = [v for v in self.format_value(value) if v]
        queryset = getattr(self.choices, "queryset", None)
        if queryset is not None:
            chosen = [v for v in chosen if _is_key(queryset.model, v)]  # ?owner=x re-shows the filter, empty
            found = list(queryset.filter(pk__in=chosen)) if chosen else []
            self.choices = [("", "")] + [(obj.pk, str(obj)) for obj in found]
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-search-url"] = (
            f"{reverse('core:pick')}?model={self.model}&action={self.action}"
        )
        return context


def _is_key(model, value) -> bool:
    try:
        model._meta.pk.to_python(value)
    except ValidationError:
        return False
    return True
