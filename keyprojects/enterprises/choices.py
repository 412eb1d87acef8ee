from django.db import models
from django.utils.translation import gettext_lazy as _


class IndustrySection(models.TextChoices):
    """门类: the 20 sections of GB/T 4754-2017; an industry code starts with one of them."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water production and supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail trade")
    G = "G", _("Transport, storage and postal services")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and information technology services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water conservancy, environment and public facilities management")
    O = "O", _("Resident services, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration, social security and social organisations")
    T = "T", _("International organisations")


class FactKind(models.TextChoices):
    """What a fact's value is, which decides how it is stored, read from a feed and compared."""

    MONEY = "money", _("amount in 10,000 yuan")
    COUNT = "count", _("count")
    ENERGY = "energy", _("electricity in kWh")
    DATE = "date", _("date")
    FLAG = "flag", _("yes or no")
    CODE = "code", _("code")


class FactPeriod(models.TextChoices):
    YEAR = "year", _("year")
    QUARTER = "quarter", _("quarter")


class FactField(models.TextChoices):
    """企业数据 fields: what the departments' feeds say about an enterprise for a period."""

    REVENUE = "revenue", _("operating revenue")
    MAIN_REVENUE = "main_revenue", _("main-business revenue")
    PRIOR_MAX_REVENUE = "prior_max_revenue", _("highest revenue of earlier years")
    TAX_PAID = "tax_paid", _("tax paid")
    RD_EXPENSE = "rd_expense", _("R&D expense")
    RD_DEDUCTIBLE = "rd_deductible", _("R&D expense with super deduction")
    EMPLOYEES = "employees", _("employees")
    ELECTRICITY = "electricity", _("electricity use")
    EXPORTS = "exports", _("exports")
    IMPORTS = "imports", _("imports")
    FOUNDED = "founded", _("date founded")
    HIGH_TECH = "high_tech", _("high-tech enterprise since")
    INNOVATIVE_SME = "innovative_sme", _("innovative SME since")
    SPECIALISED = "specialised", _("specialised and sophisticated SME since")
    LITTLE_GIANT = "little_giant", _("little giant since")
    SINGLE_CHAMPION = "single_champion", _("single champion since")
    ABOVE_SCALE = "above_scale", _("above designated size since")
    LISTED = "listed", _("listed since")
    SCALE = "scale", _("enterprise size")
    BLACKLISTED = "blacklisted", _("on the credit blacklist")


FACT_KINDS = {
    FactField.REVENUE: FactKind.MONEY,
    FactField.MAIN_REVENUE: FactKind.MONEY,
    FactField.PRIOR_MAX_REVENUE: FactKind.MONEY,
    FactField.TAX_PAID: FactKind.MONEY,
    FactField.RD_EXPENSE: FactKind.MONEY,
    FactField.RD_DEDUCTIBLE: FactKind.MONEY,
    FactField.EMPLOYEES: FactKind.COUNT,
    FactField.ELECTRICITY: FactKind.ENERGY,
    FactField.EXPORTS: FactKind.MONEY,
    FactField.IMPORTS: FactKind.MONEY,
    FactField.FOUNDED: FactKind.DATE,
    FactField.HIGH_TECH: FactKind.DATE,
    FactField.INNOVATIVE_SME: FactKind.DATE,
    FactField.SPECIALISED: FactKind.DATE,
    FactField.LITTLE_GIANT: FactKind.DATE,
    FactField.SINGLE_CHAMPION: FactKind.DATE,
    FactField.ABOVE_SCALE: FactKind.DATE,
    FactField.LISTED: FactKind.DATE,
    FactField.SCALE: FactKind.CODE,
    FactField.BLACKLISTED: FactKind.FLAG,
}

# A title (certification) is a list the department publishes in full: an enterprise not on it
# does not hold the title. Absence of any other fact is "数据不足", never "no".
TITLE_FIELDS = frozenset(
    {
        FactField.HIGH_TECH,
        FactField.INNOVATIVE_SME,
        FactField.SPECIALISED,
        FactField.LITTLE_GIANT,
        FactField.SINGLE_CHAMPION,
        FactField.ABOVE_SCALE,
        FactField.LISTED,
        FactField.BLACKLISTED,
    }
)

# 企业规模 codes (enterprise size, 统计上大中小微型企业划分办法).
SCALE_CODES = {"large": _("large"), "medium": _("medium"), "small": _("small"), "micro": _("micro")}
