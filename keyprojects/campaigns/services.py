"""State changes of the campaign: one function each, atomic, the actor passed as `by=`, the
phase's timeline event (PhaseEvent) written inside. Pages, the API, the history importer and
the tests all call these.

Why a typed event table and not only the change log: the change log records which fields
changed; a reader of a phase asks who locked the list, whether failing entries were overridden,
why, and which ones — that is a PhaseEvent row (type, actor, note, the failing entries)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyprojects.core.access import Role, roles
from keyprojects.core.context import acting
from keyprojects.core.events import Lifecycle, Move, states
from keyprojects.projects.choices import LIFECYCLE, STAGE_DATES, Stage
from keyprojects.projects.models import Project, YearPlan

from .choices import Batch, PhaseEventType, PhaseStatus
from .models import BatchEntry, Phase, PhaseEvent

# The stage each batch stands for: a project is ready for the batch when it has reached that
# stage (or a later one) and its actual date for that stage is on or before the phase date.
BATCH_STAGE = {Batch.SIGN: Stage.SIGNED, Batch.START: Stage.STARTED, Batch.PRODUCE: Stage.PRODUCING}
AT_OR_AFTER = {stage: LIFECYCLE[LIFECYCLE.index(stage) :] for stage in LIFECYCLE}


def once_per_batch():
    """A project is listed at most once per batch type over the whole campaign (the province's
    rule); a city that lists the same project again in a later phase sets this to False."""
    return getattr(settings, "KEYPROJECTS_CAMPAIGN_ONCE_PER_BATCH", True)


def is_city_admin(user):
    return bool(user and (user.is_superuser or Role.CITY_ADMIN in roles(user)))


def stage_on(project, day):
    """The stage a project had reached on `day`, from its actual dates (history imports)."""
    reached = [
        stage for stage, (_planned, actual) in STAGE_DATES.items() if (d := getattr(project, actual)) and d <= day
    ]
    if reached:
        return max(reached, key=LIFECYCLE.index)
    return project.stage if project.stage in (Stage.PLANNED, Stage.NEGOTIATING) else Stage.NEGOTIATING


def _event(phase, type, by, note="", **data):
    return PhaseEvent.objects.create(
        phase=phase, type=type, actor=by if getattr(by, "pk", None) else None, note=note, data=data
    )


def _live_entries(phase):
    return phase.entries.filter(archived_at__isnull=True)


# --- listing -----------------------------------------------------------------------------


def listing_problem(phase, project, batch, *, history=False, exclude=None, listed=None):
    """Why `project` cannot be listed in `batch` of `phase`, or None (the importer's dry run
    asks too, so that a file reports every such row before anything is written). `listed` may
    hold the project's live entries of that batch, read beforehand for many projects at once."""
    batch = Batch(batch)
    if phase.status != PhaseStatus.PLANNING and not history:
        return _("The list of %(phase)s is locked; entries can no longer change.") % {"phase": phase}
    if project.stage == Stage.TERMINATED and not (history and project.stage_date and project.stage_date > phase.date):
        return _("%(project)s is terminated; a terminated project cannot be listed.") % {"project": project}
    if project.archived_at:
        return _("%(project)s is archived; it cannot be listed.") % {"project": project}
    if listed is None:
        listed = BatchEntry.objects.filter(project=project, batch=batch, archived_at__isnull=True)
        listed = listed.select_related("phase").order_by("pk")
    earlier = next(
        (e for e in listed if (once_per_batch() or e.phase_id == phase.pk) and e.pk != exclude),
        None,
    )
    if earlier:
        return _(
            "%(project)s is already listed in the %(batch)s of %(phase)s; a project is listed once per batch type."
        ) % {"project": project, "batch": batch.label, "phase": earlier.phase}
    return None


