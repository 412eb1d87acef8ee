from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, Action, Role, Scope
from keyprojects.core.models import BaseModel
from keyprojects.orgs.choices import OfficeKind

from ..choices import InvestmentCategory

# The statistics bureau publishes a month's cumulative figures in the middle of the next month;
# from the first day of the month after that the period is closed: a figure entered or changed
# then is a correction (or a late back-fill) and says why.
CLOSING_MONTHS = 2


def period_closed(month: date, today: date | None = None) -> bool:
    """Whether the cumulative period ending with `month` is closed on `today`."""
    today = today or timezone.localdate()
    index = month.year * 12 + month.month - 1 + CLOSING_MONTHS
    return today >= date(index // 12, index % 12 + 1, 1)


class OfficialFigure(BaseModel):
    """统计局数据: the statistics bureau's official cumulative figure for a region, a category of
    fixed-asset investment and the months January to `month` of a year — kept by the city
    administrator and shown beside the platform's own figure with its 入统 share."""

    region = models.ForeignKey("orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("to the end of"), help_text=_("The first day of the last month of the period."))
    category = models.CharField(
        _("category"), max_length=20, choices=InvestmentCategory.choices, default=InvestmentCategory.TOTAL
    )
    amount = models.DecimalField(
        _("completed investment (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    growth = models.DecimalField(
        _("growth on the same period (%)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. the bureau's release."))
    correction_note = models.CharField(
        _("correction note"),
        max_length=200,
        blank=True,
        help_text=_("Required to enter or change a figure once its period is closed."),
    )

    scope = Scope(region="region", office_remit={OfficeKind.COORDINATION: {}, OfficeKind.FINANCE: {}})
    rights = {
        Action.VIEW: ALL_ROLES - {Role.ENTERPRISE},
        Action.ADD: frozenset({Role.CITY_ADMIN}),
        Action.CHANGE: frozenset({Role.CITY_ADMIN}),
        Action.ARCHIVE: frozenset({Role.CITY_ADMIN}),
    }

    class Meta:
        ordering = ["-month", "region__path", "category"]
        verbose_name = _("official statistics figure")
        verbose_name_plural = _("official statistics figures")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "month", "category"],
                condition=models.Q(archived_at__isnull=True),
                name="officialfigure_one_per_period",
            )
        ]

    def __str__(self):
        return f"{self.region} · {self.month:%Y-%m} · {self.get_category_display()}"

    def clean(self):
        errors = {}
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.amount is None and self.growth is None:
            errors["amount"] = _("Give the amount, the growth or both.")
        if self.month and period_closed(self.month):
            before = OfficialFigure.objects.filter(pk=self.pk).values("amount", "growth", "correction_note").first()
            changed = before is None or (before["amount"], before["growth"]) != (self.amount, self.growth)
            # A change needs its own reason: the note of an earlier correction does not explain it.
            if changed and (
                not self.correction_note.strip() or (before and before["correction_note"] == self.correction_note)
            ):
                errors["correction_note"] = _(
                    "This period is closed: a figure entered or changed now needs a correction note saying why."
                )
        if (
            not errors.get("amount")
            and self.month
            and self.region_id
            and OfficialFigure.objects.filter(
                region_id=self.region_id, month=self.month, category=self.category, archived_at__isnull=True
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["month"] = _("This region already has an official figure for this period and category: edit it.")
        if errors:
            raise ValidationError(errors)
