"""What 免申即享 puts on the 工作台: grants waiting for the enterprise's confirmation, and for
the policy's department the grants to review and the confirmed ones to pay."""

from django.urls import reverse
from django.utils.translation import gettext as _

from keyprojects.core.attention import provider

from .choices import GrantStatus
from .models import Grant


@provider
def grant_attention(request):
    user = request.user
    grants = reverse("policies:grant_list")
    items = []
    for verb, status, label, level in (
        ("confirm", GrantStatus.PUSHED, _("Grants without application for you to confirm"), "danger"),
        ("review", GrantStatus.MATCHED, _("Matched grants to review"), "warning"),
        ("fulfil", GrantStatus.CONFIRMED, _("Confirmed grants to pay"), "warning"),
    ):
        count = Grant.objects.restrict(user, verb).filter(status=status, archived_at__isnull=True).count()
        if count:
            items.append({"label": label, "count": count, "url": f"{grants}?status={status}", "level": level})
    return items
