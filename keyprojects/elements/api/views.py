from keyprojects.core.api import BaseViewSet

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

    def service_save(self, serializer):
        return services.add_entry(WhitelistEntry(**serializer.validated_data), by=self.request.user)


class ElementDemandViewSet(BaseViewSet):
    queryset = ElementDemand.objects.all()
    serializer_class = serializers.ElementDemandSerializer
    filterset_class = ElementDemandFilterSet
    declaration = ElementDemandViews

    def service_save(self, serializer):
        return services.save_demand(self.filled(serializer), by=self.request.user)


class StoppageOrderViewSet(BaseViewSet):
    queryset = StoppageOrder.objects.all()
    serializer_class = serializers.StoppageOrderSerializer
    filterset_class = StoppageOrderFilterSet
    declaration = StoppageOrderViews
    http_method_names = ["get", "post", "head", "options"]

    def service_save(self, serializer):
        data = dict(serializer.validated_data)
        projects = data.pop("projects", [])
        order = StoppageOrder(**data)
        services.record_order(order, by=self.request.user, projects=projects)
        return order
