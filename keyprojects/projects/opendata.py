"""Open data: the published projects as an OC4IDS 0.9.5 project package (JSON) and its CSV
flattening, on a public page with the licence (/open-data/).

Published are the projects whose signboard (公示牌) is public and those on a list an administrator
marks as open data (ProjectList.open_data). Both files stream: projects are read a chunk at a time
with their nodes, reports and plans prefetched per chunk, so memory does not grow with projects.

What maps to what (the fields of project-schema.json):
- id: OC4IDS_PREFIX + our id; identifiers: the national project code (全国投资项目在线审批监管
  平台项目代码) and ours
- status: the stage (谋划 → identification, 在谈/签约 → preparation, 开工 → implementation,
  投产 → completion, 达效 → maintenance, 终止 → cancelled); type from 建设性质; sector from 领域
- budget: the total investment in CNY (万元 × 10,000); period: planned start to planned production
- locations: the site, at the project's coordinates or else its county's seat (GB/T 2260), with
  the county's code as gazetteer entry
- parties: the owner enterprise (统一社会信用代码 as CN-USCC identifier) and the responsible
  department (public authority); milestones: the project's nodes (时间节点)
- metrics: the cumulative investment reported each month (financialProgress) and the physical
  progress reported (physicalProgress); forecasts: the yearly planned investment
"""

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from keyprojects.orgs.divisions import division

from .choices import REPORTED, Field, Nature, Stage
from .models import ListMembership, Milestone, ProgressReport, Project, YearPlan

VERSION = "0.9"  # OC4IDS 0.9.5: the package's version is major.minor
STATUS = {
    Stage.PLANNED: "identification",
    Stage.NEGOTIATING: "preparation",
    Stage.SIGNED: "preparation",
    Stage.STARTED: "implementation",
    Stage.PRODUCING: "completion",
    Stage.AT_CAPACITY: "maintenance",
    Stage.TERMINATED: "cancelled",
}
TYPE = {
    Nature.NEW: "construction",
    Nature.EXPANSION: "expansion",
    Nature.RENOVATION: "rehabilitation",
    Nature.RELOCATION: "construction",
    Nature.RESTORATION: "rehabilitation",
}
SECTOR = {
    Field.INDUSTRY: ["economy"],
    Field.INFRASTRUCTURE: ["transport"],
    Field.SERVICES: ["economy"],
    Field.AGRICULTURE: ["economy"],
    Field.SOCIAL: ["health", "education"],
    Field.ECOLOGY: ["waterAndWaste", "naturalResources"],
    Field.URBAN: ["transport", "transport.urban"],
}
CHINA = timezone.get_fixed_timezone(8 * 60)
CHUNK = 500


def published():
    """The projects open data publishes: a public signboard, or a place on an open list today."""
    today = timezone.localdate()
    on_open_list = ListMembership.objects.filter(list__open_data=True, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )
    return (
        Project.objects.filter(archived_at__isnull=True)
        .filter(Q(signboard_published=True) | Q(pk__in=on_open_list.values("project")))
        .order_by("pk")
    )


def with_details(queryset):
    """What a release reads, a fixed number of queries per chunk of projects."""
    return queryset.select_related("owner", "region", "region__parent", "department").prefetch_related(
        Prefetch("milestones", Milestone.objects.filter(archived_at__isnull=True).order_by("order", "pk")),
        Prefetch("reports", ProgressReport.objects.filter(status__in=REPORTED).order_by("month")),
        Prefetch("year_plans", YearPlan.objects.filter(archived_at__isnull=True).order_by("year")),
    )


def moment(value):
    """A date or a time as OC4IDS wants it (date-time), in China's time for a date."""
    if isinstance(value, datetime):
        return value.astimezone(CHINA).isoformat()
    return datetime.combine(value, time(), tzinfo=CHINA).isoformat()


def yuan(wan):
    """万元 → an amount in CNY: the number the standard's Value takes."""
    return float((Decimal(wan) * 10000).quantize(Decimal("0.01")))


