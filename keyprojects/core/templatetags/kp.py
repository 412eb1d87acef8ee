from django import forms, template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def invalid_if(field, errors):
    """Render a bound field with Bootstrap's invalid style when it has errors."""
    if errors:
        css = field.field.widget.attrs.get("class", "form-control")
        return field.as_widget(attrs={"class": f"{css} is-invalid"})
    if isinstance(field.field.widget, (forms.Select, forms.SelectMultiple)):
        return field.as_widget(attrs={"class": "form-select form-select-sm"})
    return field.as_widget(attrs={"class": field.field.widget.attrs.get("class", "form-control")})


@register.filter
def yesno_or_value(value):
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return value


@register.filter
def url_name(model, view):
    return model.url_name(view)


@register.simple_tag
def object_url(obj, view):
    return reverse(obj.url_name(view), args=[obj.pk])


@register.simple_tag
def query_with(querystring, **params):
    from django.http import QueryDict

    query = QueryDict(querystring, mutable=True)
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


@register.filter
def field_label(change, name):
    """A change-log field name in the reader's language."""
    model = change.content_type.model_class()
    if model is None:
        return name
    for field in model._meta.concrete_fields:
        if field.attname == name:
            return field.verbose_name
    return name
