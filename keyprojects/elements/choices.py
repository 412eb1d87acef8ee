from django.db import models
from django.utils.translation import gettext_lazy as _


class WhitelistKind(models.TextChoices):
    """白名单的种类."""

    GUARANTEE = "guarantee", _("Full element guarantee (要素保障白名单)")
    UNINTERRUPTED = "uninterrupted", _("Uninterrupted construction (不间断施工 / 重污染天气豁免)")
    OTHER = "other", _("Other list")


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("On the list")
    REVOKED = "revoked", _("Revoked")


class Element(models.TextChoices):
    """要素: what a project needs the city to guarantee."""

    LAND = "land", _("Land")  # 亩
    ENERGY = "energy", _("Energy quota")  # 吨标准煤
    POWER = "power", _("Power")  # kVA
    WATER = "water", _("Water")  # 吨/日
    GAS = "gas", _("Gas")  # 立方米/日
    FUNDING = "funding", _("Funding")  # 万元
    ENVIRONMENT = "environment", _("Environment capacity")  # 吨/年 排放总量


UNITS = {
    Element.LAND: _("mu"),
    Element.ENERGY: _("t of standard coal"),
    Element.POWER: "kVA",
    Element.WATER: _("t/day"),
    Element.GAS: _("m³/day"),
    Element.FUNDING: _("10k yuan"),
    Element.ENVIRONMENT: _("t/year"),
}
# The office whose board shows an element's shortfalls (大财政金融办 funding, 大建设调度办 the rest)
BOARD_OFFICE = {Element.FUNDING: "finance"}
DEFAULT_BOARD_OFFICE = "construction"


class Source(models.TextChoices):
    """来源 / 方式 of an element: 供地方式 for land, the fund for money, the quota's origin for energy."""

    NONE = "", _("—")
    TRANSFER = "transfer", _("Land transfer (出让)")
    ALLOCATION = "allocation", _("Land allocation (划拨)")
    LEASE = "lease", _("Land lease (租赁)")
    SPECIAL_BOND = "special_bond", _("Special-purpose bonds (专项债)")
    CENTRAL_BUDGET = "central_budget", _("Central budget investment (中央预算内)")
    BANK_LOAN = "bank_loan", _("Bank loans")
    OWN_FUNDS = "own_funds", _("Own funds")
    PROVINCE_QUOTA = "province_quota", _("Provincial energy quota")
    CITY_QUOTA = "city_quota", _("City energy quota")
    SWAP = "swap", _("Reduction swap (减量替代)")


class OrderKind(models.TextChoices):
    """停工令 / 限电名单 that may name a whitelisted project."""

    POLLUTION = "pollution", _("Heavy-pollution weather stoppage")  # 重污染天气停工令
    POWER = "power", _("Power-rationing list")  # 有序用电 / 限电名单
    OTHER = "other", _("Other stoppage order")


class DemandEventType(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GUARANTEED = "guaranteed", _("Guaranteed")
    LATE = "late", _("Past its guaranteed date")