def project_release(project):
    """One project in OC4IDS terms; fields the project does not have are left out, never empty."""
    ours = {"id": str(project.pk), "scheme": "KEYPROJECTS"}
    data = {
        "id": f"{settings.OC4IDS_PREFIX}-{project.pk}",
        "identifiers": [{"id": project.code, "scheme": "CN-TZXM"}, ours] if project.code else [ours],
        "updated": moment(project.updated),
        "language": "zh",
        "title": project.name,
        "status": STATUS[Stage(project.stage)],
        "type": TYPE.get(project.nature, "construction"),
        "sector": SECTOR.get(project.field, ["economy"]),
    }
    if project.construction_content:
        data["description"] = project.construction_content
    if project.designed_capacity:
        data["purpose"] = project.designed_capacity
    if project.total_investment is not None:
        data["budget"] = {"amount": {"amount": yuan(project.total_investment), "currency": "CNY"}}
    period = {}
    if project.actual_start_date or project.planned_start_date:
        period["startDate"] = moment(project.actual_start_date or project.planned_start_date)
    if project.planned_production_date:
        period["endDate"] = moment(project.planned_production_date)
    if period:
        data["period"] = period
    data["locations"] = [location(project)]
    parties, authority = parties_of(project)
    if parties:
        data["parties"] = parties
    if authority:
        data["publicAuthority"] = authority
    if milestones := milestones_of(project):
        data["milestones"] = milestones
    metrics, forecasts = progress_of(project)
    if metrics:
        data["metrics"] = metrics
    if forecasts:
        data["forecasts"] = forecasts
    return data


def location(project):
    """The site, at the project's own coordinates, else at its county's seat (GB/T 2260)."""
    region = project.region
    code = region.code or (region.parent.code if region.parent else None)
    place = {"id": "1", "description": "，".join(filter(None, [region.name, project.location]))}
    if project.longitude is not None and project.latitude is not None:
        place["geometry"] = {"type": "Point", "coordinates": [float(project.longitude), float(project.latitude)]}
    elif (seat := division(code)) and seat.longitude is not None:
        place["geometry"] = {"type": "Point", "coordinates": [float(seat.longitude), float(seat.latitude)]}
    if code:
        place["gazetteer"] = {"scheme": "CN-GB-T-2260", "identifiers": [code]}
    place["address"] = {"region": region.name, "countryName": "中国", "streetAddress": project.location or region.name}
    return place


def parties_of(project):
    parties, authority = [], None
    if owner := project.owner:
        party = {"id": f"CN-USCC-{owner.credit_code}" if owner.credit_code else f"KEYPROJECTS-E{owner.pk}"}
        party["name"] = owner.name
        if owner.credit_code:
            party["identifier"] = {"scheme": "CN-USCC", "id": owner.credit_code, "legalName": owner.name}
        party["roles"] = ["buyer"]  # the enterprise whose money builds it
        parties.append(party)
    if department := project.department:
        party = {"id": f"KEYPROJECTS-D{department.pk}", "name": department.name, "roles": ["publicAuthority"]}
        parties.append(party)
        authority = {"id": party["id"], "name": party["name"]}
    return parties, authority


def milestones_of(project):
    found = []
    for node in project.milestones.all():
        milestone = {"id": str(node.pk), "title": node.name, "type": "delivery"}
        if node.planned_date:
            milestone["dueDate"] = moment(node.planned_date)
        if node.actual_date:
            milestone["dateMet"] = moment(node.actual_date)
            milestone["status"] = "met"
        elif node.planned_date:
            milestone["status"] = "notMet" if node.planned_date < timezone.localdate() else "scheduled"
        found.append(milestone)
    return found


def month_period(month):
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return {"startDate": moment(month), "endDate": moment(following - timedelta(days=1))}


