from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from keyprojects.core.api import BaseViewSet
from keyprojects.enterprises.models import Enterprise

from .. import data, services
from ..filtersets import GrantFilterSet, PolicyFilterSet, PolicyItemFilterSet
from ..models import Grant, Policy, PolicyItem
from ..views import GrantViews, PolicyItemViews, PolicyViews, _policies
from . import serializers

READ = ["get", "head", "options"]


class PolicyViewSet(BaseViewSet):
    """Policies; the calculator answers for one enterprise in the caller's scope, explained."""

    queryset = Policy.objects.all()
    serializer_class = serializers.PolicySerializer
    filterset_class = PolicyFilterSet
    declaration = PolicyViews
    read_actions = ("calculator",)
    http_method_names = [*READ, "post"]

    creatable = False

    @extend_schema(
        parameters=[OpenApiParameter("enterprise", int, required=True)],
        responses={
            200: OpenApiTypes.OBJECT,
            404: OpenApiResponse(description="No enterprise in your scope has this id."),
        },
    )
    @action(detail=False, methods=["get"])
    def calculator(self, request):
        try:
            pk = int(request.query_params.get("enterprise", ""))
        except ValueError:
            raise NotFound from None
        enterprise = Enterprise.objects.restrict(request.user).filter(pk=pk).select_related("region").first()
        if enterprise is None:
            raise NotFound
        answers = []
        for policy in _policies():
            for row in services.evaluate(policy, data.enterprise_facts(policy, enterprise)):
                answers.append(
                    {
                        "policy": policy.pk,
                        "item": row["item"].pk,
                        "code": row["item"].code,
                        "status": row["status"],
                        "amount_fen": row["amount"],
                        "amount_b_fen": row["amount_b"],
                        "risks": row["risks"],
                        "explanation": row["explanation"],
                    }
                )
        return Response({"enterprise": enterprise.pk, "answers": answers})


class PolicyItemViewSet(BaseViewSet):
    """Items with their rules as data and as text; a new version and a top-up are verbs."""

    queryset = PolicyItem.objects.all()
    serializer_class = serializers.PolicyItemSerializer
    filterset_class = PolicyItemFilterSet
    declaration = PolicyItemViews
    http_method_names = [*READ, "post"]

    creatable = False


class GrantViewSet(BaseViewSet):
    """Grants in the caller's scope (an enterprise sees its own); the flow's verbs are actions."""

    queryset = Grant.objects.all()
    serializer_class = serializers.GrantSerializer
    filterset_class = GrantFilterSet
    declaration = GrantViews
    select_related = ("enterprise", "item")
    http_method_names = [*READ, "post"]

    creatable = False
