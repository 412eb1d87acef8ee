"""Demo campaign: the thirteen phases Luohe held from 2021-07 to 2024-09, listing exactly the seed's
353 签约一批 + 296 开工一批 + 117 投产一批 entries (766, "滚动实施") over the demo projects, with every
one of the 523 projects now at capacity ("已建成达效") among the projects listed.

Coherent with the project library's dates, never changing them: an entry goes into the phase that
follows the day its project reached the batch's stage (the candidate rule of
`services.propose_candidates`: the first phase takes everything reached before it), so every entry
passes `readiness` and each phase is locked without override and marked held. A 投产一批 entry is
always a project listed earlier in a 开工一批 ("由上期开工项目转化生成"); many projects roll from
a 签约一批 to a later 开工一批, some through all three.

Why the shares below: 766 entries with 523 projects at capacity leave room for few projects that
are not at capacity yet, and every listed project costs at least one of the 353 + 296 签约/开工
entries (a 投产一批 entry always follows a 开工一批 one). The numbers of rolling, three-batch and
not-yet-at-capacity projects are chosen here; the rest follows from the seed's totals.

Deterministic (one seeded random, projects in code order) and idempotent (nothing is written when
a phase exists).
"""

import random
from bisect import bisect_left
from datetime import date

from django.db import transaction

from keyprojects.core.context import acting
from keyprojects.projects.choices import Stage
from keyprojects.projects.demo import KNOWN
from keyprojects.projects.models import Project

from . import services
from .choices import Batch
from .models import Phase, chinese_number

SEED = 4112
TARGET = {Batch.SIGN: 353, Batch.START: 296, Batch.PRODUCE: 117}
AT_CAPACITY = 523
# Phase dates (the day of the event) and main venues; the stand-out projects the article names
# started on these days (金大地 on 2021-09-26, 双汇 on 2022-09-28, 正大 on 2024-09-27 …).
PHASES = [
    ("2021-07-29", "舞阳县金大地联碱绿色转型升级项目现场"),
    ("2021-09-28", "漯河经济技术开发区中原食品实验室项目现场"),
    ("2021-12-29", "城乡一体化示范区微康微生态产业园项目现场"),
    ("2022-03-29", "临颍县江苏铜基新材料项目现场"),
    ("2022-06-29", "漯河经济技术开发区卫龙三期产业园项目现场"),
    ("2022-09-29", "源汇区双汇第三工业园全产业链项目现场"),
    ("2022-12-28", "郾城区正大现代食品全产业链项目现场"),
    ("2023-03-29", "舞阳县金海氟硅新材料产业园项目现场"),
    ("2023-06-30", "召陵区平漯周高速铁路漯河段项目现场"),
    ("2023-09-27", "舞阳县金海氟硅新材料产业园项目现场"),
    ("2023-12-29", "漯河经济技术开发区中原未来食品科技城项目现场"),
    ("2024-04-26", "临颍县中粮粮谷面粉全产业链项目现场"),
    ("2024-09-27", "漯河经济技术开发区正大(漯河)超级食品工厂项目现场"),
]
# Chosen shares (see the module docstring): 投产一批 entries whose project is not at capacity yet,
# three-batch projects, and the projects not at capacity listed only to sign / only to start / both.
PRODUCE_NOT_AT_CAPACITY = 30
THREE_BATCHES = 15
# Projects signed at a later phase and not started yet: what makes the recent phases' 开工率 fall.
STALLED_SIGN = 32  # signed at a recent phase, still only signed: every one the library has, up to this
EXTRA_SIGN, EXTRA_START, EXTRA_ROLLING = 4, 3, 2
DATES = {Batch.SIGN: "actual_sign_date", Batch.START: "actual_start_date", Batch.PRODUCE: "actual_production_date"}


def phase_dates():
    return [date.fromisoformat(day) for day, _venue in PHASES]


def phase_of(day, dates):
    """Index of the first phase on or after `day` (None when after the last one)."""
    if day is None:
        return None
    i = bisect_left(dates, day)
    return i if i < len(dates) else None


