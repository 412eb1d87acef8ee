"""The 17 matters of Henan's 联审联批 list (approvals/catalogue.py): reference data every
installation starts from, edited by the city administrator afterwards."""

from django.db import migrations


def seed(apps, schema_editor):
    from keyprojects.approvals.catalogue import seed as seed_matters

    seed_matters(apps.get_model("approvals", "ApprovalMatter"))


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
