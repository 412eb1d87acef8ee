from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import Action, can

# Modules add their menu entries here as they arrive: (label, url name, model label or None).
NAVIGATION = []


def nav(label, url_name, model=None, section=None):
    NAVIGATION.append({"label": label, "url_name": url_name, "model": model, "section": section or _("Organisations")})


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from django.apps import apps

    sections = {}
    for entry in NAVIGATION:
        model = apps.get_model(entry["model"]) if entry["model"] else None
        if model is None or can(user, Action.VIEW, model):
            sections.setdefault(str(entry["section"]), []).append(
                {"label": entry["label"], "url": reverse(entry["url_name"])}
            )
    return {"nav_sections": sections}