def progress_of(project):
    """Reported months (financial: the cumulative investment; physical: what was built) and the
    yearly plans as forecasts."""
    reports = list(project.reports.all())
    metrics = []
    if reports:
        financial = [
            {
                "id": f"{report.month:%Y-%m}",
                "period": month_period(report.month),
                "value": {"amount": yuan(report.cumulative_investment), "currency": "CNY"},
            }
            for report in reports
        ]
        metrics.append({"id": "financialProgress", "title": "累计完成投资", "observations": financial})
        physical = [
            {"id": f"{report.month:%Y-%m}", "period": month_period(report.month), "measure": report.physical_progress}
            for report in reports
            if report.physical_progress
        ]
        if physical:
            metrics.append({"id": "physicalProgress", "title": "形象进度", "observations": physical})
    plans = [
        {
            "id": str(plan.year),
            "period": {"startDate": moment(date(plan.year, 1, 1)), "endDate": moment(date(plan.year, 12, 31))},
            "value": {"amount": yuan(plan.planned_investment), "currency": "CNY"},
        }
        for plan in project.year_plans.all()
    ]
    forecasts = [{"id": "financialProgress", "title": "年度计划投资", "observations": plans}] if plans else []
    return metrics, forecasts


def releases(queryset=None):
    """Each published project's OC4IDS object, a chunk of projects (and their details) at a time."""
    queryset = published() if queryset is None else queryset
    last = 0
    while True:
        chunk = list(with_details(queryset.filter(pk__gt=last))[:CHUNK])
        if not chunk:
            return
        last = chunk[-1].pk
        chunk.reverse()
        while chunk:  # each project let go once released: none of a chunk is held while the next is read
            yield project_release(chunk.pop())


def package_head(uri, policy):
    return {
        "uri": uri,
        "publishedDate": timezone.now().astimezone(CHINA).isoformat(),
        "version": VERSION,
        "publisher": {"name": settings.OPEN_DATA_PUBLISHER},
        "license": settings.OPEN_DATA_LICENSE,
        "publicationPolicy": policy,
    }


def package_json(uri, policy, projects=None):
    """The package as JSON text pieces: the head, then one project at a time."""
    head = json.dumps(package_head(uri, policy), ensure_ascii=False)
    yield head[:-1] + ', "projects": ['
    for number, release in enumerate(releases(projects)):
        yield ("," if number else "") + json.dumps(release, ensure_ascii=False)
    yield "]}"


# The CSV flattening: one row per project, columns named by their JSON path (as flatten-tool
# names them); an array of strings is joined with ";", the first location only.
CSV_COLUMNS = [
    "id",
    "identifiers/0/scheme",
    "identifiers/0/id",
    "title",
    "description",
    "status",
    "type",
    "sector",
    "purpose",
    "budget/amount/amount",
    "budget/amount/currency",
    "period/startDate",
    "period/endDate",
    "locations/0/description",
    "locations/0/geometry/type",
    "locations/0/geometry/coordinates",
    "locations/0/gazetteer/scheme",
    "locations/0/gazetteer/identifiers",
    "publicAuthority/name",
    "parties/0/name",
    "parties/0/identifier/id",
    "updated",
]


def flattened(release, name):
    value = release
    for part in name.split("/"):
        if isinstance(value, list):
            value = value[int(part)] if part.isdigit() and int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        if value is None:
            return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def package_csv(projects=None):
    """The CSV flattening as text lines, a BOM first so that Excel reads it as UTF-8."""
    from keyprojects.core.exports import neutralise

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for release in releases(projects):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(flattened(release, name)) for name in CSV_COLUMNS])
        yield buffer.getvalue()


# --- the public page and its downloads ------------------------------------------------------------


def open_data_page(request):
    """开放数据: what is published, under which licence, and the downloads; no sign-in."""
    return render(
        request,
        "projects/open_data.html",
        {
            "count": published().count(),
            "publisher": settings.OPEN_DATA_PUBLISHER,
            "license": settings.OPEN_DATA_LICENSE,
            "version": "0.9.5",
        },
    )


def open_data_json(request):
    uri = request.build_absolute_uri(reverse("open_data_json"))
    policy = request.build_absolute_uri(reverse("open_data"))
    response = StreamingHttpResponse(package_json(uri, policy), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="oc4ids-projects.json"'
    return response


def open_data_csv(request):
    response = StreamingHttpResponse(package_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="oc4ids-projects.csv"'
    return response


urlpatterns = [
    path("", open_data_page, name="open_data"),
    path("oc4ids.json", open_data_json, name="open_data_json"),
    path("oc4ids.csv", open_data_csv, name="open_data_csv"),
]