class Planner:
    """Which project goes into which batch of which phase, before anything is written."""

    def __init__(self, projects, dates):
        self.dates = dates
        self.rng = random.Random(SEED)
        self.projects = projects
        self.at = {}  # project pk -> {batch: phase index} the project may be listed in
        for p in projects:
            s, t, made = (phase_of(getattr(p, DATES[b]), dates) for b in Batch)
            eligible = {}
            if s is not None:
                eligible[Batch.SIGN] = s
            if t is not None:
                eligible[Batch.START] = t
                if made is not None and max(made, t + 1) < len(dates):
                    eligible[Batch.PRODUCE] = max(made, t + 1)  # after its 开工一批, once producing
            self.at[p.pk] = eligible
        self.chosen = {}  # project pk -> set of batches

    def count(self, batch):
        return sum(batch in batches for batches in self.chosen.values())

    def can(self, p, *batches):
        return p.pk not in self.chosen and all(b in self.at[p.pk] for b in batches)

    def rolls(self, p):
        at = self.at[p.pk]
        return Batch.SIGN in at and Batch.START in at and at[Batch.SIGN] < at[Batch.START]

    def take(self, pool, n, *batches, rolling=False, at_most=False):
        """List `n` projects of `pool` in `batches` (`at_most`: as many as there are, up to `n`, for
        the chosen shares; the totals' own steps need all `n`)."""
        pool = [p for p in pool if self.can(p, *batches) and (not rolling or self.rolls(p))]
        if at_most:
            n = min(n, len(pool))
        if len(pool) < n:
            raise RuntimeError(f"Demo campaign: {len(pool)} projects for {batches}, {n} needed.")
        for p in self.rng.sample(pool, n):
            self.chosen[p.pk] = set(batches)

    def plan(self):
        capacity = [p for p in self.projects if p.stage == Stage.AT_CAPACITY]
        others = [p for p in self.projects if p.stage != Stage.AT_CAPACITY]
        if len(capacity) != AT_CAPACITY:
            raise RuntimeError(f"Demo campaign: {len(capacity)} projects at capacity, {AT_CAPACITY} expected.")
        known = {row[0] for row in KNOWN}
        for p in self.projects:  # the article's projects: every batch they can be in
            if p.name in known and self.at[p.pk]:
                batches = set(self.at[p.pk])
                if Batch.START in batches and not self.rolls(p):
                    batches.discard(Batch.SIGN)  # signed and started between the same two phases
                self.chosen[p.pk] = batches
        produce = [Batch.START, Batch.PRODUCE]
        missing = PRODUCE_NOT_AT_CAPACITY - sum(Batch.PRODUCE in self.chosen.get(p.pk, ()) for p in others)
        self.take(others, max(0, missing), *produce, at_most=True)
        # Put into production after the first phase: a 投产一批 announces recent production.
        recent = [p for p in capacity if p.actual_production_date and p.actual_production_date > self.dates[0]]
        self.take(recent, TARGET[Batch.PRODUCE] - self.count(Batch.PRODUCE), *produce)
        three = [p for p in self.projects if self.chosen.get(p.pk) == set(produce) and self.rolls(p)]
        for p in self.rng.sample(three, max(0, THREE_BATCHES - sum(len(b) == 3 for b in self.chosen.values()))):
            self.chosen[p.pk].add(Batch.SIGN)
        self.take(others, EXTRA_ROLLING, Batch.SIGN, Batch.START, rolling=True, at_most=True)
        self.take([p for p in others if p.stage == Stage.SIGNED], STALLED_SIGN, Batch.SIGN, at_most=True)
        self.take(others, EXTRA_SIGN, Batch.SIGN, at_most=True)
        self.take(others, EXTRA_START, Batch.START, at_most=True)
        # Every project at capacity is listed: those left sign only, start only or roll from one
        # to the other, in the numbers that make the totals exact.
        left = [p for p in capacity if p.pk not in self.chosen]
        sign, start = TARGET[Batch.SIGN] - self.count(Batch.SIGN), TARGET[Batch.START] - self.count(Batch.START)
        rolling = sign + start - len(left)
        if min(rolling, sign - rolling, start - rolling) < 0:
            raise RuntimeError(f"Demo campaign: cannot reach the totals ({len(left)} left, {sign} + {start}).")
        self.take(left, rolling, Batch.SIGN, Batch.START, rolling=True)
        self.take(left, start - rolling, Batch.START)
        self.take(left, sign - rolling, Batch.SIGN)
        entries = [(self.at[pk][b], b, pk) for pk, batches in self.chosen.items() for b in batches]
        return sorted(entries, key=lambda e: (e[0], list(Batch).index(e[1]), e[2]))


def seed_campaign(stdout=None):
    """The thirteen held phases and their 766 entries over the demo projects."""
    if Phase.objects.exists():
        if stdout:
            stdout.write(f"Demo campaign: phases already there, nothing created ({Phase.objects.count()} in all).")
        return {}
    dates = phase_dates()
    projects = list(
        Project.objects.filter(archived_at__isnull=True)
        .exclude(stage=Stage.TERMINATED)
        .exclude(actual_sign_date__isnull=True)
        .order_by("code", "pk")
    )
    if not projects:
        if stdout:
            stdout.write("Demo campaign: no demo projects, nothing created.")
        return {}
    entries = Planner(projects, dates).plan()
    by = None  # the system, as for every other seed step (the change log says "system", "seed_demo")
    by_pk = {p.pk: p for p in projects}
    with acting(by, "seed_demo"), transaction.atomic():
        phases = []
        for number, (day, venue) in enumerate(PHASES, 1):
            phase = Phase(
                number=number,
                date=date.fromisoformat(day),
                title=f"漯河市第{chinese_number(number)}期“三个一批”项目建设活动",
                venue=venue,
            )
            phase.full_clean()
            phase.save()
            phases.append(phase)
        for index, batch, pk in entries:
            services.add_entry(phases[index], by_pk[pk], batch, by=by, history=True, event=False)
        for phase in phases:
            services.lock_phase(phase, by=by)
            services.mark_held(phase, by=by)
    counts = {batch.value: sum(1 for e in entries if e[1] == batch) for batch in Batch}
    if stdout:
        stdout.write(
            f"Demo campaign: {len(phases)} phases, {len(entries)} entries "
            + ", ".join(f"{n} {name}" for name, n in counts.items())
            + f", {len({e[2] for e in entries})} projects."
        )
    return {"phases": len(phases), "entries": len(entries), **counts}
