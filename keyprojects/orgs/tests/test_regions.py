"""Every county of China, and the deployment's own root region: ledger rows name regions the way
cities write them (aliases administrators keep, 漯河市郾城区, 市本级, a blank cell for the city
itself); a place outside the platform is refused saying where it is; another city deploys by
setting ROOT_REGION and running `manage.py load_regions`."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from keyprojects.core.access import Role
from keyprojects.orgs.divisions import DIVISIONS_DATE, by_name, division, divisions
from keyprojects.orgs.models import Membership, Region, RegionAlias, User
from keyprojects.projects.importers import ProjectImporter
from keyprojects.projects.models import Project

pytestmark = pytest.mark.django_db

HEADER = ["项目名称", "所属县区", "总投资"]


def regions_of(user, *names, language="en"):
    """The region each row's cell resolves to, or the error the preview gives for it."""
    rows = [HEADER, *([f"项目{n}", name, "5"] for n, name in enumerate(names))]
    with translation.override(language):
        plan = ProjectImporter(user).plan(rows)
    errors = {e.row: e.message for e in plan.errors}
    created = iter(plan.creates)
    return [errors[n + 2] if n + 2 in errors else next(created).cleaned_data["region"].name for n in range(len(names))]


def test_the_national_table_has_every_county_with_its_date():
    assert DIVISIONS_DATE.isoformat() == "2025-12-31"
    assert len(divisions()) > 3000
    wugang = by_name()["舞钢市"][0]
    assert (wugang.code, wugang.parent.name, wugang.parent.parent.name) == ("410481", "平顶山市", "河南省")
    henan = [d.name for d in division("410000").children() if d.level == "city"]
    assert len(henan) == 17 and "漯河市" in henan


def test_a_place_outside_the_platform_is_refused_saying_where_it_is(users):
    cells = ["舞钢市", "平顶山市舞钢市", "河南省平顶山市舞钢市", "郑州市", "叶县"]
    assert regions_of(users["city_admin"], *cells, language="zh-hans") == [
        "舞钢市属于平顶山市，不在本平台范围内",
        "舞钢市属于平顶山市，不在本平台范围内",
        "舞钢市属于平顶山市，不在本平台范围内",
        "郑州市属于河南省，不在本平台范围内",
        "叶县属于平顶山市，不在本平台范围内",
    ]
    assert regions_of(users["city_admin"], "舞钢市") == ["舞钢市 is in 平顶山市, outside this platform's area."]


def test_the_ways_ledgers_name_luohes_regions_are_recognised(users):
    cells = [
        "市城乡一体化示范区",
        "漯河经开区",
        "经济技术开发区",
        "西城区",
        "漯河市郾城区",
        "河南省漯河市临颍县",
        "郾城",
        "市本级",
    ]
    assert regions_of(users["city_admin"], *cells) == [
        "城乡一体化示范区（西城区）",
        "漯河经济技术开发区",
        "漯河经济技术开发区",
        "城乡一体化示范区（西城区）",
        "郾城区",
        "临颍县",
        "郾城区",
        "漯河市",
    ]


def test_an_unknown_name_gets_the_nearest_regions(users):
    assert regions_of(users["city_admin"], "郾成区", "火星区") == [
        "“郾成区” is not a region of this platform; the nearest: 郾城区.",
        "“火星区” is not a region of this platform, which has 漯河市、源汇区、郾城区、召陵区、舞阳县、临颍县、"
        "漯河经济技术开发区、城乡一体化示范区（西城区）、东城区.",
    ]


def test_a_blank_county_is_the_root_region_for_a_user_whose_scope_allows_it(users):
    assert regions_of(users["city_admin"], "") == ["漯河市"]
    assert regions_of(users["county_a"], "", "郾城区") == [
        "A blank cell means 漯河市 (a city-level record), which is outside your scope: name the county.",
        "郾城区",
    ]


def test_an_administrator_extends_the_aliases_and_imports_recognise_them(users, regions, client_for):
    page = client_for("city_admin").post(
        "/orgs/region-aliases/add/", {"name": "郾城新区", "region": regions["郾城区"].pk}
    )
    assert page.status_code == 302 and RegionAlias.objects.filter(name="郾城新区").exists()
    assert client_for("county_a").get("/orgs/region-aliases/add/").status_code == 403
    assert regions_of(users["city_admin"], "郾城新区") == ["郾城区"]


def city_admin():
    user = User.objects.create_user("pds_admin", password="x")
    Membership.objects.create(user=user, role=Role.CITY_ADMIN)
    return user


def test_another_city_deploys_by_its_root_region_setting_and_one_command(settings):
    settings.KEYPROJECTS_ROOT_REGION = "410400"  # 平顶山市
    call_command("load_regions", stdout=open("/dev/null", "w"))
    call_command("load_regions", stdout=open("/dev/null", "w"))  # again: nothing doubles
    top = Region.objects.get(parent=None)
    assert (top.name, top.code) == ("平顶山市", "410400")
    assert sorted(Region.objects.filter(parent=top).values_list("name", flat=True)) == sorted(
        ["新华区", "卫东区", "石龙区", "湛河区", "宝丰县", "叶县", "鲁山县", "郏县", "舞钢市", "汝州市"]
    )
    assert not Region.objects.filter(name="郾城区").exists() and not RegionAlias.objects.exists()
    user = city_admin()
    assert regions_of(user, "舞钢市", "", "郾城区") == [
        "舞钢市",
        "平顶山市",
        "郾城区 is in 漯河市, outside this platform's area.",
    ]


def test_the_root_region_is_not_switched_under_existing_data(users, settings):
    from keyprojects.projects.tests.factories import make_project

    make_project(name="已有项目")
    settings.KEYPROJECTS_ROOT_REGION = "410400"
    with pytest.raises(CommandError, match="漯河市 cannot be replaced"):
        call_command("load_regions", stdout=open("/dev/null", "w"))
    assert Region.objects.get(parent=None).name == "漯河市" and Project.objects.count() == 1
