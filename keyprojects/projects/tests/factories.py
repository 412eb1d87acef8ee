"""Small builders for project tests: real rows through the real services."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from keyprojects.orgs.models import Region
from keyprojects.projects import services
from keyprojects.projects.choices import Stage
from keyprojects.projects.forms import ProjectForm
from keyprojects.projects.models import Project

PHOTO = b"\xff\xd8\xff\xe0" + b"\x00" * 200  # JPEG magic: a "dated site photo"


def photo(name="site.jpg"):
    return SimpleUploadedFile(name, PHOTO, content_type="image/jpeg")


def make_project(region="郾城区", *, by=None, name="双汇第三工业园", total="50000", **values):
    """A project registered through the service (it gets its node template and lights)."""
    data = {
        "name": name,
        "region": Region.objects.get(name=region).pk,
        "field": "industry",
        "nature": "new",
        "total_investment": total,
        **values,
    }
    form = ProjectForm(data, user=None)
    assert form.is_valid(), form.errors
    return services.register_project(form, by=by)


def start_project(project, *, by, on=date(2024, 3, 1)):
    """Signed then started, with evidence, the way a county user does it."""
    services.advance_stage(project, to=Stage.SIGNED, on=on.replace(day=1) if on.day > 1 else on, by=by)
    services.advance_stage(project, to=Stage.STARTED, on=on, by=by, evidence=photo())
    return Project.objects.get(pk=project.pk)


def money(text):
    return Decimal(text)
