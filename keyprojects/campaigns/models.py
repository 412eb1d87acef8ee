"""The "三个一批" campaign: phases (期) and the projects each phase lists in its three batches."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import STAFF, Action, Role, Scope
from keyprojects.core.events import Event
from keyprojects.core.models import BaseModel
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Project

from .choices import Batch, PhaseEventType, PhaseStatus

_DIGITS = "零一二三四五六七八九"


def chinese_number(n):
    """1 → 一, 10 → 十, 13 → 十三, 20 → 二十, 99 → 九十九."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)  # 第105期: no city has held a hundred phases yet


class Phase(BaseModel):
    """期 (第十三期): one round of the campaign, on a date, announcing a 签约一批, a 开工一批 and a
    投产一批. Phases are city-wide reference rows: everyone signed in reads them, the city's
    administrators change them."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True, validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PhaseStatus.choices, default=PhaseStatus.PLANNING, editable=False
    )
    override_reason = models.TextField(_("lock override reason"), blank=True, editable=False)

    scope = Scope(reference=True)
    # Counties list their own projects as candidates; the city locks the list and marks it held.
    rights = {"candidates": STAFF, "lock": frozenset({Role.CITY_ADMIN}), "held": frozenset({Role.CITY_ADMIN})}

    class Meta:
        ordering = ["-number"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        label = f"第{chinese_number(self.number)}期" if self.number else "—"
        return self.title if label in self.title else f"{label} {self.title}".strip()

    def neighbours(self):
        """The live phases just before and just after this one by number."""
        others = Phase.objects.filter(archived_at__isnull=True).exclude(pk=self.pk)
        before = others.filter(number__lt=self.number).order_by("-number").first()
        after = others.filter(number__gt=self.number).order_by("number").first()
        return before, after

    def clean(self):
        if self.number is None or self.date is None:
            return
        before, after = self.neighbours()
        if before and self.date <= before.date:
            raise ValidationError(
                {
                    "date": _("The date must be after the date of %(phase)s (%(date)s).")
                    % {"phase": before, "date": before.date}
                }
            )
        if after and self.date >= after.date:
            raise ValidationError(
                {
                    "date": _("The date must be before the date of %(phase)s (%(date)s).")
                    % {"phase": after, "date": after.date}
                }
            )


class BatchEntry(BaseModel):
    """批次入列: one project listed in one batch of one phase, with copies of its figures as they
    were at listing, so that later edits to the project do not rewrite history.

    Scope: an entry reaches regions through `region`, the region frozen at listing, so a
    county keeps seeing (and answering for) what was listed under it even if the project is
    later moved; the other roles reach it through the project (department, leader, officer,
    owner's users) as they do the project itself."""

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="entries")
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="batch_entries"
    )
    batch = models.CharField(_("batch"), max_length=10, choices=Batch.choices)
    total_investment = models.DecimalField(
        _("total investment at listing (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    planned_investment = models.DecimalField(
        _("annual planned investment at listing (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    stage = models.CharField(_("stage at listing"), max_length=20, choices=Stage.choices)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region at listing"), on_delete=models.PROTECT, related_name="+"
    )

    scope = Project.scope.via("project", region="region")
    rights = {Action.CHANGE: STAFF}  # a listed entry does not change (services say why): archive and relist

    class Meta:
        ordering = ["-phase__number", "batch", "-total_investment", "pk"]
        verbose_name = _("batch entry")
        verbose_name_plural = _("batch entries")
        constraints = [
            models.UniqueConstraint(fields=["phase", "project", "batch"], name="batchentry_once_per_phase_batch")
        ]
        indexes = [models.Index(fields=["batch", "phase"]), models.Index(fields=["region", "batch"])]

    def __str__(self):
        return f"{self.phase} · {self.get_batch_display()} · {self.project}"

    def archive_problem(self):
        """A locked or held list is a record: its entries are neither archived nor restored."""
        if self.phase.status != PhaseStatus.PLANNING:
            return _("The list of %(phase)s is locked; entries can no longer change.") % {"phase": self.phase}
        return None


class PhaseEvent(Event):
    """A line of a phase's timeline: entries added, candidates accepted, list locked (with the
    override reason and the entries that failed), held. The change log underneath records the
    field changes; these rows carry what a reader asks for — who overrode and why."""

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=20, choices=PhaseEventType.choices)

    scope = Scope(reference=True)
    rights = {"add": frozenset(), "change": frozenset(), "archive": frozenset()}  # written by the services
    texts = {
        PhaseEventType.ENTRY_ADDED: _("A project was listed in the “%(batch)s” batch."),
        PhaseEventType.CANDIDATES_ACCEPTED: _("%(count)s proposed candidates were listed."),
        PhaseEventType.LOCKED: _("The list was locked; every entry met its batch's rule."),
        PhaseEventType.LOCK_OVERRIDDEN: _("The list was locked although %(failing_count)s entries failed their rule."),
        PhaseEventType.HELD: _("The phase was held."),
    }

    class Meta(Event.Meta):
        verbose_name = _("phase event")
        verbose_name_plural = _("phase events")

    def sentence_params(self):
        data = self.data or {}
        batch = data.get("batch")
        return {
            **data,
            "batch": Batch(batch).label if batch in Batch.values else batch or "",
            "count": len(data.get("entries", [])),
            "failing_count": len(data.get("failing", [])),
        }

    def __str__(self):
        return f"{self.get_type_display()} · {self.phase}"
