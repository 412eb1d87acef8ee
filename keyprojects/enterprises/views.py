from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from keyprojects.core.access import Action, can
from keyprojects.core.imports import sniff
from keyprojects.core.tasks import start_job
from keyprojects.core.views import ModelViews

from . import facts
from .filtersets import EnterpriseFilterSet
from .forms import EnterpriseForm
from .importers import EnterpriseImporter
from .models import Enterprise, EnterpriseFact
from .tables import EnterpriseTable


class EnterpriseViews(ModelViews):
    model = Enterprise
    filterset = EnterpriseFilterSet
    table = EnterpriseTable
    form = EnterpriseForm
    importer = EnterpriseImporter
    select_related = ("region",)

    @classmethod
    def detail_fields(cls, obj):
        def label(name):
            return Enterprise._meta.get_field(name).verbose_name

        industry = f"{obj.industry} · {obj.industry_section}" if obj.industry_section else obj.industry
        return [
            (label("name"), obj.name),
            (label("credit_code"), obj.credit_code),
            (label("region"), obj.region),
            (label("industry"), industry),
            (label("legal_representative"), obj.legal_representative),
            (label("contact_name"), obj.contact_name),
            (label("contact_phone"), obj.contact_phone),
            (label("bank_account"), f"{obj.bank_name} {obj.bank_account}".strip()),
            (label("users"), "、".join(str(u) for u in obj.users.all())),
        ]


@login_required
def fact_feed(request):
    """企业数据: the newest facts in the user's scope; who may load them uploads a department's
    feed here, which a background job checks and loads."""
    may_load = can(request.user, Action.ADD, EnterpriseFact)
    error = ""
    if request.method == "POST":
        if not may_load:
            raise PermissionDenied
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file.")
        elif upload.size > settings.IMPORT_MAX_BYTES * 8:
            error = _("The file is too large.")
        else:
            head = upload.read(8)
            upload.seek(0)
            if head[:4] != b"PAR1" and sniff(upload.read(8192)) is None:
                error = _("This is not a fact feed: upload a .csv, .xlsx or .parquet file.")
            else:
                upload.seek(0)
                job = start_job("enterprises.fact_feed", title=facts.FEED_TITLE, by=request.user, file=upload)
                return redirect(job)
    return render(
        request,
        "enterprises/fact_feed.html",
        {
            "error": error,
            "may_load": may_load,
            "columns": [h[0] if translation.get_language() == "zh-hans" else h[1] for h in facts.COLUMNS.values()],
            # the words a feed may use for a field: its Chinese name, or its code in English
            "fields": facts.FIELD_NAMES
            if translation.get_language() == "zh-hans"
            else {f: f for f in facts.FIELD_NAMES},
            "facts": named(
                EnterpriseFact.objects.restrict(request.user)
                .select_related("enterprise")
                .order_by("-updated", "-pk")[:50]
            ),
        },
        status=400 if error else 200,
    )


def enterprise_facts(request, enterprise):
    """The enterprise page's tab: its facts, newest period first, with their sources."""
    rows = list(
        EnterpriseFact.objects.restrict(request.user)
        .filter(enterprise=enterprise)
        .order_by("field", "-year", "-quarter")
    )
    if not rows:
        return None
    return {"facts": named(rows)}


def named(rows):
    """Facts with the field's name as the reader says it (the feeds' Chinese word in Chinese)."""
    rows = list(rows)
    chinese = translation.get_language() == "zh-hans"
    for row in rows:
        row.name = facts.FIELD_NAMES.get(row.field, row.field) if chinese else row.get_field_display()
    return rows
