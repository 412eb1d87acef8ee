from rest_framework import serializers as drf_serializers

from keyprojects.core.api import BaseViewSet

from .. import services
from ..filtersets import (
    ChainFilterSet,
    ChainLinkFilterSet,
    FundsInPlaceFilterSet,
    LeadFilterSet,
    TargetEnterpriseFilterSet,
    TripFilterSet,
    VisitFilterSet,
)
from ..models import Chain, ChainLink, FundsInPlace, Lead, TargetEnterprise, Trip, Visit
from ..views import LeadViews, TripViews
from . import serializers


class ChainViewSet(BaseViewSet):
    queryset = Chain.objects.all()
    serializer_class = serializers.ChainSerializer
    filterset_class = ChainFilterSet


class ChainLinkViewSet(BaseViewSet):
    queryset = ChainLink.objects.all()
    serializer_class = serializers.ChainLinkSerializer
    filterset_class = ChainLinkFilterSet
    select_related = ("chain",)


class TargetEnterpriseViewSet(BaseViewSet):
    queryset = TargetEnterprise.objects.all()
    serializer_class = serializers.TargetEnterpriseSerializer
    filterset_class = TargetEnterpriseFilterSet

    def service_save(self, serializer):
        instance = serializer.instance or TargetEnterprise()
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        return services.save_target(instance, by=self.request.user)


class LeadViewSet(BaseViewSet):
    """Leads in the caller's scope: a county its own, the city all, a cadre their own and their
    team's. State changes are the declared verbs (POST /leads/{id}/<verb>/)."""

    queryset = Lead.objects.all()
    serializer_class = serializers.LeadSerializer
    filterset_class = LeadFilterSet
    declaration = LeadViews
    select_related = ("target", "owner__user", "region")

    def service_save(self, serializer):
        data = dict(serializer.validated_data)
        if serializer.instance is not None:
            data.pop("company", None), data.pop("credit_code", None)
            for key, value in data.items():
                setattr(serializer.instance, key, value)
            serializer.instance.full_clean()
            serializer.instance.save()
            return serializer.instance
        required = drf_serializers.Field.default_error_messages["required"]
        missing = {
            k: [required] for k in ("company", "name", "region", "owner", "found_on", "investment") if not data.get(k)
        }
        if missing:
            raise drf_serializers.ValidationError(missing)
        return services.create_lead_from(data, by=self.request.user)


class VisitViewSet(BaseViewSet):
    """Visits are read here; they are recorded by a lead's or a trip's `visit` verb."""

    queryset = Visit.objects.all()
    serializer_class = serializers.VisitSerializer
    filterset_class = VisitFilterSet
    select_related = ("lead",)
    http_method_names = ["get", "head", "options"]


class TripViewSet(BaseViewSet):
    queryset = Trip.objects.all()
    serializer_class = serializers.TripSerializer
    filterset_class = TripFilterSet
    declaration = TripViews
    select_related = ("cadre__user", "region")

    def service_save(self, serializer):
        instance = serializer.instance or Trip()
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        return services.report_trip(instance, by=self.request.user)


class FundsInPlaceViewSet(BaseViewSet):
    queryset = FundsInPlace.objects.all()
    serializer_class = serializers.FundsInPlaceSerializer
    filterset_class = FundsInPlaceFilterSet
    select_related = ("project",)

    def service_save(self, serializer):
        instance = serializer.instance or FundsInPlace()
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        return services.record_funds(instance, by=self.request.user)
