"""The dashboards' scheduled jobs (core/schedule.py), registered by DashboardsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from keyprojects.core.schedule import scheduled


@scheduled(
    "dashboards.slip_risk",
    daily="06:30",
    title=_("Train and run the slip-risk forecast"),
    counts={"scored": _("Projects scored"), "trained": _("Model version trained")},
)
def slip_risk(run):
    """Backtest and train a new model version on the history known today, then score every
    project under way; with too little history nothing is trained and the page says so."""
    from .forecast import refresh_forecasts, train_model

    model, _counts = train_model(run.day)
    return {"scored": refresh_forecasts(run.day, model) if model else 0, "trained": model.version if model else 0}


@scheduled(
    "dashboards.weekly_at_risk",
    weekly="mon 07:30",
    title=_("Tell leaders of their most-at-risk projects"),
    counts={"told": _("People told")},
)
def weekly_at_risk(run):
    """For the weekly meeting: each leader and service officer with projects of low delivery
    confidence gets the week's list (the most-at-risk page)."""
    from .notifications import tell_leaders_at_risk

    return {"told": tell_leaders_at_risk()}
