"""Demo: the slip-risk forecast trained on the demo's history and run once, so its page shows
the model card and the backtest, and projects their delivery confidence (idempotent: a model
already trained is kept)."""

from django.utils import timezone

from keyprojects.core.context import acting


def seed_forecast(stdout=None, *, today=None):
    from keyprojects.projects.models import RiskModel

    from .forecast import refresh_forecasts, train_model

    today = today or timezone.localdate()
    if RiskModel.objects.exists():
        return {}
    with acting(None, "seed_demo"):
        model, counts = train_model(today)
        scored = refresh_forecasts(today, model) if model else 0
    if stdout:
        if model is None:
            stdout.write(f"Demo forecast: too little history ({counts}).")
        else:
            test = model.card.get("backtest", {})
            stdout.write(
                f"Demo forecast: model v{model.version}, {scored} projects scored; backtest AUC {test.get('auc')} "
                f"against the lights' {test.get('lights_auc')}, shown: {model.beats_lights}."
            )
    return {"scored": scored}
