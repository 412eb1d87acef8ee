from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from keyprojects.core.access import Action
from keyprojects.core.api import BaseViewSet
from keyprojects.core.context import bind_user
from keyprojects.projects.models import Project

from .. import indicators, services
from ..filtersets import BatchEntryFilterSet, PhaseFilterSet
from ..models import BatchEntry, Phase
from ..views import PhaseViews, indicator_filters
from . import serializers


class PhaseViewSet(BaseViewSet):
    """Phases: everyone signed in reads; city administrators create, edit, lock and mark held."""

    queryset = Phase.objects.all()
    serializer_class = serializers.PhaseSerializer
    filterset_class = PhaseFilterSet
    declaration = PhaseViews
    read_actions = ("readiness", "proposal")

    def _phase(self, action):
        return get_object_or_404(Phase.objects.restrict(self.request.user, action), pk=self.kwargs["pk"])

    @extend_schema(
        responses={200: {"type": "array", "items": {"type": "object"}}},
        description="The entries that fail their batch's rule: entry, project, batch, reason.",
    )
    @action(detail=True, methods=["get"])
    def readiness(self, request, pk=None):
        phase = self._phase(Action.VIEW)
        entries = phase.entries.restrict(request.user).filter(archived_at__isnull=True)
        failures = services.readiness(phase, entries)
        return Response(
            [
                {"entry": f.entry.pk, "project": f.entry.project_id, "batch": f.entry.batch, "reason": f.reason}
                for f in failures
            ]
        )

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def proposal(self, request, pk=None):
        """The candidates the `candidates` verb would offer, by batch (nothing is listed)."""
        phase = self._phase(Action.VIEW)
        proposal = services.propose_candidates(phase, Project.objects.restrict(request.user))
        return Response(
            {
                "since": proposal.since,
                **{
                    batch.value: [{"id": p.pk, "name": p.name} for p in qs] for batch, qs in proposal.by_batch().items()
                },
            }
        )


class BatchEntryViewSet(BaseViewSet):
    """Entries, scoped by the region frozen at listing; POST lists through add_entry()."""

    queryset = BatchEntry.objects.all()
    serializer_class = serializers.BatchEntrySerializer
    filterset_class = BatchEntryFilterSet
    select_related = ("phase", "project", "region")

    def service_save(self, serializer):
        if serializer.instance is not None:
            raise drf_serializers.ValidationError(
                {"batch": [_("A listed entry does not change: archive it and list the right one.")]}
            )
        data = serializer.validated_data
        try:
            return services.add_entry(data["phase"], data["project"], data["batch"], by=self.request.user)
        except ValidationError as error:
            raise drf_serializers.ValidationError({"project": error.messages}) from error


class IndicatorView(APIView):
    """GET /api/campaigns/indicators/?phase=&upto=&region=&field=&tier=&by=region|phase|field|tier

    Every indicator with its definition text, numerator and denominator (entries and unique
    projects, and sums for ratios of sums), over the entries the caller may see."""

    @extend_schema(
        parameters=[OpenApiParameter(name, str) for name in ("phase", "upto", "region", "field", "tier", "by")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        bind_user(request.user)
        filters = indicator_filters(request)
        entries = indicators.entries_for(request.user, **filters)
        result = {
            "summary": indicators.summary(entries),
            "indicators": [figure.as_dict() for figure in indicators.compute(entries).values()],
        }
        by = request.query_params.get("by")
        if by in indicators.GROUPS:
            result["by"] = by
            result["groups"] = [
                {
                    "key": value,
                    "label": str(label),
                    "indicators": [figure.as_dict() for figure in figures.values()],
                }
                for value, label, figures in indicators.compute(entries, by=by)
            ]
        return Response(result)
