"""Builders for campaign tests: real projects moved through the real lifecycle service."""

from datetime import date

from keyprojects.campaigns import services
from keyprojects.campaigns.models import Phase
from keyprojects.projects import services as project_services
from keyprojects.projects.choices import Stage
from keyprojects.projects.tests.factories import make_project, photo

ORDER = [Stage.SIGNED, Stage.STARTED, Stage.PRODUCING, Stage.AT_CAPACITY]


def make_phase(number, day, **values):
    phase = Phase(number=number, date=day, title=values.pop("title", ""), **values)
    phase.full_clean()
    phase.save()
    return phase


def project_at(name, *, region="郾城区", by=None, signed=None, started=None, producing=None, capacity=None, **values):
    """A project taken stage by stage to the last stage given a date."""
    project = make_project(region, name=name, by=by, **values)
    for stage, day in zip(ORDER, (signed, started, producing, capacity), strict=True):
        if day:
            project_services.advance_stage(
                project, to=stage, on=day, by=by, evidence=photo() if stage == Stage.STARTED else None
            )
    project.refresh_from_db()
    return project


def listed(phase, project, batch, by=None, **kwargs):
    return services.add_entry(phase, project, batch, by=by, **kwargs)


D = date
