"""The scenarios: each is a request (or an export) timed over repeated runs, with the queries it
issued, beside a reference measured in the same run: the same rows fetched by a bare ORM query.
Later modules append their own scenarios to `scenarios()`."""

import statistics
import time
import tracemalloc
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keyprojects.core import exports
from keyprojects.core.access import Action
from keyprojects.core.search import contains_lookup
from keyprojects.orgs.models import Contact, Department, Region, User
from keyprojects.orgs.views import ContactViews

from . import project_scenarios, stats_scenarios

TARGET_MS = 150  # DESIGN.md: list pages and API lists answer p95 ≤ 150 ms
SEARCH_TEXT = "建国"
FILTER_TEXT = "张建"


@dataclass
class Timing:
    samples: list = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.samples)

    @property
    def p95(self):
        ordered = sorted(self.samples)
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def timed(function, repeat, warmup):
    for _ in range(warmup):
        function()
    timing = Timing()
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timing.samples.append((time.perf_counter() - started) * 1000)
    return timing


def queries(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


@dataclass
class Result:
    name: str
    rows: int  # rows the scenario lists (its count), for the reader's scale
    timing: Timing
    queries: int
    reference: Timing
    target_ms: float | None = TARGET_MS

    @property
    def ratio(self):
        return self.timing.median / self.reference.median if self.reference.median else float("nan")

    @property
    def ok(self):
        return self.target_ms is None or self.timing.p95 <= self.target_ms

    @property
    def verdict(self):
        if self.target_ms is None:
            return "no target"
        return "ok" if self.ok else f"MISSED (p95 > {self.target_ms} ms)"


class Request:
    """A GET as a signed-in user through Django's test client (the whole stack but the socket)."""

    def __init__(self, user, url):
        self.client = Client()
        self.client.force_login(user)
        self.url = url

    def __call__(self):
        response = self.client.get(self.url)
        if response.status_code != 200:
            raise RuntimeError(f"{self.url} answered {response.status_code}")
        if response.streaming:
            for _ in response.streaming_content:
                pass
        else:
            _ = response.content


def contact_rows(queryset, start=0, size=50):
    """Reference: the page of rows and the paginator's count, by a bare ORM query."""
    queryset = queryset.filter(archived_at__isnull=True).select_related("region", "department", "office")

    def fetch():
        list(queryset.order_by("name", "pk")[start : start + size])
        queryset.count()

    return fetch


def search_rows(queryset, text):
    fields, lookup = ("name", "post", "phone"), contains_lookup(text)
    return queryset.filter(reduce(or_, (Q(**{f"{f}__{lookup}": text}) for f in fields)))


def users():
    return {u.username: u for u in User.objects.filter(username__in=["bench_city_admin", "bench_county", "bench_city"])}


def scenarios():
    """(name, function to time, reference function, rows[, target ms]) for every request scenario."""
    people = users()
    admin, county, city = people["bench_city_admin"], people["bench_county"], people["bench_city"]
    everything = Contact.objects.all()
    county_region = Region.objects.get(name="郾城区")
    city_region = Region.objects.get(name="漯河市")
    in_county = Contact.objects.filter(region__in=county_region.subtree().values("pk"))
    in_city = Contact.objects.filter(region__in=city_region.subtree().values("pk"))
    live = Q(archived_at__isnull=True)
    return [
        (
            "contacts list, city admin",
            Request(admin, "/orgs/contacts/"),
            contact_rows(everything),
            everything.filter(live).count(),
        ),
        (
            "contacts list, county user",
            Request(county, "/orgs/contacts/"),
            contact_rows(in_county),
            in_county.filter(live).count(),
        ),
        (
            "contacts list, city staff",
            Request(city, "/orgs/contacts/"),
            contact_rows(in_city),
            in_city.filter(live).count(),
        ),
        (
            f"contacts list, ?q={FILTER_TEXT}",
            Request(admin, f"/orgs/contacts/?q={FILTER_TEXT}"),
            contact_rows(search_rows(everything, FILTER_TEXT)),
            search_rows(everything, FILTER_TEXT).filter(live).count(),
        ),
        (
            "contacts list, page 50",
            Request(admin, "/orgs/contacts/?page=50"),
            contact_rows(everything, start=49 * 50),
            everything.filter(live).count(),
        ),
        (
            "API contacts, city admin",
            Request(admin, "/api/orgs/contacts/"),
            contact_rows(everything),
            everything.filter(live).count(),
        ),
        (
            "API contacts, county user",
            Request(county, "/api/orgs/contacts/"),
            contact_rows(in_county),
            in_county.filter(live).count(),
        ),
        (
            f"global search ?q={SEARCH_TEXT}",
            Request(admin, f"/core/search/?q={SEARCH_TEXT}"),
            search_reference(SEARCH_TEXT),
            search_rows(everything, SEARCH_TEXT).count(),
        ),
        *project_scenarios.scenarios(),
        *stats_scenarios.scenarios(),
    ]


def search_reference(text):
    """Reference: the first ten hits of each searchable model, as core.search asks for them."""
    searched = [
        (Region, ("name", "code")),
        (Department, ("name", "short_name")),
        (Contact, ("name", "post", "phone")),
    ]

    def fetch():
        for model, fields in searched:
            q = reduce(or_, (Q(**{f"{f}__{contains_lookup(text)}": text}) for f in fields))
            list(model.objects.filter(q, archived_at__isnull=True)[:10])

    return fetch


def run_requests(repeat, warmup, only=None, out=print):
    results = []
    for name, request, reference, rows, *target in scenarios():
        if only and not any(word in name for word in only):
            continue
        timing = timed(request, repeat, warmup)
        count = queries(request)
        reference_timing = timed(reference, repeat, warmup)
        result = Result(name, rows, timing, count, reference_timing, *target)
        out(row(result))
        results.append(result)
    return results


# --- export memory -------------------------------------------------------------------------


@dataclass
class ExportResult:
    name: str
    rows: int
    peak_kib: float
    seconds: float


def export_memory(kind, rows, declaration=ContactViews, label="contacts"):
    """Peak Python memory (tracemalloc) while exporting `rows` of a declared list through
    core.exports, the code behind the list page's CSV response and the background xlsx export."""
    admin = User.objects.get(username="bench_city_admin")
    queryset = declaration.get_queryset().restrict(admin, Action.VIEW).filter(archived_at__isnull=True)
    queryset = queryset.order_by("pk")[:rows]
    columns = declaration.columns()
    tracemalloc.start()
    started = time.perf_counter()
    if kind == "csv":
        response = exports.csv_response(columns, declaration.export_rows(queryset), "bench")
        written = sum(1 for _ in response.streaming_content) - 2  # BOM and header
    else:
        import tempfile

        with tempfile.TemporaryFile() as handle:
            written = exports.write_xlsx(handle, columns, declaration.export_rows(queryset))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return ExportResult(f"{label} {kind} export", written, peak / 1024, seconds)


def run_exports(total, out=print):
    """Small (a tenth) and full: flat memory means the peak does not grow with the rows."""
    results = []
    for kind in ("csv", "xlsx"):
        small = export_memory(kind, max(1, total // 10))
        full = export_memory(kind, total)
        out(
            f"{'contacts ' + kind + ' export memory':34} {small.rows:>8} rows: peak {small.peak_kib:8.0f} KiB "
            f"in {small.seconds:5.1f} s | {full.rows:>8} rows: peak {full.peak_kib:8.0f} KiB in {full.seconds:5.1f} s"
            f" | ratio {full.peak_kib / small.peak_kib:4.2f}"
        )
        results.append((small, full))
    return results


# --- table -----------------------------------------------------------------------------------

HEADER = (
    f"{'scenario':34} {'rows':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'ref ms':>8} {'ratio':>6}  target"
)


def row(result):
    return (
        f"{result.name:34} {result.rows:>8} {result.timing.median:10.1f} {result.timing.p95:8.1f} "
        f"{result.queries:>8} {result.reference.median:8.1f} {result.ratio:6.1f}  " + result.verdict
    )