def add_entry(phase, project, batch, *, by, history=False, total_investment=None, planned_investment=None, event=True):
    """List `project` in `batch` of `phase`, with copies of its figures as they are now.

    `history=True` is the history import: past (locked or held) phases accept entries, the
    figures may come from the old list, the stage is the one the project had on the phase date,
    and a project terminated after the phase was legitimately listed then."""
    listing = Listing(phase, project, batch, total_investment, planned_investment)
    return add_entries([listing], by=by, history=history, event=event)[0]


@dataclass(frozen=True)
class Listing:
    """One project to list in one batch of one phase; figures left None are copied from the project."""

    phase: Phase
    project: Project
    batch: str
    total_investment: object = None
    planned_investment: object = None


@transaction.atomic
def add_entries(listings, *, by, history=False, event=True):
    """add_entry() for many listings (a ledger's 期次 and 类别): the same rules and figures, read
    and written a fixed number of queries at a time, not some six per entry. All or nothing."""
    listings = list(listings)
    if not listings:
        return []
    phases = Phase.objects.select_for_update().in_bulk({listing.phase.pk for listing in listings})
    projects = [listing.project for listing in listings]
    live, known = {}, {}
    for entry in BatchEntry.objects.filter(project__in=projects).select_related("phase").order_by("pk"):
        known[entry.phase_id, entry.project_id, entry.batch] = entry
        if entry.archived_at is None:
            live.setdefault((entry.project_id, entry.batch), []).append(entry)
    years = {phase.date.year for phase in phases.values()}
    plans = YearPlan.objects.filter(project__in=projects, year__in=years, archived_at__isnull=True)
    plans = {(pk, year): planned for pk, year, planned in plans.values_list("project", "year", "planned_investment")}
    entries, new, revived = [], [], []
    for listing in listings:
        phase, project, batch = phases[listing.phase.pk], listing.project, Batch(listing.batch)
        problem = listing_problem(phase, project, batch, history=history, listed=live.get((project.pk, batch), ()))
        if problem:
            raise ValidationError(problem)
        planned = listing.planned_investment
        if planned is None:
            planned = plans.get((project.pk, phase.date.year), 0)
        figures = {
            "total_investment": project.total_investment
            if listing.total_investment is None
            else listing.total_investment,
            "planned_investment": planned,
            "stage": stage_on(project, phase.date) if history else project.stage,
            "region_id": project.region_id,
            "archived_at": None,
        }
        entry = known.get((phase.pk, project.pk, batch.value))  # an archived listing comes back, refreshed
        if entry is None:
            entry = BatchEntry(phase=phase, project=project, batch=batch, **figures)
            new.append(entry)
        else:
            for name, value in figures.items():
                setattr(entry, name, value)
            revived.append(entry)
        live.setdefault((project.pk, batch), []).append(entry)
        entries.append(entry)
    with acting(by):
        BatchEntry.objects.bulk_create(new)
        if revived:
            BatchEntry.objects.bulk_update(
                revived, ["total_investment", "planned_investment", "stage", "region", "archived_at"]
            )
        if event:
            actor = by if getattr(by, "pk", None) else None
            PhaseEvent.objects.bulk_create(
                PhaseEvent(
                    phase=entry.phase,
                    type=PhaseEventType.ENTRY_ADDED,
                    actor=actor,
                    data={"entry": entry.pk, "project": entry.project_id, "batch": Batch(entry.batch).value},
                )
                for entry in entries
            )
    return entries


@dataclass(frozen=True)
class Candidates:
    """The projects proposed for each batch of a phase, and the date they are counted from."""

    since: object  # the previous phase's date, or None for the first phase
    sign: object  # Project querysets
    start: object
    produce: object

    def by_batch(self):
        return {Batch.SIGN: self.sign, Batch.START: self.start, Batch.PRODUCE: self.produce}


