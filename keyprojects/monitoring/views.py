import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy

from keyprojects.core.access import Action, can
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews
from keyprojects.orgs.models import Region

from . import dispatch, services
from .choices import Finding
from .filtersets import CameraFilterSet, InspectionFilterSet, SnapshotFilterSet, StoppageDayFilterSet
from .forms import CameraForm, InspectionForm, RaiseForm, StoppageDayForm, TestForm
from .models import Camera, CameraEvent, Inspection, Snapshot, StoppageDay
from .tables import CameraTable, InspectionTable, SnapshotTable, StoppageDayTable

_ = gettext_lazy


class CameraViews(ModelViews):
    model = Camera
    filterset = CameraFilterSet
    table = CameraTable
    form = CameraForm
    detail_template = "monitoring/camera_detail.html"
    form_template = "monitoring/camera_form.html"  # the mask editor on the latest snapshot
    select_related = ("project",)
    verbs = (
        Verb(
            "test",
            _("Test connection"),
            services.test_connection,
            form=TestForm,
            style="outline-primary",
            done=_("The camera answered with an image."),
            help=_("Takes one frame now and says why when none comes."),
            available=lambda camera: camera.source != "push",
        ),
    )

    @classmethod
    def save(cls, form, request):
        return services.save_camera(
            form.save(commit=False),
            by=request.user,
            password=form.cleaned_data.get("password") or None,
            clear_password=form.cleaned_data.get("clear_password", False),
        )

    @classmethod
    def detail_context(cls, request, obj):
        return {
            "snapshots": list(Snapshot.objects.filter(camera=obj).order_by("-taken_at")[:12]),
            "events": list(CameraEvent.objects.filter(camera=obj).select_related("actor")[:30]),
        }


class SnapshotViews(ModelViews):
    model = Snapshot
    filterset = SnapshotFilterSet
    table = SnapshotTable
    detail_template = "monitoring/snapshot_detail.html"
    select_related = ("camera", "project")


class InspectionViews(ModelViews):
    model = Inspection
    filterset = InspectionFilterSet
    table = InspectionTable
    form = InspectionForm
    select_related = ("project", "inspector", "problem")
    verbs = (
        Verb(
            "raise",
            _("Raise a problem"),
            services.raise_from_inspection,
            form=RaiseForm,
            available=lambda inspection: inspection.problem_id is None,
            done=_("The problem was raised for the site's county, with the snapshot."),
            help=_("The finding goes to the problem ledger with its snapshot, for the site's responsible unit."),
        ),
    )

    @classmethod
    def save(cls, form, request):
        return services.record_inspection(form.save(commit=False), by=request.user)


class StoppageDayViews(ModelViews):
    model = StoppageDay
    filterset = StoppageDayFilterSet
    table = StoppageDayTable
    form = StoppageDayForm
    url_prefix = "stoppage-days/"


def _file(field):
    if not field:
        raise Http404
    try:
        return FileResponse(field.open("rb"), content_type="image/jpeg")
    except OSError as error:
        raise Http404 from error


@login_required
def snapshot_image(request, pk):
    return _file(get_object_or_404(Snapshot.objects.restrict(request.user), pk=pk).image)


@login_required
def snapshot_thumbnail(request, pk):
    return _file(get_object_or_404(Snapshot.objects.restrict(request.user), pk=pk).thumbnail)


def _day(request) -> datetime.date:
    today = timezone.localdate()
    found = parse_date(request.GET.get("day") or "") if request.GET.get("day") else None
    return min(found, today) if found else today


