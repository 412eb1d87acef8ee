from keyprojects.core.api import BaseViewSet

from .. import services
from ..filtersets import DeadlineRuleFilterSet, DecisionFilterSet, MeetingFilterSet, ProblemFilterSet
from ..models import DeadlineRule, Decision, Meeting, Problem
from ..views import DeadlineRuleViews, DecisionViews, MeetingViews, ProblemViews
from . import serializers


class ProblemViewSet(BaseViewSet):
    queryset = Problem.objects.all()
    serializer_class = serializers.ProblemSerializer
    filterset_class = ProblemFilterSet
    select_related = ("region", "lead_department")
    declaration = ProblemViews

    def get_queryset(self):
        return super().get_queryset().prefetch_related("co_departments")

    def service_save(self, serializer):
        data = dict(serializer.validated_data)
        key = data.pop("intake_key", "") or None
        if serializer.instance is not None:
            return services.edit_problem(self.filled(serializer, data), by=self.request.user)
        services.check_can_raise(self.request.user, project=data.get("project"), enterprise=data.get("enterprise"))
        return services.raise_problem(Problem(**data), by=self.request.user, intake_key=key)


class DeadlineRuleViewSet(BaseViewSet):
    queryset = DeadlineRule.objects.all()
    serializer_class = serializers.DeadlineRuleSerializer
    filterset_class = DeadlineRuleFilterSet
    declaration = DeadlineRuleViews


class MeetingViewSet(BaseViewSet):
    queryset = Meeting.objects.all()
    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilterSet
    declaration = MeetingViews

    def service_save(self, serializer):
        return services.create_meeting(self.filled(serializer), by=self.request.user)


class DecisionViewSet(BaseViewSet):
    queryset = Decision.objects.all()
    serializer_class = serializers.DecisionSerializer
    filterset_class = DecisionFilterSet
    declaration = DecisionViews
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("problems", "projects")
