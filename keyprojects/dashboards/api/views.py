"""The dashboards' figures as JSON, within the caller's scope: investment statistics, durations,
slip reasons, and the forecasts with their model (read-only; the figures are the pages' own)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from keyprojects.core.context import bind_user

from .. import durations, forecast, investment
from ..views import _period


def _figure(f: investment.Figure) -> dict:
    return {
        "current": str(f.current),
        "previous": str(f.previous),
        "growth": None if f.growth is None else str(f.growth),
        "in_statistics": str(f.in_statistics),
        "statistics_share": None if f.statistics_share is None else str(f.statistics_share),
    }


def _row(row: investment.Row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "figures": {key: _figure(f) for key, f in row.cells},
        "emerging_share": None if row.emerging_share is None else str(row.emerging_share),
    }


class InvestmentView(APIView):
    """GET /api/dashboards/investment/?month=YYYY-MM&by=region|field|tier|tag

    Completed investment January to the month (万元), the same period last year and the growth
    (累计同比) for every category, the last three years, each month, and by the grouping."""

    @extend_schema(
        parameters=[OpenApiParameter("month", str), OpenApiParameter("by", str)], responses=OpenApiTypes.OBJECT
    )
    def get(self, request):
        bind_user(request.user)
        form, year, month, by, _category = _period(request._request)
        if form.is_bound and form.errors:
            return Response(form.errors, status=400)
        reports = investment.reports_for(request.user)
        years = investment.by_year(reports, year, month)
        return Response(
            {
                "year": year,
                "month": month,
                "unit": "10k yuan",
                "categories": _row(years[-1]),
                "years": [_row(row) for row in years],
                "months": [
                    {k: (str(v) if v is not None and k != "month" else v) for k, v in m.items()}
                    for m in investment.by_month(reports, year, month)
                ],
                "by": by,
                "groups": [_row(row) for row in investment.grouped(reports, year, month, by)],
            }
        )


class DurationsView(APIView):
    """GET /api/dashboards/durations/?by=tier|region|phase — median days per interval and group,
    the fastest projects and the generated sentence."""

    @extend_schema(parameters=[OpenApiParameter("by", str)], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        from keyprojects.projects.models import Project

        bind_user(request.user)
        by = request.query_params.get("by", "tier")
        if by not in durations.GROUPINGS:
            return Response({"by": [f"one of {', '.join(durations.GROUPINGS)}"]}, status=400)
        rows = durations.project_durations(Project.objects.restrict(request.user))
        return Response(
            {
                "by": by,
                "groups": durations.grouped(request.user, rows, by),
                "fastest": [{"project": r.pk, "name": r.name, "days": r.days} for r in durations.fastest(rows)],
                "sentence": durations.sentence(rows),
            }
        )


class ForecastView(APIView):
    """GET /api/dashboards/forecasts/ — the newest model's card and backtest, and the forecasts of
    the projects the caller may see, lowest delivery confidence first (probabilities only when
    the model beat the lights in its backtest)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        from keyprojects.projects.models import RiskForecast, RiskModel

        bind_user(request.user)
        model = RiskModel.objects.order_by("-version").first()
        if model is None:
            return Response(
                {"model": None, "needed": {"rows": forecast.MIN_ROWS, "each": forecast.MIN_EACH}, "forecasts": []}
            )
        shown = model.beats_lights
        rows = (
            RiskForecast.objects.restrict(request.user)
            .filter(project__archived_at__isnull=True)
            .order_by("confidence", "-probability", "project_id")[:500]
        )
        return Response(
            {
                "model": {"version": model.version, "beats_lights": shown, "card": model.card},
                "forecasts": [
                    {
                        "project": f.project_id,
                        "as_of": f.as_of,
                        "node": f.node,
                        "confidence": f.confidence,
                        "probability": str(f.probability) if shown else None,
                        "reasons": [{**r, "text": forecast.describe(r)} for r in f.reasons],
                    }
                    for f in rows
                ],
            }
        )
