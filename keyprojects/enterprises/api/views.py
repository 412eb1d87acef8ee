from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from keyprojects.core.access import Action
from keyprojects.core.api import BaseViewSet
from keyprojects.core.context import acting

from ..facts import push_facts
from ..filtersets import EnterpriseFilterSet
from ..models import Enterprise, EnterpriseFact
from . import serializers


class EnterpriseViewSet(BaseViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = serializers.EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    select_related = ("region",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("users")


class EnterpriseFactViewSet(BaseViewSet):
    """Facts in the caller's scope (an enterprise reads its own); other systems push facts with
    `POST push/`, all or nothing, safe to retry."""

    queryset = EnterpriseFact.objects.all()
    serializer_class = serializers.EnterpriseFactSerializer
    select_related = ("enterprise",)
    http_method_names = ["get", "post", "head", "options"]

    def access_action(self):
        if self.action in ("push", "create"):
            return Action.ADD
        return super().access_action()

    def get_queryset(self):
        queryset = super().get_queryset()
        code = self.request.query_params.get("credit_code")
        return queryset.filter(enterprise__credit_code=code) if code else queryset

    creatable = False
    created_elsewhere = gettext_lazy("Push facts with POST push/.")

    @extend_schema(
        request=serializers.FactPushSerializer,
        responses={200: OpenApiResponse(description="{written: n}"), 400: OpenApiResponse(description="every bad row")},
    )
    @action(detail=False, methods=["post"])
    def push(self, request):
        body = serializers.FactPushSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with acting(request.user):
            try:
                result = push_facts(body.validated_data["facts"], by=request.user)
            except DjangoValidationError as error:
                raise PermissionDenied(" ".join(error.messages)) from error
        if result.error_count:
            return Response({"error_count": result.error_count, "errors": result.errors}, status=400)
        return Response({"written": result.written})
