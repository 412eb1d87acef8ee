"""The region tree of 漯河市 (GB/T 2260) and its functional zones, and the four offices:
reference data every installation starts from."""

from django.db import migrations

CITY = ("411100", "漯河市", "city")
UNITS = [
    ("411102", "源汇区", "district"),
    ("411103", "郾城区", "district"),
    ("411104", "召陵区", "district"),
    ("411121", "舞阳县", "county"),
    ("411122", "临颍县", "county"),
    (None, "漯河经济技术开发区", "zone"),
    (None, "城乡一体化示范区（西城区）", "zone"),
    (None, "东城区", "zone"),
]
OFFICES = [
    ("coordination", "大项目统筹办"),
    ("finance", "大财政金融办"),
    ("construction", "大建设调度办"),
    ("supervision", "大监管服务办"),
]


def seed(apps, schema_editor):
    Region = apps.get_model("orgs", "Region")
    Office = apps.get_model("orgs", "Office")
    code, name, level = CITY
    city, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "path": ""})
    city.path = f"{city.pk}/"
    city.save()
    for code, name, level in UNITS:
        region, _ = Region.objects.get_or_create(parent=city, name=name, defaults={"code": code, "level": level})
        region.path = f"{city.path}{region.pk}/"
        region.save()
    for kind, name in OFFICES:
        Office.objects.get_or_create(kind=kind, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
