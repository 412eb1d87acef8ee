"""Working-day calendar (工作日历): which days people work in China, and deadlines counted in
working days.

A day is a working day when it is Monday to Friday, unless the calendar lists it: a statutory
holiday (法定节假日, a day off even on a weekday) or an adjusted working day (调休上班, a
Saturday or Sunday worked in exchange for a longer holiday). Those exceptions are data, in
`CalendarDay`, seeded from the `chinese-calendar` package for every year it knows and entered
by the city administrator for a year it does not know yet (the State Council publishes the
next year's dates each winter). A year counts only once its `CalendarYear` is marked complete:
a deadline over any other year is refused (`CalendarMissing`), never guessed.

Every question reads one `WorkingCalendar`, the whole table held in memory by each process and
read again only when its version stamp (the newest change-log entry of the two tables, one
short index read) has moved, so an administrator's edit counts at once in every process.
Code that asks many questions at once (a list's deadlines) takes `working_calendar()` once and
asks it.

Conventions, used by the problem ledger's 13710 rule (assign within 1 working day, first
progress within 3, a simple problem solved within 7, a complex one within 30):

- `deadline(start, n)`: the start day does not count, whatever its time or kind; the Nth
  working day after it is the last day, due by its end (24:00 Asia/Shanghai). A problem raised
  on Friday 2024-09-27 with 1 working day is due Sunday 2024-09-29 (调休上班); one raised on
  Monday 2024-09-30 is due Tuesday 2024-10-08, after the National Day holiday.
- `working_days_between(a, b)`: the working days after `a` up to and including `b`, so that
  `working_days_between(start, deadline(start, n)) == n`; negative when `b` is before `a`.
"""

import bisect
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .access import Action, Scope, can
from .attention import provider
from .models import BaseModel

Day = datetime.date | datetime.datetime
ONE_DAY = datetime.timedelta(days=1)


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar package")
    ADMIN = "admin", _("entered by an administrator")
    IMPORT = "import", _("imported from a spreadsheet")


