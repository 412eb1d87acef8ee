"""Load the deployment's root region and the divisions under it from the national table (GB/T
2260, divisions.py): `manage.py load_regions` after setting ROOT_REGION (e.g. 410400 for 平顶山市).

Idempotent: regions are matched by code, renamed when the table renames them. A root region
other than the one set (the demo's 漯河市 on a fresh installation) is removed with what is under it,
unless anything refers to it: then nothing changes and the command says what holds it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from keyprojects.orgs.choices import RegionLevel
from keyprojects.orgs.divisions import DIVISIONS_DATE, division
from keyprojects.orgs.models import Region, RegionAlias


def level_of(place):
    if place.level == "province":
        return RegionLevel.PROVINCE
    if place.level == "city":
        return RegionLevel.CITY
    return RegionLevel.DISTRICT if place.name.endswith("区") else RegionLevel.COUNTY


class Command(BaseCommand):
    help = "Load the root region (settings.KEYPROJECTS_ROOT_REGION, or --root) and its divisions from GB/T 2260."

    def add_arguments(self, parser):
        parser.add_argument("--root", help="a GB/T 2260 code; defaults to the ROOT_REGION setting")

    def handle(self, *args, root=None, **options):
        code = root or settings.KEYPROJECTS_ROOT_REGION
        place = division(code)
        if place is None:
            raise CommandError(f"{code} is not a division in GB/T 2260 as of {DIVISIONS_DATE}.")
        with transaction.atomic():
            self.remove_other_roots(place.code)
            top = self.put(place, None)
            count = 0
            for child in place.children():
                region = self.put(child, top)
                count += 1
                for grandchild in child.children():
                    self.put(grandchild, region)
                    count += 1
        self.stdout.write(
            f"{place.name} ({place.code}) and {count} divisions under it, from GB/T 2260 as of {DIVISIONS_DATE}; "
            "functional zones and aliases are kept by administrators on the regions and region aliases pages."
        )

    def put(self, place, parent):
        region = Region.objects.filter(code=place.code).first() or Region(code=place.code)
        changed = (region.name, region.parent_id, region.level) != (
            place.name,
            getattr(parent, "pk", None),
            level_of(place),
        )
        region.name, region.parent, region.level, region.archived_at = place.name, parent, level_of(place), None
        if changed or region.pk is None:
            region.save()
        return region

    def remove_other_roots(self, code):
        """Another root's tree goes, leaves first, when nothing refers to it (seed data only)."""
        for other in Region.objects.filter(parent=None).exclude(code=code):
            tree = list(Region.objects.filter(path__startswith=other.path))
            try:
                with transaction.atomic():
                    models.QuerySet.delete(RegionAlias.objects.filter(region__in=tree))
                    for region in sorted(tree, key=lambda r: -r.path.count("/")):
                        models.QuerySet.delete(Region.objects.filter(pk=region.pk))
            except ProtectedError as error:
                held = sorted({f"{obj._meta.verbose_name} “{obj}”" for obj in list(error.protected_objects)[:5]})
                raise CommandError(
                    f"{other.name} cannot be replaced: {', '.join(held)} and perhaps more refer to it. "
                    "A deployment sets its root region before its data is entered."
                ) from error
