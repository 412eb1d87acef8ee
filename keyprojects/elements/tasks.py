"""The daily check of element guarantees: an element past its guaranteed date raises a problem."""

from django.utils.translation import gettext_lazy as _

from keyprojects.core.schedule import scheduled


@scheduled(
    "elements.daily",
    daily="06:30",
    title=_("Element guarantee dates"),
    counts={"problems": _("Elements past their date raised as problems")},
)
def daily(run):
    from . import services

    return {"problems": services.raise_late(run.day)}
