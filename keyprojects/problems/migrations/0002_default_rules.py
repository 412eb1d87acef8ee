"""The 13710 rule as editable rows: for every category, assign in 1 working day, first progress
in 3, a policy enquiry answered in 3, a simple problem solved in 7, a complex one in 30."""

from django.db import migrations

DEFAULTS = [("enquiry", 1, 3, 3), ("simple", 1, 3, 7), ("complex", 1, 3, 30)]


def add_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("problems", "DeadlineRule")
    for problem_class, assign, progress, resolve in DEFAULTS:
        DeadlineRule.objects.get_or_create(
            category="",
            problem_class=problem_class,
            defaults={"assign_days": assign, "progress_days": progress, "resolve_days": resolve},
        )


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
