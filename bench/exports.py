"""Exports near their bare cost (issue 18, item 9): the project ledger export (every project, the
ledger's columns) as CSV and as xlsx, against references measured in the same run:

- CSV: the same rows read by the ORM (`values_list` of the columns' database paths, the lists and
  tags by one query each per chunk) and written by a bare `csv.writer`; target ≤ 3×.
- xlsx: the same cells (the export's own, gathered beforehand) written by a bare xlsxwriter
  workbook in constant_memory mode with `write_row`; target ≤ 2×.

Times are wall-clock seconds and this process's CPU seconds (the machine is shared: the ratios
are the measure). Run: `python -m bench --only "export ratios" --no-import --keep`."""

import csv
import tempfile
import time
from dataclasses import dataclass

CSV_TARGET = 3
XLSX_TARGET = 2


@dataclass
class Timed:
    seconds: float
    cpu: float


def timed(function):
    started, cpu = time.perf_counter(), time.process_time()
    function()
    return Timed(time.perf_counter() - started, time.process_time() - cpu)


class _Echo:
    def write(self, value):
        return value


def _queryset():
    from keyprojects.core.access import Action
    from keyprojects.orgs.models import User
    from keyprojects.projects.views import ProjectViews

    admin = User.objects.get(username="bench_city_admin")
    return ProjectViews.get_queryset().restrict(admin, Action.VIEW).filter(archived_at__isnull=True).order_by("pk")


def _paths(columns, model):
    """The database path of each column (a relation's lookup field, a relation without one by its
    id): what a bare ORM read of the same cells fetches."""
    from django.core.exceptions import FieldDoesNotExist

    paths = []
    for column in columns:
        try:
            field = model._meta.get_field(column.field.split("__")[0])
        except FieldDoesNotExist:
            continue  # list_names, tag_names: read below, one query each
        if field.is_relation and "__" not in column.field:
            paths.append(f"{column.field}__{column.lookup}" if column.lookup else column.field)
        else:
            paths.append(column.field)
    return paths


def reference_csv(queryset, columns):
    from keyprojects.projects.models import Project

    paths = _paths(columns, Project)
    writer = csv.writer(_Echo())
    ids = []
    for row in queryset.values_list("pk", *paths).iterator(chunk_size=2000):
        ids.append(row[0])
        writer.writerow(row[1:])
    # the lists and tags, as the export reads them
    list(
        Project.memberships.rel.related_model.objects.filter(project__in=queryset).values_list("project", "list__name")
    )
    list(Project.tags.through.objects.filter(project__in=queryset).values_list("project", "tag__name"))


def export_csv(queryset, columns, declaration):
    from keyprojects.core import exports

    response = exports.csv_response(columns, declaration.export_rows(queryset), "bench")
    for _ in response.streaming_content:
        pass


def export_xlsx(queryset, columns, declaration):
    from keyprojects.core import exports

    with tempfile.TemporaryFile() as handle:
        exports.write_xlsx(handle, columns, declaration.export_rows(queryset))


def bare_xlsx(cells, columns):
    import xlsxwriter

    with tempfile.TemporaryFile() as handle:
        workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_formulas": False})
        sheet = workbook.add_worksheet("bench")
        sheet.write_row(0, 0, [str(c.heading) for c in columns])
        for number, row in enumerate(cells, 1):
            sheet.write_row(number, 0, row)
        workbook.close()


def run(out=print):
    from keyprojects.projects.views import ProjectViews

    queryset = _queryset()
    columns = ProjectViews.columns()
    rows = queryset.count()
    cells = list(ProjectViews.export_rows(queryset))
    results = {
        "csv": (
            timed(lambda: export_csv(queryset, columns, ProjectViews)),
            timed(lambda: reference_csv(queryset, columns)),
        ),
        "xlsx": (timed(lambda: export_xlsx(queryset, columns, ProjectViews)), timed(lambda: bare_xlsx(cells, columns))),
    }
    lines = []
    for kind, (ours, bare) in results.items():
        target = CSV_TARGET if kind == "csv" else XLSX_TARGET
        ratio = ours.seconds / bare.seconds
        verdict = "ok" if ratio <= target else "**missed**"
        lines.append(
            f"| projects {kind} export, {len(columns)} ledger columns | {rows:,} | {ours.seconds:.1f} | {ours.cpu:.1f} "
            f"| {bare.seconds:.1f} | {bare.cpu:.1f} | {ratio:.2f} | {ours.cpu / bare.cpu:.2f} "
            f"| {verdict} (≤ {target}×) |"
        )
        out(
            f"projects {kind} export: {ours.seconds:.1f} s (cpu {ours.cpu:.1f}) vs bare {bare.seconds:.1f} s "
            f"(cpu {bare.cpu:.1f}): {ratio:.2f}×"
        )
    return lines


HEADER = [
    "",
    "| export (wall s / this process's CPU s) | rows | export s | export cpu s | bare s | bare cpu s "
    "| ratio (wall) | ratio (cpu) | target |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|",
]
