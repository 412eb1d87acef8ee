from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    ZONE = "zone", _("Functional zone")


class OfficeKind(models.TextChoices):
    """四大办: the four coordinating offices, fixed by the city's mechanism."""

    COORDINATION = "coordination", _("Major Projects Coordination Office")
    FINANCE = "finance", _("Finance and Funding Office")
    CONSTRUCTION = "construction", _("Construction Dispatch Office")
    SUPERVISION = "supervision", _("Supervision and Service Office")
