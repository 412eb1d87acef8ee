from keyprojects.core.api import BaseViewSet

from ..filtersets import (
    ContactFilterSet,
    DepartmentFilterSet,
    MembershipFilterSet,
    OfficeFilterSet,
    RegionFilterSet,
)
from ..models import Contact, Department, Membership, Office, Region
from . import serializers


class RegionViewSet(BaseViewSet):
    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilterSet


class DepartmentViewSet(BaseViewSet):
    queryset = Department.objects.all()
    serializer_class = serializers.DepartmentSerializer
    filterset_class = DepartmentFilterSet


class OfficeViewSet(BaseViewSet):
    queryset = Office.objects.all()
    serializer_class = serializers.OfficeSerializer
    filterset_class = OfficeFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]


class ContactViewSet(BaseViewSet):
    queryset = Contact.objects.all()
    serializer_class = serializers.ContactSerializer
    filterset_class = ContactFilterSet


class MembershipViewSet(BaseViewSet):
    queryset = Membership.objects.all()
    serializer_class = serializers.MembershipSerializer
    filterset_class = MembershipFilterSet
    select_related = ("user",)
