from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from keyprojects.core.api import BaseViewSet

from .. import services
from ..filtersets import CameraFilterSet, InspectionFilterSet, SnapshotFilterSet
from ..models import Camera, Inspection, Snapshot
from ..views import CameraViews, InspectionViews, SnapshotViews
from . import serializers


class CameraViewSet(BaseViewSet):
    queryset = Camera.objects.all()
    serializer_class = serializers.CameraSerializer
    filterset_class = CameraFilterSet
    select_related = ("project",)
    declaration = CameraViews

    def service_save(self, serializer):
        data = dict(serializer.validated_data)
        password = data.pop("password", None)
        return services.save_camera(self.filled(serializer, data), by=self.request.user, password=password or None)


class SnapshotViewSet(BaseViewSet):
    """Snapshots in your scope; POST pushes one (multipart: camera, image), checked by content
    (JPEG or PNG) and size (5 MB)."""

    queryset = Snapshot.objects.all()
    serializer_class = serializers.SnapshotSerializer
    filterset_class = SnapshotFilterSet
    select_related = ("camera",)
    declaration = SnapshotViews
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=serializers.SnapshotPushSerializer, responses={201: serializers.SnapshotSerializer})
    def create(self, request, *args, **kwargs):
        push = serializers.SnapshotPushSerializer(data=request.data)
        push.is_valid(raise_exception=True)
        camera = Camera.objects.filter(pk=push.validated_data["camera"]).select_related("project").first()
        from keyprojects.projects.models import Project

        if camera is None or not Project.objects.restrict(request.user).filter(pk=camera.project_id).exists():
            raise ValidationError({"camera": ["No such camera in your scope."]})
        content = push.validated_data["image"].read(services.MAX_UPLOAD + 1)  # never more than the limit
        with transaction.atomic():
            snapshot = services.push_snapshot(camera, content, by=request.user)
        return Response(self.get_serializer(snapshot).data, status=status.HTTP_201_CREATED)


class InspectionViewSet(BaseViewSet):
    queryset = Inspection.objects.all()
    serializer_class = serializers.InspectionSerializer
    filterset_class = InspectionFilterSet
    select_related = ("project",)
    declaration = InspectionViews

    def service_save(self, serializer):
        return services.record_inspection(self.filled(serializer), by=self.request.user)
