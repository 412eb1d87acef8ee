from rest_framework import serializers

from keyprojects.core.api import BaseModelSerializer

from ..models import Camera, Inspection, Snapshot


class CameraSerializer(BaseModelSerializer):
    """The password is write-only: sent to set it, never read back (nor the encrypted form)."""

    password = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=200)

    class Meta:
        model = Camera
        fields = [
            "id",
            "url",
            "display",
            "project",
            "name",
            "position",
            "source",
            "address",
            "username",
            "password",
            "live_url",
            "interval",
            "work_start",
            "work_end",
            "offline_after",
            "masks",
            "active",
            "health",
            "stale",
            "last_frame_at",
            "last_error",
            "uptime",
        ]
        read_only_fields = ["health", "stale", "last_frame_at", "last_error", "uptime"]

    address = serializers.CharField(source="url", required=False, allow_blank=True, max_length=500)
    uptime = serializers.FloatField(read_only=True)

    def validate(self, attrs):
        password = attrs.pop("password", None)
        attrs = super().validate(attrs)
        if password is not None:
            attrs["password"] = password
        return attrs


class SnapshotSerializer(serializers.ModelSerializer):
    display = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "display",
            "camera",
            "project",
            "taken_at",
            "image",
            "thumbnail",
            "width",
            "height",
            "source",
            "change",
            "people",
            "activity",
            "stale",
        ]
        read_only_fields = fields

    def get_display(self, obj) -> str:
        return str(obj)

    def get_image(self, obj) -> str:
        return obj.image_url

    def get_thumbnail(self, obj) -> str:
        return obj.thumbnail_url


class SnapshotPushSerializer(serializers.Serializer):
    camera = serializers.IntegerField(help_text="The camera's id (in your scope).")
    image = serializers.FileField(help_text="A JPEG or PNG, at most 5 MB.")


class InspectionSerializer(BaseModelSerializer):
    class Meta:
        model = Inspection
        fields = ["id", "url", "display", "project", "day", "finding", "note", "snapshot", "inspector", "problem"]
        read_only_fields = ["inspector", "problem"]
        extra_kwargs = {"day": {"required": False}}

    def validate(self, attrs):
        return serializers.ModelSerializer.validate(self, attrs)  # record_inspection cleans it
