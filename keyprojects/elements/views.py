from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from keyprojects.core.access import Action, can, memberships
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews

from . import services
from .choices import EntryStatus
from .filtersets import ElementDemandFilterSet, StoppageOrderFilterSet, WhitelistEntryFilterSet, WhitelistFilterSet
from .forms import ElementDemandForm, RevokeForm, StoppageOrderForm, WhitelistEntryForm, WhitelistForm
from .importers import ElementDemandImporter
from .models import ElementDemand, StoppageOrder, Whitelist, WhitelistEntry
from .tables import ElementDemandTable, StoppageOrderTable, WhitelistEntryTable, WhitelistTable

_ = gettext_lazy


class WhitelistViews(ModelViews):
    model = Whitelist
    filterset = WhitelistFilterSet
    table = WhitelistTable
    form = WhitelistForm
    detail_template = "elements/whitelist_detail.html"

    @classmethod
    def detail_context(cls, request, obj):
        entries = (
            WhitelistEntry.objects.restrict(request.user)
            .filter(whitelist=obj, archived_at__isnull=True)
            .select_related("project")
        )
        from .layouts import LAYOUTS

        layouts = [(key, title) for key, (title, _columns) in LAYOUTS.items()]
        return {"coverage": services.coverage(obj), "entries": entries[:500], "layouts": layouts}


class WhitelistEntryViews(ModelViews):
    model = WhitelistEntry
    filterset = WhitelistEntryFilterSet
    table = WhitelistEntryTable
    form = WhitelistEntryForm
    url_prefix = "entries/"
    select_related = ("project", "whitelist")
    verbs = (
        Verb(
            "revoke",
            _("Revoke"),
            services.revoke_entry,
            form=RevokeForm,
            available=lambda e: e.status == EntryStatus.ACTIVE,
            style="outline-danger",
            done=_("Revoked."),
        ),
    )

    @classmethod
    def save(cls, form, request):
        entry = form.save(commit=False)
        if entry.pk:
            return super().save(form, request)
        return services.add_entry(entry, by=request.user)


class ElementDemandViews(ModelViews):
    model = ElementDemand
    filterset = ElementDemandFilterSet
    table = ElementDemandTable
    form = ElementDemandForm
    url_prefix = "demands/"
    select_related = ("project", "department")
    importer = ElementDemandImporter

    @classmethod
    def save(cls, form, request):
        return services.save_demand(form.save(commit=False), by=request.user)


class StoppageOrderViews(ModelViews):
    model = StoppageOrder
    filterset = StoppageOrderFilterSet
    table = StoppageOrderTable
    form = StoppageOrderForm
    url_prefix = "orders/"

    @classmethod
    def save(cls, form, request):
        order = form.save(commit=False)
        services.record_order(order, by=request.user, projects=form.cleaned_data["projects"])
        return order


@login_required
def board(request):
    """缺口 board: shortfalls per element; 大财政金融办 sees funding, 大建设调度办 the rest."""
    if not can(request.user, Action.VIEW, ElementDemand):
        raise PermissionDenied
    kinds = {m.office.kind for m in memberships(request.user) if m.office_id}
    office = "finance" if kinds == {"finance"} else "construction" if kinds == {"construction"} else None
    return render(request, "elements/board.html", {"rows": services.shortfalls(request.user, office), "office": office})


def project_panel(request, project):
    """The project page's 要素 tab: its demands and its whitelists."""
    demands = list(
        ElementDemand.objects.restrict(request.user)
        .filter(project=project, archived_at__isnull=True)
        .select_related("department")
    )
    entries = list(WhitelistEntry.objects.restrict(request.user).filter(project=project).select_related("whitelist"))
    if not demands and not entries:
        return None
    return {"demands": demands, "entries": entries}


@login_required
def whitelist_layout(request, pk, layout):
    """The whitelist as 生态环境, 住建 or 供电 ask for it (xlsx, formulas neutralised)."""
    import io
    from urllib.parse import quote

    from django.http import Http404, HttpResponse
    from django.shortcuts import get_object_or_404

    from keyprojects.core.exports import neutralise, write_xlsx

    from .layouts import LAYOUTS, layout_rows

    whitelist = get_object_or_404(Whitelist.objects.restrict(request.user), pk=pk)
    if layout not in LAYOUTS:
        raise Http404
    heads, rows = layout_rows(whitelist, request.user, layout)
    out = io.BytesIO()
    write_xlsx(out, heads, ([neutralise(v) for v in row] for row in rows), sheet_name=str(LAYOUTS[layout][0]))
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{whitelist.name}-{LAYOUTS[layout][0]}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
