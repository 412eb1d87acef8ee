"""The working-day calendar over 2024–2026 as the State Council set it (seeded from the
chinese-calendar package), the city administrator's year for a year the package does not
know, and the deadlines the problem ledger's 13710 rule counts."""

import datetime
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from keyprojects.core import calendar
from keyprojects.core.calendar import (
    CalendarDay,
    CalendarMissing,
    CalendarSource,
    CalendarYear,
    add_working_days,
    deadline,
    is_working_day,
    working_calendar,
    working_days_between,
)
from keyprojects.core.models import ObjectChange
from keyprojects.core.testing.cases import assert_matrix, read_xlsx, upload, xlsx_bytes
from keyprojects.core.testing.pages import in_language

pytestmark = pytest.mark.django_db


def days(start, end):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


# --- the package's years, seeded without a manual step --------------------------------------


def test_every_year_the_package_knows_is_seeded_complete():
    import chinese_calendar

    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    seeded = CalendarYear.objects.filter(complete=True, source=CalendarSource.PACKAGE)
    years = set(seeded.values_list("year", flat=True))
    assert years == set(range(first, last + 1)) and {2024, 2025, 2026} <= years
    assert CalendarDay.objects.get(date=date(2024, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=date(2025, 1, 26)).name == "春节"  # the 调休 Sunday belongs to 春节


def test_seeding_again_adds_nothing_and_keeps_an_administrators_correction():
    CalendarDay.objects.filter(date=date(2024, 10, 12)).update(name="国庆节（已核对）", source=CalendarSource.ADMIN)
    before = (CalendarDay.objects.count(), CalendarYear.objects.count(), ObjectChange.objects.count())
    assert calendar.seed_calendar() == []
    assert (CalendarDay.objects.count(), CalendarYear.objects.count(), ObjectChange.objects.count()) == before
    assert CalendarDay.objects.get(date=date(2024, 10, 12)).name == "国庆节（已核对）"


def test_a_newer_package_year_is_added_at_the_next_migrate():
    """A year the database lacks (as after upgrading the package) is written whole, and logged."""
    CalendarYear.objects.filter(year=2026).update(year=1999)  # as if 2026 were not there yet
    CalendarDay.objects.filter(date__year=2026).update(name="旧")
    assert calendar.seed_calendar() == [2026]
    assert CalendarYear.objects.get(year=2026).complete
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).name == "旧"  # rows already there are kept as they are
    assert ObjectChange.objects.filter(object_repr="2026", action="create").exists()


# --- the rules over 2024–2026 ---------------------------------------------------------------


def test_national_day_2024_is_seven_days_off_with_two_weekend_days_worked():
    assert not any(is_working_day(date(2024, 10, d)) for d in range(1, 8))
    assert is_working_day(date(2024, 9, 29))  # Sunday, 调休上班
    assert is_working_day(date(2024, 10, 12))  # Saturday, 调休上班
    assert not is_working_day(date(2024, 9, 28))  # an ordinary Saturday
    assert is_working_day(date(2024, 9, 30)) and is_working_day(date(2024, 10, 8))


