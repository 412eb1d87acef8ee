from django.db import transaction

from keyprojects.core.api import BaseViewSet
from keyprojects.core.services import check_in_scope

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

    def _write(self, serializer, action):
        data = dict(serializer.validated_data)
        key = data.pop("intake_key", "") or None
        with transaction.atomic():
            if serializer.instance is None:
                services.check_can_raise(
                    self.request.user, project=data.get("project"), enterprise=data.get("enterprise")
                )
                problem = services.raise_problem(Problem(**data), by=self.request.user, intake_key=key)
            else:
                problem = serializer.instance
                for name, value in data.items():
                    setattr(problem, name, value)
                problem = services.edit_problem(problem, by=self.request.user)
            check_in_scope(problem, self.request.user, action)
            serializer.instance = problem


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

    def _write(self, serializer, action):
        with transaction.atomic():
            meeting = serializer.instance or Meeting(**serializer.validated_data)
            for name, value in serializer.validated_data.items():
                setattr(meeting, name, value)
            serializer.instance = services.create_meeting(meeting, by=self.request.user)
            check_in_scope(serializer.instance, self.request.user, action)


class DecisionViewSet(BaseViewSet):
    queryset = Decision.objects.all()
    serializer_class = serializers.DecisionSerializer
    filterset_class = DecisionFilterSet
    declaration = DecisionViews
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("problems", "projects")
