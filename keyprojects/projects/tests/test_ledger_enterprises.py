"""New enterprises from the ledger: a builder the enterprise library does not have is shown as
新建企业 and added with the rows, matched by credit code else by its name as people write it
(traditional characters, full-width brackets, 有限责任公司), and never added twice."""

import pytest
from django.utils import translation

from keyprojects.enterprises.models import Enterprise
from keyprojects.projects.importers import ProjectImporter
from keyprojects.projects.models import Project

pytestmark = pytest.mark.django_db

HEADER = ["项目名称", "所属县区", "总投资", "建设单位", "统一社会信用代码"]
CODE = "91411100MA44A0Q68Y"  # a valid code no enterprise holds yet


def plan(user, rows):
    with translation.override("en"):
        importer = ProjectImporter(user)
        return importer, importer.plan(rows)


def said(result):
    return [(w.row, w.letter, w.level, w.message) for w in result.errors + result.warnings]


def test_a_new_builder_is_added_once_and_found_again_on_the_next_import(users, regions):
    county = users["county_a"]
    rows = [
        HEADER,
        ["卫龙一期", "郾城区", "5", "漯河市卫龙食品有限公司", ""],
        ["卫龙二期", "郾城区", "5", "漯河市衛龍食品有限責任公司", ""],  # the same builder, as a mirrored page writes it
        ["卫龙三期", "郾城区", "5", " 漯河市卫龙食品有限公司 ", ""],
    ]
    importer, result = plan(county, rows)
    assert result.errors == [] and len(result.creates) == 3
    assert [w.level for w in result.warnings] == ["note"] * 3
    assert result.warnings[0].message == (
        "“漯河市卫龙食品有限公司” is not in the enterprise library: it is added with this file (新建企业)."
    )
    with translation.override("en"):
        assert result.summary()["also"] == [
            "1 new enterprise (新建企业) is added to the enterprise library: 漯河市卫龙食品有限公司."
        ]
    importer.commit(result)
    [enterprise] = Enterprise.objects.all()
    assert (enterprise.name, enterprise.credit_code, enterprise.region) == (
        "漯河市卫龙食品有限公司",
        None,
        regions["郾城区"],
    )
    assert set(Project.objects.values_list("owner", flat=True)) == {enterprise.pk}

    importer, result = plan(county, rows)  # the same ledger again
    assert result.errors == result.warnings == [] and result.unchanged == 3 and result.also == []
    importer.commit(result)
    assert Enterprise.objects.count() == 1


def test_a_builder_is_matched_by_its_credit_code_before_its_name(users, regions):
    held = Enterprise.objects.create(name="漯河双汇实业集团有限责任公司", credit_code=CODE, region=regions["郾城区"])
    rows = [
        HEADER,
        ["双汇项目", "郾城区", "5", "双汇集团", CODE.lower()],
        ["新厂", "郾城区", "5", "漯河新厂有限公司", "91411100MA44A0Q6XX"],  # a wrong check character
        ["无名", "郾城区", "5", "", "91411100MA9KD7RL33"],
    ]
    _importer, result = plan(users["county_a"], rows)
    found = said(result)
    assert found[0][:3] == (3, "E", "error") and "check character" in found[0][3]
    assert found[1] == (4, "D", "error", "The credit code is new: give the builder's name too.")
    assert found[2] == (
        2,
        "D",
        "note",
        "“双汇集团” is read as “漯河双汇实业集团有限责任公司”, which has this credit code.",
    )
    assert result.creates[0].cleaned_data["owner"] == held


def test_a_builder_another_county_registered_is_said_to_be_there_not_added_again(users, regions):
    Enterprise.objects.create(name="舞阳盐化有限公司", credit_code=CODE, region=regions["舞阳县"])
    _importer, result = plan(users["county_a"], [HEADER, ["盐化项目", "郾城区", "5", "舞阳盐化有限责任公司", ""]])
    assert said(result) == [
        (2, "D", "error", "“舞阳盐化有限责任公司” is in the enterprise library of 舞阳县, outside your scope.")
    ]
