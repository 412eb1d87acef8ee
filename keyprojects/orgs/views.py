from keyprojects.core.views import ModelViews

from .filtersets import (
    ContactFilterSet,
    DepartmentFilterSet,
    MembershipFilterSet,
    OfficeFilterSet,
    RegionAliasFilterSet,
    RegionFilterSet,
)
from .forms import ContactForm, DepartmentForm, MembershipForm, RegionAliasForm, RegionForm
from .importers import ContactImporter
from .models import Contact, Department, Membership, Office, Region, RegionAlias
from .tables import ContactTable, DepartmentTable, MembershipTable, OfficeTable, RegionAliasTable, RegionTable


class RegionViews(ModelViews):
    model = Region
    filterset = RegionFilterSet
    table = RegionTable
    form = RegionForm
    select_related = ("parent",)


class RegionAliasViews(ModelViews):
    """地区别名: the other names ledgers give regions, which imports recognise."""

    model = RegionAlias
    filterset = RegionAliasFilterSet
    table = RegionAliasTable
    form = RegionAliasForm
    select_related = ("region",)
    url_prefix = "region-aliases/"


class DepartmentViews(ModelViews):
    model = Department
    filterset = DepartmentFilterSet
    table = DepartmentTable
    form = DepartmentForm
    select_related = ("region",)


class OfficeViews(ModelViews):
    model = Office
    filterset = OfficeFilterSet
    table = OfficeTable
    form = None

    @classmethod
    def detail_fields(cls, obj):
        return [
            (Office._meta.get_field("name").verbose_name, obj.name),
            (Office._meta.get_field("kind").verbose_name, obj.get_kind_display()),
        ]


class ContactViews(ModelViews):
    model = Contact
    filterset = ContactFilterSet
    table = ContactTable
    form = ContactForm
    importer = ContactImporter
    select_related = ("region", "department", "office")


class MembershipViews(ModelViews):
    model = Membership
    filterset = MembershipFilterSet
    table = MembershipTable
    form = MembershipForm
    select_related = ("user", "region", "department", "office")
