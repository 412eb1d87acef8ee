from keyprojects.core.api import BaseViewSet

from ..filtersets import EnterpriseFilterSet
from ..models import Enterprise
from . import serializers


class EnterpriseViewSet(BaseViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = serializers.EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    select_related = ("region",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("users")