def test_deadlines_around_national_day_2024():
    # Raised on Friday: the first working day after it is the Sunday worked in exchange.
    assert deadline(date(2024, 9, 27), 1) == date(2024, 9, 29)
    # Raised on the last day before the holiday: due the first day after it.
    assert deadline(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert deadline(date(2024, 9, 30), 3) == date(2024, 10, 10)
    assert deadline(date(2024, 9, 30), 5) == date(2024, 10, 12)  # the 调休 Saturday counts
    assert deadline(date(2024, 10, 3), 1) == date(2024, 10, 8)  # raised during the holiday
    assert working_days_between(date(2024, 9, 30), date(2024, 10, 8)) == 1
    assert working_days_between(date(2024, 10, 7), date(2024, 10, 13)) == 5  # Tue–Sat, Saturday worked


def test_spring_festival_2025():
    assert not any(is_working_day(d) for d in days(date(2025, 1, 28), date(2025, 2, 4)))
    assert is_working_day(date(2025, 1, 26)) and is_working_day(date(2025, 2, 8))  # Sunday and Saturday worked
    assert deadline(date(2025, 1, 24), 3) == date(2025, 2, 5)  # Sun 26, Mon 27, then Wed 5 Feb
    assert deadline(date(2025, 1, 24), 7) == date(2025, 2, 10)  # … Thu 6, Fri 7, Sat 8 (worked), Mon 10


def test_spring_festival_2026():
    assert not any(is_working_day(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))  # two Saturdays worked
    assert deadline(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert deadline(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28


def test_deadlines_cross_the_year_boundary():
    assert deadline(date(2024, 12, 31), 1) == date(2025, 1, 2)  # New Year's Day off
    assert deadline(date(2025, 12, 31), 1) == date(2026, 1, 4)  # Jan 1–3 off, Sunday the 4th worked
    assert working_days_between(date(2024, 12, 27), date(2025, 1, 3)) == 4  # Dec 30, 31, Jan 2, 3
    assert working_days_between(date(2025, 1, 3), date(2024, 12, 27)) == -4


def test_add_working_days_zero_is_the_day_or_the_next_working_one():
    assert add_working_days(date(2024, 9, 30), 0) == date(2024, 9, 30)
    assert add_working_days(date(2024, 10, 1), 0) == date(2024, 10, 8)
    with pytest.raises(ValueError):
        add_working_days(date(2024, 10, 1), -1)
    with pytest.raises(ValueError):
        deadline(date(2024, 10, 1), 0)


def test_a_time_counts_as_its_day_in_shanghai():
    late_evening = timezone.make_aware(datetime.datetime(2024, 9, 27, 23, 30))  # Friday night in Shanghai
    assert deadline(late_evening, 1) == date(2024, 9, 29)
    in_utc = datetime.datetime(2024, 9, 29, 16, 30, tzinfo=datetime.UTC)  # Monday 00:30 in Shanghai
    assert deadline(in_utc, 1) == date(2024, 10, 8)


def test_counting_agrees_with_the_days_one_by_one_over_three_years():
    """working_days_between counts from weekdays and the listed days; a day-by-day count agrees,
    and it is the inverse of deadline() for the 13710 rule's 1, 3, 7 and 30 working days."""
    cal = working_calendar()
    working = [d for d in days(date(2024, 1, 1), date(2026, 12, 31)) if cal.is_working_day(d)]
    for start in days(date(2024, 1, 1), date(2026, 9, 30)):
        for n in (1, 3, 7, 30):
            due = cal.deadline(start, n)
            assert cal.working_days_between(start, due) == n
            assert sum(1 for d in working if start < d <= due) == n
    assert cal.working_days_between(date(2023, 12, 31), date(2024, 12, 31)) == len(
        [d for d in working if d.year == 2024]
    )


# --- a year with no calendar ----------------------------------------------------------------


def test_a_deadline_over_a_year_without_a_calendar_is_refused_naming_the_year():
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(CalendarMissing) as refused:
        deadline(date(2026, 12, 20), 30)
    assert refused.value.year == 2027 and refused.value.code == "calendar_missing"
    assert str(refused.value) == "2027 年的工作日历尚未设置：请市级管理员先录入该年的法定节假日和调休上班日。"
    with translation.override("en"):
        assert "2027" in str(refused.value) and "working-day calendar" in str(refused.value)
    with pytest.raises(CalendarMissing):
        is_working_day(date(2027, 1, 4))
    with pytest.raises(CalendarMissing):
        working_days_between(date(2026, 12, 1), date(2027, 1, 8))
    assert deadline(date(2026, 12, 1), 3) == date(2026, 12, 4)  # within a known year, fine


def test_an_incomplete_year_is_refused_too():
    CalendarYear.objects.filter(year=2026).update(complete=False)
    with pytest.raises(CalendarMissing):
        deadline(date(2026, 3, 2), 1)


# --- the cache -------------------------------------------------------------------------------


def test_the_calendar_is_read_once_and_a_warm_deadline_costs_one_short_query():
    working_calendar()
    with CaptureQueriesContext(connection) as queries:
        assert deadline(date(2025, 1, 24), 30) == date(2025, 3, 13)
        assert working_days_between(date(2024, 1, 1), date(2026, 12, 31)) > 700
    assert len(queries) == 2  # the version stamp, once per call; never a query per day


def test_an_administrators_edit_counts_at_once(client_for):
    assert is_working_day(date(2024, 10, 12))
    day = CalendarDay.objects.get(date=date(2024, 10, 12))
    client = client_for("city_admin")
    form = client.get(f"/core/calendar/days/{day.pk}/edit/").context["form"]
    data = {"date": "2024-10-12", "name": "国庆节", "loaded_version": form.initial["loaded_version"]}  # unticked
    assert client.post(f"/core/calendar/days/{day.pk}/edit/", data).status_code == 302
    assert not is_working_day(date(2024, 10, 12))
    assert deadline(date(2024, 9, 30), 5) == date(2024, 10, 14)
    day.refresh_from_db()
    assert day.source == CalendarSource.ADMIN
    # A write by any other path (another process, a bulk update) moves the version stamp too.
    CalendarDay.objects.filter(pk=day.pk).update(is_working=True)
    assert is_working_day(date(2024, 10, 12))


# --- the city administrator's pages -----------------------------------------------------------

ROLES = ["city_admin", "county_a", "department", "leader", "enterprise", "auditor", "anonymous"]
MATRIX = {
    "year list": [200, 200, 200, 200, 200, 200, 302],
    "day list shows National Day": [True, True, True, True, True, True, False],
    "day detail": [200, 200, 200, 200, 200, 200, 302],
    "day edit page": [200, 403, 403, 403, 403, 403, 302],
    "year add page": [200, 403, 403, 403, 403, 403, 302],
    "day import page": [200, 403, 403, 403, 403, 403, 302],
}


def test_everyone_reads_the_calendar_and_only_the_city_admin_changes_it(client_for):
    national_day = CalendarDay.objects.get(date=date(2024, 10, 1))

    def check(row, role):
        client = client_for(role)
        match row:
            case "year list":
                return client.get("/core/calendar/years/").status_code
            case "day list shows National Day":
                response = client.get("/core/calendar/days/?year=2024")
                return response.status_code == 200 and national_day.pk in {r.pk for r in response.context["table"].data}
            case "day detail":
                return client.get(f"/core/calendar/days/{national_day.pk}/").status_code
            case "day edit page":
                return client.get(f"/core/calendar/days/{national_day.pk}/edit/").status_code
            case "year add page":
                return client.get("/core/calendar/years/add/").status_code
            case "day import page":
                return client.get("/core/calendar/days/import/").status_code

    assert_matrix(MATRIX, ROLES, check)


def test_a_county_user_cannot_add_a_holiday_by_posting_the_form(client_for):
    response = client_for("county_a").post("/core/calendar/days/add/", {"date": "2026-12-21", "name": "自定假日"})
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=date(2026, 12, 21)).exists()


def test_a_year_cannot_be_marked_complete_before_its_holidays_are_in(client_for):
    client = client_for("city_admin")
    response = client.post("/core/calendar/years/add/", {"year": "2027", "complete": "on"})
    assert response.status_code == 400
    assert "2027 年尚未录入法定节假日" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


IMPORT = "/core/calendar/days/import/"
YEAR_2027 = [  # a made-up 2027 for the test: the State Council had not published it
    ["日期", "班/休", "节日"],
    ["2027-01-01", "休", "元旦"],
    ["2027-02-05", "休", "春节"],
    ["2027-02-06", "休", "春节"],
    ["2027-02-07", "休", "春节"],
    ["2027-02-08", "休", "春节"],
    ["2027-02-09", "休", "春节"],
    ["2027-02-10", "休", "春节"],
    ["2027-02-11", "休", "春节"],
    ["2027-02-20", "班", "春节"],
]


def test_the_city_admin_imports_next_year_and_marks_it_complete(client_for, users, run_jobs):
    client = client_for("city_admin")
    broken = [list(r) for r in YEAR_2027]
    broken[3][1] = "放半天"
    with run_jobs():
        response = client.post(IMPORT, {"file": upload("2027.xlsx", xlsx_bytes(broken, "2027年"))})
    job = client.get(response.url).context["job"]
    assert job.result["error_count"] == 1
    error = job.result["errors"][0]
    assert (error["row"], error["column"]) == (5, "班/休") and "放半天" in error["message"]  # the file's heading
    assert not CalendarDay.objects.filter(date__year=2027).exists()

    with run_jobs():
        response = client.post(IMPORT, {"file": upload("2027.xlsx", xlsx_bytes(YEAR_2027, "2027年"))})
    with run_jobs():
        response = client.post(response.url)  # confirm the preview
    assert client.get(response.url).context["job"].result["committed"] is True
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("source", flat=True)) == {CalendarSource.IMPORT}
    assert CalendarDay.objects.get(date=date(2027, 2, 20)).is_working

    with pytest.raises(CalendarMissing):  # entered, not yet marked complete
        deadline(date(2027, 2, 4), 1)
    response = client.post("/core/calendar/years/add/", {"year": "2027", "complete": "on", "note": "国办发明电"})
    assert response.status_code == 302
    assert deadline(date(2027, 2, 4), 1) == date(2027, 2, 12)
    assert deadline(date(2027, 2, 19), 1) == date(2027, 2, 20)  # the Saturday worked
    year = CalendarYear.objects.get(year=2027)
    assert ObjectChange.for_object(year).get().user == users["city_admin"]
    detail = client.get(f"/core/calendar/years/{year.pk}/").content.decode()
    assert detail.count("<tr>") >= 10 and "春节" in detail

    # The year's export is a file the import takes back: 是/否 under 是否上班.
    exported = read_xlsx(client.get("/core/calendar/days/?year=2027&export=xlsx"))
    assert exported[0] == ["日期", "是否上班", "节日"] and ["2027-02-20", "是", "春节"] in [
        [str(v)[:10] if i == 0 else v for i, v in enumerate(row)] for row in exported
    ]


# --- the home page ------------------------------------------------------------------------------


def test_next_year_is_wanted_from_november_and_this_year_always():
    CalendarYear.objects.filter(year=2027).update(complete=False)  # were a newer package to know it
    assert calendar.missing_years(date(2026, 10, 31)) == []
    assert calendar.missing_years(date(2026, 11, 1)) == [2027]
    assert calendar.missing_years(date(2026, 12, 4)) == [2027]
    CalendarYear.objects.filter(year=2026).update(complete=False)
    assert calendar.missing_years(date(2026, 3, 1)) == [2026]


def test_the_home_page_warns_the_city_admin_while_a_calendar_is_missing(client_for):
    this_year = timezone.localdate().year
    CalendarYear.objects.filter(year=this_year).update(year=1999)  # as if the package did not reach this year
    warning = f"{this_year} 年的工作日历尚未设置"
    page = client_for("city_admin").get("/").content.decode()
    assert warning in page and f"/core/calendar/years/add/?year={this_year}" in page
    assert warning not in client_for("county_a").get("/").content.decode()
    assert warning not in client_for("auditor").get("/").content.decode()
    page = in_language(client_for("city_admin")).get("/").content.decode()
    assert f"The working-day calendar of {this_year} is missing" in page

    begun = CalendarYear.objects.create(year=this_year)  # begun, not complete: the link opens it
    page = client_for("city_admin").get("/").content.decode()
    assert warning in page and f'href="{begun.get_absolute_url()}"' in page

    CalendarYear.objects.update_or_create(year=this_year, defaults={"complete": True})
    assert warning not in client_for("city_admin").get("/").content.decode()
