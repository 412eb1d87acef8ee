import django_filters
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import BaseFilterSet, FilterSet, RegionFilter

from .choices import Finding, Health, SnapshotSource, SourceKind
from .models import Camera, Inspection, Snapshot, StoppageDay


class CameraFilterSet(BaseFilterSet):
    search_fields = ("name", "position", "project__name")
    health = django_filters.MultipleChoiceFilter(choices=Health.choices, label=_("health"))
    source = django_filters.MultipleChoiceFilter(choices=SourceKind.choices, label=_("source"))
    region = RegionFilter("project__region")

    class Meta:
        model = Camera
        fields = ["q", "health", "source", "stale", "region", "archived"]


class SnapshotFilterSet(FilterSet):
    day = django_filters.DateFilter(label=_("day"))
    source = django_filters.MultipleChoiceFilter(choices=SnapshotSource.choices, label=_("source"))

    class Meta:
        model = Snapshot
        fields = ["camera", "day", "source", "stale"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if request is not None:
            self.filters["camera"].queryset = Camera.objects.restrict(request.user)


class InspectionFilterSet(BaseFilterSet):
    search_fields = ("note", "project__name")
    finding = django_filters.MultipleChoiceFilter(choices=Finding.choices, label=_("finding"))
    day = django_filters.DateFilter(label=_("day"))
    region = RegionFilter("project__region")

    class Meta:
        model = Inspection
        fields = ["q", "finding", "day", "region", "archived"]


class StoppageDayFilterSet(BaseFilterSet):
    class Meta:
        model = StoppageDay
        fields = ["q", "archived"]