class CalendarYear(BaseModel):
    """年度日历: a year of the working-day calendar, and whether all of its holidays and adjusted
    working days are in (only then do deadlines count over it)."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    complete = models.BooleanField(
        _("complete"),
        default=False,
        help_text=_("Tick once every statutory holiday and adjusted working day of the year is entered."),
    )
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.ADMIN)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("For example the State Council notice."))

    scope = Scope(reference=True)  # everyone reads it, the city administrator keeps it

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)


class CalendarDay(BaseModel):
    """节假日与调休: one day that breaks the Monday-to-Friday rule, a statutory holiday (休) or an
    adjusted working day (班), with the holiday it belongs to (国庆节, 春节 …)."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked: people work that day (adjusted working day). Unticked: a day off (statutory holiday)."),
    )
    name = models.CharField(_("holiday"), max_length=100, help_text=_("For example 国庆节 or 春节."))
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.ADMIN)

    scope = Scope(reference=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("holidays and adjusted working days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def kind(self):
        return _("Adjusted working day") if self.is_working else _("Holiday")


class CalendarMissing(ValidationError):
    """A working-day question over a year whose calendar is not complete yet."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar of %(year)s is not set: a city administrator enters its "
                "holidays and adjusted working days first."
            ),
            code="calendar_missing",
            params={"year": year},
        )

    def __str__(self):
        return self.messages[0]


def _as_date(day: Day) -> datetime.date:
    """A date as it is; a time as its day in Asia/Shanghai (an event at 23:30 UTC is the next day)."""
    if isinstance(day, datetime.datetime):
        return timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day


@dataclass(frozen=True)
class WorkingCalendar:
    """The calendar as one process holds it: the exceptions to Monday-to-Friday and the complete
    years. Answers without touching the database."""

    exceptions: dict[datetime.date, bool]  # date -> is a working day
    names: dict[datetime.date, str]
    years: frozenset[int]  # complete years
    version: tuple | None = None
    _sorted: list[datetime.date] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_sorted", sorted(self.exceptions))

    def require(self, first: datetime.date, last: datetime.date | None = None) -> None:
        """Refuse a question over any year from `first` to `last` whose calendar is not complete."""
        for year in range(first.year, (last or first).year + 1):
            if year not in self.years:
                raise CalendarMissing(year)

    def is_working_day(self, day: Day) -> bool:
        """Whether people work on `day`: Monday to Friday unless a holiday, or an adjusted working day."""
        day = _as_date(day)
        self.require(day)
        found = self.exceptions.get(day)
        return found if found is not None else day.weekday() < 5

    def name(self, day: Day) -> str:
        """The holiday a listed day belongs to (国庆节, 春节 …), else ""."""
        return self.names.get(_as_date(day), "")

    def add_working_days(self, day: Day, n: int) -> datetime.date:
        """The working day `n` working days after `day` (not counting `day`); for n = 0, `day`
        itself when it is a working day, else the next working day."""
        if n < 0:
            raise ValueError("n must be 0 or more")
        current = _as_date(day)
        if n == 0:
            while not self.is_working_day(current):
                current += ONE_DAY
            return current
        # A day at a time, the year checked once per year: 30 working days in ~15 µs.
        exceptions, year = self.exceptions, None
        while n:
            current += ONE_DAY
            if current.year != year:
                year = current.year
                self.require(current)
            found = exceptions.get(current)
            if found if found is not None else current.weekday() < 5:
                n -= 1
        return current

    def working_days_between(self, a: Day, b: Day) -> int:
        """The working days after `a` up to and including `b` (negative when `b` is before `a`):
        counted from the weekdays and the listed days between, not day by day."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        if a == b:
            return 0
        self.require(a + datetime.timedelta(days=1), b)
        count = _weekdays_through(b) - _weekdays_through(a)
        for day in self._sorted[bisect.bisect_right(self._sorted, a) : bisect.bisect_right(self._sorted, b)]:
            weekday = day.weekday() < 5
            if self.exceptions[day] and not weekday:
                count += 1
            elif not self.exceptions[day] and weekday:
                count -= 1
        return count

    def deadline(self, start: Day, n: int) -> datetime.date:
        """The last day of "within `n` working days" from `start`: the Nth working day after the
        start day, due by its end (the start day never counts, nor its time of day)."""
        if n < 1:
            raise ValueError("a deadline is at least 1 working day")
        return self.add_working_days(start, n)


def _weekdays_through(day: datetime.date) -> int:
    """How many Mondays to Fridays there are from a fixed Monday up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)  # 0001-01-01, ordinal 1, is a Monday
    return weeks * 5 + min(rest, 5)


_loaded: WorkingCalendar | None = None


def calendar_version() -> tuple | None:
    """The newest change-log entry of each calendar table: moves with every write to them."""
    from .figures import models_version

    return models_version(CalendarDay, CalendarYear)


def working_calendar() -> WorkingCalendar:
    """The calendar, read from the database only when it has changed since this process last read it."""
    global _loaded
    version = calendar_version()
    if _loaded is None or version is None or _loaded.version != version:
        _loaded = load_calendar(version)
    return _loaded


def load_calendar(version: tuple | None = None) -> WorkingCalendar:
    days = CalendarDay.objects.filter(archived_at__isnull=True).values_list("date", "is_working", "name")
    years = CalendarYear.objects.filter(archived_at__isnull=True, complete=True).values_list("year", flat=True)
    exceptions, names = {}, {}
    for date, is_working, name in days:
        exceptions[date], names[date] = is_working, name
    return WorkingCalendar(exceptions=exceptions, names=names, years=frozenset(years), version=version)


def is_working_day(day: Day) -> bool:
    """Whether people work on `day` (see WorkingCalendar.is_working_day)."""
    return working_calendar().is_working_day(day)


def add_working_days(day: Day, n: int) -> datetime.date:
    """The working day `n` working days after `day` (see WorkingCalendar.add_working_days)."""
    return working_calendar().add_working_days(day, n)


def working_days_between(a: Day, b: Day) -> int:
    """The working days after `a` up to and including `b` (see WorkingCalendar.working_days_between)."""
    return working_calendar().working_days_between(a, b)


def deadline(start: Day, n: int) -> datetime.date:
    """The last day of "within `n` working days" from `start` (see WorkingCalendar.deadline)."""
    return working_calendar().deadline(start, n)


# The State Council publishes next year's holidays between late October and December: from
# this day on, a missing next year is worth the city administrator's attention.
NEXT_YEAR_DUE = (11, 1)


def missing_years(today: datetime.date | None = None) -> list[int]:
    """The years whose calendar should be there by `today` and is not complete: this year, and
    from November next year too."""
    today = today or timezone.localdate()
    wanted = [today.year] + ([today.year + 1] if (today.month, today.day) >= NEXT_YEAR_DUE else [])
    known = working_calendar().years
    return [year for year in wanted if year not in known]


@provider
def calendar_attention(request) -> list[dict]:
    """The city administrator sees that this year's or next year's calendar is missing while
    there is time to enter it."""
    if not can(request.user, Action.ADD, CalendarYear):
        return []
    this_year, missing = timezone.localdate().year, missing_years()
    # the year's own page once it is begun (its days, the import, 已完整), else a new year
    begun = {y.year: y.get_absolute_url() for y in CalendarYear.objects.filter(year__in=missing)} if missing else {}
    add = reverse("core:calendaryear_add")
    return [
        {
            "label": gettext("The working-day calendar of %(year)s is missing: enter its holidays and working days")
            % {"year": year},
            "count": None,
            "level": "danger" if year == this_year else "warning",
            "url": begun.get(year) or f"{add}?year={year}",
        }
        for year in missing
    ]


# --- seeding from the package ------------------------------------------------------------


def package_days() -> dict[int, list[tuple[datetime.date, bool, str]]]:
    """The package's holidays and adjusted working days by year, with the holiday's Chinese name."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    years: dict[int, list] = {}
    for days, is_working in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for date, english in days.items():
            years.setdefault(date.year, []).append((date, is_working, chinese.get(english, english)))
    return years


def seed_calendar(using: str = "default") -> list[int]:
    """The package's years the database does not have yet, each written whole and marked
    complete. A year already there (seeded before, or entered by hand) is left as it is, so an
    administrator's correction survives; a newer package adds its new years at the next migrate."""
    from django.db import transaction

    from .context import acting

    known = set(CalendarYear.objects.using(using).values_list("year", flat=True))
    added = []
    with transaction.atomic(using=using), acting(None, "seed_calendar"):
        for year, days in sorted(package_days().items()):
            if year in known:
                continue
            taken = set(CalendarDay.objects.using(using).filter(date__year=year).values_list("date", flat=True))
            CalendarDay.objects.using(using).bulk_create(
                CalendarDay(date=date, is_working=is_working, name=name, source=CalendarSource.PACKAGE)
                for date, is_working, name in sorted(days)
                if date not in taken
            )
            CalendarYear.objects.using(using).create(year=year, complete=True, source=CalendarSource.PACKAGE)
            added.append(year)
    return added


def seed_after_migrate(sender, using="default", plan=None, **kwargs):
    """post_migrate: every database, the test database included, has the package's years."""
    from django.db import connections

    tables = connections[using].introspection.table_names()
    if CalendarYear._meta.db_table in tables and CalendarDay._meta.db_table in tables:
        seed_calendar(using)
