from django.db import transaction

from keyprojects.core.api import BaseViewSet
from keyprojects.core.services import check_in_scope

from .. import services
from ..filtersets import ElementDemandFilterSet, StoppageOrderFilterSet, WhitelistEntryFilterSet, WhitelistFilterSet
from ..models import ElementDemand, StoppageOrder, Whitelist, WhitelistEntry
from ..views import ElementDemandViews, StoppageOrderViews, WhitelistEntryViews, WhitelistViews
from . import serializers


class WhitelistViewSet(BaseViewSet):
    queryset = Whitelist.objects.all()
    serializer_class = serializers.WhitelistSerializer
    filterset_class = WhitelistFilterSet
    declaration = WhitelistViews


class WhitelistEntryViewSet(BaseViewSet):
    queryset = WhitelistEntry.objects.all()
    serializer_class = serializers.WhitelistEntrySerializer
    filterset_class = WhitelistEntryFilterSet
    declaration = WhitelistEntryViews
    http_method_names = ["get", "post", "head", "options"]

    def _write(self, serializer, action):
        with transaction.atomic():
            entry = services.add_entry(WhitelistEntry(**serializer.validated_data), by=self.request.user)
            check_in_scope(entry, self.request.user, action)
            serializer.instance = entry


class ElementDemandViewSet(BaseViewSet):
    queryset = ElementDemand.objects.all()
    serializer_class = serializers.ElementDemandSerializer
    filterset_class = ElementDemandFilterSet
    declaration = ElementDemandViews

    def _write(self, serializer, action):
        with transaction.atomic():
            demand = serializer.instance or ElementDemand()
            for name, value in serializer.validated_data.items():
                setattr(demand, name, value)
            serializer.instance = services.save_demand(demand, by=self.request.user)
            check_in_scope(serializer.instance, self.request.user, action)


class StoppageOrderViewSet(BaseViewSet):
    queryset = StoppageOrder.objects.all()
    serializer_class = serializers.StoppageOrderSerializer
    filterset_class = StoppageOrderFilterSet
    declaration = StoppageOrderViews
    http_method_names = ["get", "post", "head", "options"]

    def _write(self, serializer, action):
        with transaction.atomic():
            data = dict(serializer.validated_data)
            projects = data.pop("projects", [])
            order = StoppageOrder(**data)
            services.record_order(order, by=self.request.user, projects=projects)
            serializer.instance = order