def propose_candidates(phase, projects=None):
    """SIGN: projects signed since the previous phase's date; START: started since; PRODUCE:
    previous phases' START entries whose project has since reached PRODUCING or later
    (由上期开工项目转化生成). Up to the phase date, never a terminated or already-listed project.
    `projects` narrows the pool (a user's restricted queryset)."""
    before, _after = phase.neighbours()
    since = before.date if before else None
    pool = (projects if projects is not None else Project.objects.all()).filter(archived_at__isnull=True)
    pool = pool.exclude(stage=Stage.TERMINATED).select_related("region")

    def unlisted(queryset, batch):
        listed = BatchEntry.objects.filter(batch=batch, archived_at__isnull=True)
        if not once_per_batch():
            listed = listed.filter(phase=phase)
        return queryset.exclude(pk__in=listed.values("project"))

    def stage_since(stage):
        date_field = STAGE_DATES[stage][1]
        queryset = pool.filter(stage__in=AT_OR_AFTER[stage], **{f"{date_field}__lte": phase.date})
        if since:
            queryset = queryset.filter(**{f"{date_field}__gt": since})
        return queryset

    started_before = BatchEntry.objects.filter(
        batch=Batch.START, phase__number__lt=phase.number, phase__archived_at__isnull=True, archived_at__isnull=True
    ).values("project")
    produce = pool.filter(
        pk__in=started_before, stage__in=AT_OR_AFTER[Stage.PRODUCING], actual_production_date__lte=phase.date
    )
    return Candidates(
        since=since,
        sign=unlisted(stage_since(Stage.SIGNED), Batch.SIGN),
        start=unlisted(stage_since(Stage.STARTED), Batch.START),
        produce=unlisted(produce, Batch.PRODUCE),
    )


@transaction.atomic
def accept_candidates(phase, *, by, picks=None, projects=None):
    """List the chosen candidates ((batch, project id) pairs; all of them when None). A pick
    that is not a current candidate is refused and nothing is listed."""
    proposal = propose_candidates(phase, projects)
    offered = {(batch, p.pk): p for batch, queryset in proposal.by_batch().items() for p in queryset}
    if picks is None:
        picks = list(offered)
    picks = [(Batch(batch), int(pk)) for batch, pk in picks]
    unknown = [pick for pick in picks if pick not in offered]
    if unknown:
        raise ValidationError(
            _("%(count)s of the chosen projects are not candidates of this phase.") % {"count": len(unknown)}
        )
    entries = [add_entry(phase, offered[pick], pick[0], by=by, event=False) for pick in picks]
    if entries:
        counts = {batch.value: sum(1 for b, _pk in picks if b == batch) for batch in Batch}
        _event(phase, PhaseEventType.CANDIDATES_ACCEPTED, by, entries=[e.pk for e in entries], counts=counts)
    return entries


@transaction.atomic
def list_candidates(phase, *, by, picks) -> list:
    """The candidates page and API: list the ticked candidates among the user's own projects;
    every new entry is read back through the user's scope, or nothing is listed."""
    from django.core.exceptions import PermissionDenied

    from keyprojects.core.access import Action
    from keyprojects.core.services import check_in_scope

    entries = accept_candidates(phase, by=by, picks=picks, projects=Project.objects.restrict(by))
    try:
        for entry in entries:
            check_in_scope(entry, by, Action.ADD)
    except PermissionDenied as error:
        raise ValidationError(_("A candidate falls outside your scope; nothing was listed.")) from error
    return entries


# --- readiness, locking, holding ---------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    entry: BatchEntry
    reason: str


def entry_failure(entry, day):
    """Why an entry does not meet its batch's rule on `day`, or None when it does."""
    project = entry.project
    needed = BATCH_STAGE[entry.batch]
    if project.stage == Stage.TERMINATED:
        return _("The project is terminated.")
    if project.stage not in AT_OR_AFTER[needed]:
        return _("The project is %(stage)s; the %(batch)s needs it %(needed)s.") % {
            "stage": project.get_stage_display(),
            "batch": entry.get_batch_display(),
            "needed": needed.label,
        }
    reached = getattr(project, STAGE_DATES[needed][1])
    if reached is None:
        return _("No date is recorded for when the project was %(needed)s.") % {"needed": needed.label}
    if reached > day:
        return _("The project was %(needed)s on %(date)s, after the phase date %(day)s.") % {
            "needed": needed.label,
            "date": reached,
            "day": day,
        }
    return None


