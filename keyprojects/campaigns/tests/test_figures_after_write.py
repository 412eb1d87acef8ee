"""Figures after a write: the indicators page and the dashboard show the new figure on the first
read after any write, although only the parts of the projects it touched are computed again
(core.figures.cached_groups), and a write that commits while another is still open is never
missed (the change log's ids follow commit order: core/audit.py)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from keyprojects.campaigns import indicators
from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.models import BatchEntry
from keyprojects.core import figures
from keyprojects.core.services import archive
from keyprojects.dashboards import queries
from keyprojects.projects import services as project_services
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Project

from .factories import listed, make_phase, project_at


@pytest.fixture
def campaign(db, regions):
    """Two phases, six projects signed (two of them in 舞阳县), listed in the signing batch; the
    projects fall in three parts of two ids each (BLOCK = 2), so a write touches one part."""
    p1, p2 = make_phase(1, date(2024, 3, 1)), make_phase(2, date(2024, 6, 1))
    projects = []
    for n in range(6):
        region = "舞阳县" if n % 3 == 0 else "郾城区"
        project = project_at(f"缓存项目{n}", region=region, signed=date(2024, 2, 1))
        listed(p1 if n < 4 else p2, project, Batch.SIGN)
        projects.append(project)
    return {"phases": (p1, p2), "projects": projects}


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(figures, "BLOCK", 2)
    cache.clear()


def everything(entries):
    """What the indicators page and the campaign dashboard read, as plain values."""

    def plain(groups):
        return [(value, {k: f.as_dict() for k, f in figs.items()}) for value, _label, figs in groups]

    return {
        "overall": {k: f.as_dict() for k, f in indicators.compute(entries).items()},
        "by region": plain(indicators.compute(entries, by="region")),
        "by phase": plain(indicators.compute(entries, by="phase")),
        "summary": indicators.summary(entries),
        "per phase": queries.per_phase(entries),
        "regions": queries.region_ranking(entries),
    }


def fresh(entries):
    cache.clear()
    return everything(entries)


def start(project, day=date(2024, 4, 1)):
    from keyprojects.projects.tests.factories import photo

    project_services.advance_stage(project, to=Stage.STARTED, on=day, by=None, evidence=photo())


def test_after_each_kind_of_write_the_figures_read_are_those_computed_afresh(campaign, small_parts):
    entries = indicators.entries_for()
    p1, p2 = campaign["phases"]
    first, second, third, *_ = campaign["projects"]
    everything(entries)  # cached

    def check():
        kept = everything(entries)
        assert kept == fresh(entries)
        return kept

    start(first)  # a stage change
    assert check()["overall"]["start"]["numerator_entries"] == 1
    first.milestones.filter(name="拿地").update(actual_date=date(2024, 4, 2))  # a node reached, by update()
    check()
    newcomer = project_at("新签约项目", region="召陵区", signed=date(2024, 5, 1))  # a new part and a new region
    listed(p2, newcomer, Batch.SIGN)
    kept = check()
    assert kept["summary"]["entries"] == 7
    assert [r["name"] for r in kept["regions"]][-1] == "召陵区"
    archive(BatchEntry.objects.get(project=second), by=None)  # an entry leaves
    kept = check()
    assert kept["summary"]["entries"] == 6
    archive(BatchEntry.objects.get(project=newcomer), by=None)  # the last entry of a region leaves
    assert "召陵区" not in [r["name"] for r in check()["regions"]]
    Project.objects.filter(pk=third.pk).update(total_investment=Decimal("70000"))  # a figure frozen elsewhere
    check()
    p2.date = date(2023, 6, 1)  # a phase, which names no project: computed whole
    p2.save()
    check()


def test_after_a_stage_change_the_page_shows_the_new_rate_reading_one_part(campaign, small_parts, client_for):
    client = client_for("city_admin")

    def start_rate():
        response = client.get("/campaigns/indicators/")
        assert response.status_code == 200
        figure = next(f for f, _url in response.context["overall"] if f.indicator.key == "start")
        return figure.numerator_entries, figure.denominator_entries

    assert start_rate() == (0, 6)
    project = campaign["projects"][4]
    start(project)
    with CaptureQueriesContext(connection) as captured:
        assert start_rate() == (1, 6)  # 开工率 1 of 6 at once
    aggregates = [q["sql"] for q in captured.captured_queries if 'FROM "campaigns_batchentry"' in q["sql"]]
    part = project.pk // figures.BLOCK
    assert aggregates, "the figures were computed again"
    assert all(f'"project_id" >= {part * figures.BLOCK}' in sql for sql in aggregates)  # that project's part alone


def test_a_figure_nobody_can_add_up_across_parts_is_refused():
    from django.db.models import Avg, Count

    with pytest.raises(ValueError, match="does not add up"):
        figures.cached_groups(BatchEntry.objects.all(), ["phase"], {"mean": Avg("total_investment")})
    with pytest.raises(ValueError, match="does not add up"):
        figures.cached_groups(BatchEntry.objects.all(), ["batch"], {"phases": Count("phase", distinct=True)})


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_stage_changes_committing_one_after_the_other_both_show(regions, users, client_for):
    """The first writer is still open when the second starts: the second's change-log entry waits
    for the first to commit, so no reader can cache a version that shows the second and not the
    first (the gap an expiry used to bound)."""
    phase = make_phase(1, date(2024, 3, 1))
    projects = [project_at(f"并发项目{n}", signed=date(2024, 2, 1)) for n in range(2)]
    for project in projects:
        listed(phase, project, Batch.SIGN)
    client = client_for("city_admin")

    def started():
        overall = client.get("/campaigns/indicators/").context["overall"]
        return next(f for f, _url in overall if f.indicator.key == "start").numerator_entries

    assert started() == 0
    saved = [threading.Event(), threading.Event()]
    release = [threading.Event(), threading.Event()]
    errors = []

    def write(index):
        try:
            if index == 1:
                saved[0].wait(30)
            with transaction.atomic():
                start(Project.objects.get(pk=projects[index].pk))
                saved[index].set()
                release[index].wait(30)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    assert saved[0].wait(30)
    assert not saved[1].wait(1)  # the second writer waits for the first's commit
    assert started() == 0  # neither has committed
    release[0].set()
    assert saved[1].wait(30)
    assert started() == 1  # the first has committed, the second not yet
    release[1].set()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert started() == 2  # both, on the first read after the second commit
