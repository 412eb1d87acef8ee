from django.db import migrations

LISTS = [("省重点", "河南省重点建设项目"), ("市重点", "漯河市重点项目"), ("县重点", "县（区）重点项目")]
TAGS = ["战略性新兴产业", "高技术制造业", "数字经济", "专精特新", "招商引资", "未来产业"]


def seed(apps, schema_editor):
    ProjectList = apps.get_model("projects", "ProjectList")
    Tag = apps.get_model("projects", "Tag")
    for name, description in LISTS:
        ProjectList.objects.get_or_create(name=name, defaults={"description": description})
    for name in TAGS:
        Tag.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