def readiness(phase, entries=None):
    """Every live entry of the phase that fails its batch's rule, with the reason (one query)."""
    entries = _live_entries(phase) if entries is None else entries
    failures = []
    for entry in entries.select_related("project", "phase").order_by("batch", "pk"):
        reason = entry_failure(entry, phase.date)
        if reason:
            failures.append(Failure(entry, reason))
    return failures


def _lockable(phase, to, *, by, override_reason=""):
    """锁定名单: refuses while any entry fails its rule, unless a city administrator overrides
    with a reason; returns the failures the override covers."""
    if not _live_entries(phase).exists():
        raise ValidationError(_("%(phase)s lists no project yet; there is nothing to lock.") % {"phase": phase})
    failures = readiness(phase)
    if failures and not override_reason:
        raise ValidationError(
            _(
                "%(count)s entries do not meet their batch's rule: fix them, or have a city administrator "
                "override with a reason. %(first)s"
            )
            % {"count": len(failures), "first": f"{failures[0].entry.project}: {failures[0].reason}"}
        )
    if failures and not is_city_admin(by):
        raise ValidationError(_("Only a city administrator may lock a list with failing entries."))
    return {"failures": failures}


def _holdable(phase, to, *, by):
    if phase.date > timezone.localdate():
        raise ValidationError(
            _("%(phase)s is dated %(date)s; it cannot be held before then.") % {"phase": phase, "date": phase.date}
        )


# A phase's list is drawn up, locked (checked, or overridden with a reason), then held.
PHASE_LIFECYCLE = Lifecycle(
    "status",
    moves=(
        Move(PhaseEventType.LOCKED, states([PhaseStatus.PLANNING]), states([PhaseStatus.LOCKED]), _lockable),
        Move(PhaseEventType.HELD, states([PhaseStatus.LOCKED]), states([PhaseStatus.HELD]), _holdable),
    ),
    final={PhaseStatus.HELD: gettext_lazy("%(obj)s was already held.")},
    same=gettext_lazy("The list of %(obj)s is already locked."),
    nowhere=gettext_lazy("Lock the list of %(obj)s before marking it held."),
)


@transaction.atomic
def lock_phase(phase, *, by, override_reason=""):
    """锁定名单 (PHASE_LIFECYCLE): the override and the entries it covered are recorded."""
    phase = Phase.objects.select_for_update().get(pk=phase.pk)
    override_reason = (override_reason or "").strip()
    _move, checked = PHASE_LIFECYCLE.check(phase, PhaseStatus.LOCKED, by=by, override_reason=override_reason)
    failures = checked["failures"]
    with acting(by):
        phase.status = PhaseStatus.LOCKED
        phase.override_reason = override_reason if failures else ""
        phase.save()
        failing = [{"entry": f.entry.pk, "project": str(f.entry.project), "reason": f.reason} for f in failures]
        _event(
            phase,
            PhaseEventType.LOCK_OVERRIDDEN if failures else PhaseEventType.LOCKED,
            by,
            note=phase.override_reason,
            failing=failing,
        )
    return phase


@transaction.atomic
def mark_held(phase, *, by):
    """The event took place: only a locked list, and not before the phase date."""
    phase = Phase.objects.select_for_update().get(pk=phase.pk)
    PHASE_LIFECYCLE.check(phase, PhaseStatus.HELD, by=by)
    with acting(by):
        phase.status = PhaseStatus.HELD
        phase.save()
        _event(phase, PhaseEventType.HELD, by)
    return phase
