"""What attraction puts on a user's 工作台 (home): their stale leads, next steps due, trips
waiting for their approval, leads waiting for pre-evaluation; each a count linking to the list."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.attention import provider

from .choices import OPEN_STATUSES, LeadStatus, TripStatus
from .models import Lead, Trip
from .services import stale_leads


def _item(label, count, url, level):
    return {"label": label, "count": count, "url": url, "level": level} if count else None


@provider
def attraction_attention(request):
    user = request.user
    leads_url, trips_url = reverse("attraction:lead_list"), reverse("attraction:trip_list")
    mine = Lead.objects.restrict(user, "visit").filter(archived_at__isnull=True, owner__user=user)
    try:
        stale = stale_leads(mine).count()
    except ValidationError:  # the year's working calendar is missing: the calendar page says so
        stale = 0
    items = [
        _item(_("Your stale leads"), stale, f"{leads_url}?stale=true&owner={_own(user)}", "danger"),
        _item(
            _("Your leads' next steps due"),
            mine.filter(status__in=OPEN_STATUSES, next_step_on__lte=timezone.localdate()).count(),
            f"{leads_url}?owner={_own(user)}",
            "warning",
        ),
        _item(
            _("Trips waiting for your approval"),
            Trip.objects.restrict(user, "approve").filter(status=TripStatus.REPORTED).exclude(cadre__user=user).count(),
            f"{trips_url}?status=reported",
            "warning",
        ),
        _item(
            _("Leads waiting for pre-evaluation"),
            Lead.objects.restrict(user, "evaluate").filter(status=LeadStatus.NEGOTIATING).count(),
            f"{leads_url}?status=negotiating",
            "info",
        ),
    ]
    return [item for item in items if item]


def _own(user):
    cadre = getattr(user, "cadre", None) if hasattr(user, "cadre") else None
    return cadre.pk if cadre else ""
