"""Import errors in the user's own terms: the file's row, the column's letter and the file's own
heading; a duplicate names the columns that make it one and the other row; a value that is not
recognised says what would be."""

import pytest
from django.utils import translation

from keyprojects.enterprises.models import Enterprise
from keyprojects.projects.importers import ProjectImporter

pytestmark = pytest.mark.django_db


def plan(user, rows):
    with translation.override("en"):
        return ProjectImporter(user).plan(rows)


def errors(result):
    return [(e.row, e.letter, e.column, e.message) for e in result.errors]


def test_an_error_names_the_files_row_letter_and_own_heading(users, regions):
    rows = [
        ["漯河市重点项目台账（2024年9月）"],
        ["序号", "项目\n名称", "县(市、区)", "计划 总投资"],
        [1, "甲", "郾城区", "一个亿"],
    ]
    [(row, letter, heading, _message)] = errors(plan(users["county_a"], rows))
    assert (row, letter, heading) == (3, "D", "计划 总投资")


def test_a_duplicate_names_the_columns_that_collide_and_the_other_row(users, regions):
    rows = [
        ["序号", "项目名称", "所属县区", "总投资"],
        [1, "甲", "郾城区", "5"],
        [2, "乙", "郾城区", "5"],
        [3, "甲", "郾城区", "6"],
    ]
    same = "Same record as row 2: the same 项目名称 (column B) “甲”、所属县区 (column C) “郾城区”."
    assert errors(plan(users["county_a"], rows)) == [(4, "B", "项目名称", same)]


def test_two_headings_for_one_field_are_refused_naming_both(users, regions):
    rows = [["项目名称", "项目单位", "所属县区", "建设单位", "总投资"], ["甲", "漯河企业", "郾城区", "漯河企业", "5"]]
    message = "“建设单位” (column D) and “项目单位” (column B) are both “项目单位”: keep one of them."
    assert errors(plan(users["county_a"], rows)) == [(1, "D", "建设单位", message)]


def test_an_unknown_region_gets_the_nearest_known_names(users, regions):
    rows = [["项目名称", "所属县区", "总投资"], ["甲", "郾成区", "5"]]
    [(_row, letter, _heading, message)] = errors(plan(users["county_a"], rows))
    assert letter == "B" and message == "“郾成区” is not a region of this platform; the nearest: 郾城区."


def test_a_new_builder_close_to_one_in_the_library_names_it(users, regions):
    Enterprise.objects.bulk_create(
        Enterprise(name=f"漯河{n:04d}食品有限公司", credit_code=f"91411100MA4{n:07d}", region=regions["郾城区"])
        for n in range(40)
    )
    Enterprise.objects.create(name="漯河卫龙商贸有限公司", credit_code="91411100MA40000999", region=regions["郾城区"])
    rows = [
        ["项目名称", "所属县区", "项目单位", "总投资"],
        ["甲", "郾城区", "漯河卫龙商贸公司", "5"],
        ["乙", "郾城区", "火星公司", "5"],
    ]
    result = plan(users["county_a"], rows)
    assert result.errors == []
    assert [(w.row, w.letter, w.level, w.message) for w in result.warnings] == [
        (
            2,
            "C",
            "warning",
            "“漯河卫龙商贸公司” is not in the enterprise library: it is added with this file (新建企业). The library "
            "has 漯河卫龙商贸有限公司: if it is one of them, write its name as the library does.",
        ),
        (3, "C", "note", "“火星公司” is not in the enterprise library: it is added with this file (新建企业)."),
    ]


def test_a_choice_that_is_not_recognised_lists_the_choices(users, regions):
    rows = [["项目名称", "所属县区", "领域", "总投资"], ["甲", "郾城区", "工业园", "5"], ["乙", "郾城区", "火箭", "5"]]
    choices = "、".join(
        ["Industry", "Infrastructure", "Modern services", "Agriculture", "Social welfare"]
        + ["Ecology and environment", "Urban construction"]
    )
    assert [m for *_place, m in errors(plan(users["county_a"], rows))] == [
        f"“工业园” is not one of {choices}; the nearest: 工业.",
        f"“火箭” is not one of {choices}.",
    ]
