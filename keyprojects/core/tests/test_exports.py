"""An export reads plain values (core.exports.rows) but writes the cells the objects show: a
relation by its lookup or its text, a choice by its label in the reader's language, a flag as
是/否, formula-looking text neutralised, a property (a project's lists and tags) from the object."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from keyprojects.core import exports
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects.models import ListMembership, Project, ProjectList, Tag
from keyprojects.projects.tests.factories import make_project
from keyprojects.projects.views import ProjectViews

pytestmark = pytest.mark.django_db


def by_objects(queryset, columns):
    """The cells as the objects give them, one by one (cell()): what an export always wrote."""
    return [[exports.cell(obj, c) for c in columns] for obj in ProjectViews.export_queryset(queryset)]


def test_the_plain_values_export_writes_the_cells_the_objects_show(users, regions):
    owner = Enterprise.objects.create(
        name="漯河导出食品有限公司", credit_code="914403001922038216", region=regions["郾城区"]
    )
    first = make_project(name="=导出项目一", owner=owner.pk, leader=users["leader"].pk)
    second = make_project("舞阳县", name="导出项目二", total="1234.56")
    Project.objects.filter(pk=second.pk).update(in_statistics=True, statistics_date=date(2024, 5, 1))
    ListMembership.objects.create(
        project=first, list=ProjectList.objects.get_or_create(name="市重点")[0], start=date(2024, 1, 1)
    )
    first.tags.add(Tag.objects.get_or_create(name="数字经济")[0], Tag.objects.get_or_create(name="专精特新")[0])
    queryset = Project.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")
    columns = ProjectViews.columns()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            plain = list(exports.rows(queryset, columns, prepare=ProjectViews.export_queryset, chunk_size=1))
            assert plain == by_objects(queryset, columns)
    cells = dict(zip([c.heading for c in columns], plain[0], strict=True))
    assert cells["项目名称"] == "'=导出项目一"  # neutralised
    assert cells["所在清单"] == "市重点"
    assert set(cells["标签"].split("、")) == {"数字经济", "专精特新"}
    second_cells = dict(zip([c.heading for c in columns], plain[1], strict=True))
    assert second_cells["是否入统"] == "是"
    assert second_cells["总投资（万元）"] == Decimal("1234.56")
