from django.db import models
from django.utils.translation import gettext_lazy as _


class PhaseStatus(models.TextChoices):
    """A phase's list is drafted, then locked (no more changes), then the event is held."""

    PLANNING = "planning", _("Planning")  # 筹备中
    LOCKED = "locked", _("List locked")  # 名单已锁定
    HELD = "held", _("Held")  # 已举办


class Batch(models.TextChoices):
    """签约一批 / 开工一批 / 投产一批: the three lists a phase announces."""

    SIGN = "sign", _("Signing batch")
    START = "start", _("Starting batch")
    PRODUCE = "produce", _("Production batch")


class PhaseEventType(models.TextChoices):
    ENTRY_ADDED = "entry_added", _("Entry added")
    CANDIDATES_ACCEPTED = "candidates_accepted", _("Candidates accepted")
    LOCKED = "locked", _("List locked")
    LOCK_OVERRIDDEN = "lock_overridden", _("List locked despite failing entries")
    HELD = "held", _("Held")


# Words real phase lists use for the batches, besides the translated labels.
BATCH_WORDS = {
    "签约一批": Batch.SIGN,
    "签约": Batch.SIGN,
    "签约项目": Batch.SIGN,
    "开工一批": Batch.START,
    "开工": Batch.START,
    "开工项目": Batch.START,
    "投产一批": Batch.PRODUCE,
    "投产": Batch.PRODUCE,
    "投产项目": Batch.PRODUCE,
}