@login_required
def dispatch_list(request):
    """每日调度: every monitored site for the day, worked through by the dispatcher."""
    if not can(request.user, Action.VIEW, Camera):
        raise PermissionDenied
    day = _day(request)
    region = None
    if request.GET.get("region"):
        region = Region.objects.filter(pk=request.GET["region"]).first() if request.GET["region"].isdigit() else None
    left = request.GET.get("left") == "1"
    idle = request.GET.get("idle") == "1"
    rows = dispatch.dispatch_rows(request.user, day, left_only=left, region=region, idle_only=idle)
    summary = dispatch.summary(request.user, day)
    paginator = Paginator(rows, 30)
    if not (left or idle or region):
        paginator.count = summary["sites"]  # the same sites, already counted: no second count
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = dispatch.attach_figures(page.object_list, day)
    return render(
        request,
        "monitoring/dispatch.html",
        {
            "day": day,
            "yesterday": day - datetime.timedelta(days=1),
            "is_today": day == timezone.localdate(),
            "page": page,
            "summary": summary,
            "findings": Finding.choices,
            "can_record": can(request.user, Action.ADD, Inspection),
            "idle_after": services.idle_after(),
            "left": left,
            "idle": idle,
            "regions": Region.objects.filter(parent__isnull=False).order_by("path"),
            "region": region,
            # Once for the page, not once per row (bench/RESULTS.md, the dispatch list).
            "back": request.get_full_path(),
            "record_url": reverse("monitoring:record_finding"),
            "problems_url": reverse("problems:problem_list"),
        },
    )


@login_required
def record_finding(request):
    """The dispatch list's inline form: one finding for one site, back to the list."""
    if request.method != "POST":
        return redirect("monitoring:dispatch")
    if not can(request.user, Action.ADD, Inspection):
        raise PermissionDenied
    form = InspectionForm(request.POST, user=request.user)
    back = request.POST.get("back") or reverse("monitoring:dispatch")
    if not back.startswith("/"):
        back = reverse("monitoring:dispatch")
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, errors)
        return redirect(back)
    try:
        with transaction.atomic():
            inspection = services.record_inspection(form.save(commit=False), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("This site is outside your scope."))
    else:
        messages.success(
            request,
            _("Recorded “%(finding)s” for %(project)s.")
            % {"finding": inspection.get_finding_display(), "project": inspection.project},
        )
    return redirect(back)


def project_cameras(request, project):
    """The project page's 视频 tab: each camera's live view or latest snapshot, and its events."""
    if not can(request.user, Action.VIEW, Snapshot):
        return None
    cameras = list(Camera.objects.restrict(request.user).filter(project=project, archived_at__isnull=True))
    if not cameras:  # an enterprise sees its site's snapshots, not the cameras' settings
        snapshots = list(Snapshot.objects.restrict(request.user).filter(project=project)[:4])
        return {"snapshots": snapshots, "cameras": [], "events": []} if snapshots else None
    for camera in cameras:  # a site has a few cameras
        camera.latest = Snapshot.objects.filter(camera=camera).order_by("-taken_at", "-pk").first()
    events = list(CameraEvent.objects.restrict(request.user).filter(project=project).select_related("actor")[:20])
    return {"cameras": cameras, "events": events, "snapshots": []}


@login_required
def figures_page(request):
    """全程可视: coverage, cameras online, sites active, the idle list, findings by type and region;
    the weekly briefing as docx or xlsx."""
    from django.http import HttpResponse

    from . import figures

    if not can(request.user, Action.VIEW, Camera):
        raise PermissionDenied
    day = _day(request)
    data = figures.figures(request.user, day)
    kind = request.GET.get("export")
    if kind in {"docx", "xlsx"}:
        body = figures.briefing_docx(data) if kind == "docx" else figures.briefing_xlsx(data)
        types = {
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        response = HttpResponse(body, content_type=types[kind])
        name = f"video-dispatch-{day:%Y%m%d}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "monitoring/figures.html", {"data": data, "day": day})


@login_required
def camera_timelapse(request, pk):
    """The month's timelapse of a camera in the user's scope (?month=2026-12, this month by default)."""
    from django.http import HttpResponse

    from .timelapse import month_frames, timelapse_mp4

    camera = get_object_or_404(Camera.objects.restrict(request.user), pk=pk)
    month = parse_date(f"{request.GET.get('month', '')}-01") if request.GET.get("month") else None
    month = month or timezone.localdate().replace(day=1)
    frames = month_frames(camera, month)
    if not frames:
        raise Http404(_("No snapshot kept for this month."))
    response = HttpResponse(timelapse_mp4(frames), content_type="video/mp4")
    response["Content-Disposition"] = f'inline; filename="timelapse-{camera.pk}-{month:%Y%m}.mp4"'
    return response
