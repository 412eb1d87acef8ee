from datetime import date

import pytest

from keyprojects.core.testing.cases import (
    ROLES,
    ModelCase,
    assert_matrix,
    listed,
    object_check,
    read_xlsx,
    upload,
    xlsx_bytes,
)
from keyprojects.core.testing.pages import in_language
from keyprojects.projects import services
from keyprojects.projects.choices import Light, Stage
from keyprojects.projects.models import Project
from keyprojects.projects.views import ProjectViews

from .factories import make_project, photo, start_project


class TestProject(ModelCase):
    views = ProjectViews
    api_url = "/api/projects/projects/"
    invalid = {"total_investment": "-5"}
    bad_cell = ("总投资（万元）", "约三个亿")

    def make(self, regions, department, **values):
        return make_project("郾城区", **values)

    def make_outside(self, regions, department):
        return make_project("舞阳县", name="舞阳县外项目")

    def form_data(self, regions, department):
        return {
            "name": "卫龙辣条扩建",
            "region": regions["郾城区"].pk,
            "field": "industry",
            "nature": "expansion",
            "total_investment": "30000",
        }

    def import_rows(self, regions):
        return [
            ["序号", "项目名称", "所属县区", "总投资（万元）", "建设性质", "计划开工时间", "建设规模及内容"],
            [1, "漯河食品产业园", "郾城区", "12.5亿元", "新建", "2024.3", "年产10万吨"],
            [2, "冷链物流中心", "郾城区", " 8,000 ", "扩建", "2024年5月", "冷库５万平方米"],
            [3, "智能包装项目", "郾城区", "3000万元", "新建", "2024/6/15", ""],
        ]


def test_ledger_import_understands_real_world_text(client_for, regions, run_jobs):
    client = client_for("county_a")
    with run_jobs():
        response = client.post(
            "/projects/projects/import/",
            {"file": upload("台账.xlsx", xlsx_bytes(TestProject().import_rows(regions), "2024年重点项目台账"))},
        )
    with run_jobs():
        client.post(response.url)
    park = Project.objects.get(name="漯河食品产业园")
    assert park.total_investment == 125000 and park.planned_start_date == date(2024, 3, 1)
    assert park.nature == "new" and park.region == regions["郾城区"]
    assert Project.objects.get(name="冷链物流中心").total_investment == 8000
    assert Project.objects.get(name="智能包装项目").planned_start_date == date(2024, 6, 15)
    assert park.milestones.count() == len(services.DEFAULT_MILESTONES)


def test_reimport_matches_by_name_within_region_and_updates(client_for, regions, run_jobs):
    existing = make_project("郾城区", name="冷链物流中心", total="5000")
    client = client_for("county_a")
    with run_jobs():
        response = client.post(
            "/projects/projects/import/", {"file": upload("台账.xlsx", xlsx_bytes(TestProject().import_rows(regions)))}
        )
    preview = client.get(response.url).context["job"].result
    assert preview["creates"] == 2 and preview["updates"] == 1
    with run_jobs():
        client.post(response.url)
    existing.refresh_from_db()
    assert existing.total_investment == 8000 and Project.objects.filter(name="冷链物流中心").count() == 1


def test_money_is_entered_in_yi_or_wan(client_for, regions):
    response = client_for("county_a").post(
        "/projects/projects/add/",
        {
            "name": "亿元录入",
            "region": regions["郾城区"].pk,
            "field": "industry",
            "nature": "new",
            "total_investment": "1.2亿",
        },
    )
    assert response.status_code == 302
    assert Project.objects.get(name="亿元录入").total_investment == 12000


def test_wrong_project_code_is_refused(client_for, regions):
    data = {
        "name": "代码错误",
        "region": regions["郾城区"].pk,
        "field": "industry",
        "nature": "new",
        "total_investment": "100",
    }
    client = client_for("county_a")
    assert client.post("/projects/projects/add/", {**data, "code": "2401-999999-04-01-123456"}).status_code == 400
    assert client.post("/projects/projects/add/", {**data, "code": "24-411103"}).status_code == 400
    assert client.post("/projects/projects/add/", {**data, "code": "2401-411103-04-01-123456"}).status_code == 302


def test_stage_page_advances_with_a_photo_and_refuses_without(client_for, users, regions):
    project = make_project(by=users["county_a"])
    client = client_for("county_a")
    url = f"/projects/projects/{project.pk}/advance/"
    response = client.post(url, {"to": "started", "on": "2024-03-01", "signed_on": "2024-01-05"})
    assert response.status_code == 400 and response.context["form"].errors["evidence"]
    response = client.post(url, {"to": "started", "on": "2024-03-01", "signed_on": "2024-01-05", "evidence": photo()})
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).stage == Stage.STARTED
    fake = upload("permit.jpg", b"MZ\x90\x00 not an image")
    response = client.post(url, {"to": "producing", "on": "2024-09-01", "evidence": fake})
    assert response.status_code == 400


def test_api_advance_uses_the_same_rules(api_for, users):
    project = make_project(by=users["county_a"])
    api = api_for("county_a")
    url = f"/api/projects/projects/{project.pk}/advance/"
    response = api.post(url, {"to": "started", "on": "2024-03-01"}, format="json")
    assert response.status_code == 400 and "dates" in response.json()
    skipped = {"to": "started", "on": "2024-03-01", "signed_on": "2024-03-05"}  # signed after it started
    assert "dates" in api.post(url, skipped, format="json").json()
    response = api.post(url, {"to": "signed", "on": "2024-03-01"}, format="json")
    assert response.status_code == 200 and response.json()["stage"] == "signed"
    assert api_for("county_b").post(url, {"to": "negotiating", "on": "2024-03-02"}, format="json").status_code == 404


def test_api_refuses_to_overwrite_a_newer_project(api_for, users):
    """Two officers read the same project; the second write, based on what is now stale, is
    refused with 412 in the caller's language and the first change stays."""
    project = make_project(by=users["county_a"])
    url = f"/api/projects/projects/{project.pk}/"
    first, second = api_for("county_a"), api_for("county_a")
    read = first.get(url)
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"'
    assert second.get(url)["ETag"] == etag
    response = first.patch(url, {"location": "召陵区黄河路1号"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    stale = second.patch(
        url, {"location": "郾城区嵩山路2号"}, format="json", HTTP_IF_MATCH=etag, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert stale.status_code == 412
    assert "Someone else changed this record" in stale.json()["detail"]
    chinese = second.patch(
        url,
        {"location": "郾城区嵩山路2号", "version": read.json()["version"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert chinese.status_code == 412 and "他人修改" in chinese.json()["detail"]
    assert Project.objects.get(pk=project.pk).location == "召陵区黄河路1号"
    fresh = second.get(url)["ETag"]
    assert second.patch(url, {"location": "郾城区嵩山路2号"}, format="json", HTTP_IF_MATCH=fresh).status_code == 200


def test_leader_sees_own_projects_red_first(client_for, users):
    leader = users["leader"]
    green = make_project(name="绿灯项目", leader=leader.pk)
    red = make_project(name="红灯项目", leader=leader.pk, planned_start_date="2020-01-01")
    make_project(name="别人的项目")
    client = client_for("leader")
    client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (iPhone)"
    response = client.get("/projects/mine/")
    shown = list(response.context["projects"])
    assert shown == [red, green]
    assert Project.objects.get(pk=red.pk).light == Light.RED
    assert "红灯项目" in response.content.decode()
    assert client.get(f"/projects/projects/{red.pk}/edit/").status_code == 403  # read-only


def test_signboard_is_public_only_when_published(client, client_for, users):
    project = make_project(by=users["county_a"], construction_content="年产10万吨", leader=users["leader"].pk)
    url = f"/s/{project.signboard_token}/"
    assert client.get(url).status_code == 404
    client_for("county_a").post(f"/projects/projects/{project.pk}/publish/")
    page = client.get(url)
    assert page.status_code == 200 and "年产10万吨" in page.content.decode() and "12345" in page.content.decode()
    client_for("county_a").post(f"/projects/projects/{project.pk}/withdraw/")
    assert client.get(url).status_code == 404


def test_list_filters_by_tier_light_and_list(client_for, users):
    big = make_project(name="百亿项目", total="1200000")
    make_project(name="小项目", total="500")
    client = client_for("city_admin")
    assert listed(client, "/projects/projects/?tier=100") == {big.pk}
    from keyprojects.projects.models import ListMembership, ProjectList

    ListMembership.objects.create(project=big, list=ProjectList.objects.get(name="省重点"), start=date(2024, 1, 1))
    assert listed(client, f"/projects/projects/?list={ProjectList.objects.get(name='省重点').pk}") == {big.pk}
    assert listed(client, "/projects/projects/?year=2024") == {big.pk}
    assert listed(client, "/projects/projects/?year=2023") == set()


def test_export_is_the_ledger_and_reimports_unchanged(client_for, users, regions):
    from keyprojects.projects.importers import ProjectImporter
    from keyprojects.projects.models import ListMembership, ProjectList, Tag

    county = users["county_a"]
    project = make_project(name="导出项目", total="125000", planned_start_date="2024-03-01", by=county)
    project = start_project(project, by=county)
    Project.objects.filter(pk=project.pk).update(leader=users["leader"], in_statistics=True)
    project.tags.add(Tag.objects.get(name="数字经济"))
    for name, end in (("省重点", None), ("县重点", date(2023, 12, 31))):  # the second has ended
        ListMembership.objects.create(
            project=project, list=ProjectList.objects.get(name=name), start=date(2023, 1, 1), end=end
        )
    rows = read_xlsx(client_for("county_a").get("/projects/projects/?export=xlsx"))
    ledger = dict(zip(rows[0], rows[1], strict=True))
    assert ledger["项目名称"] == "导出项目" and ledger["总投资（万元）"] == 125000
    assert (ledger["项目阶段"], ledger["实际开工时间"].date(), ledger["累计完成投资（万元）"]) == (
        "开工",
        date(2024, 3, 1),
        0,
    )
    assert (ledger["所在清单"], ledger["标签"], ledger["是否入统"]) == ("省重点", "数字经济", "是")
    assert ledger["分包领导"] == str(users["leader"]) and ledger["亮灯"] in {"红灯", "黄灯", "绿灯"}
    plan = ProjectImporter(county).plan(rows)
    assert (plan.errors, plan.creates, plan.updates, plan.unchanged) == ([], [], [], 1)


# Counties keep their projects; the department answering for it and the coordination office
# read it; a role that sees a project but may not change it gets 403, outside its scope 404.
MATRIX = {
    "list": [True, True, False, True, True, True, True, True, False, True, False],
    "detail": [200, 200, 404, 200, 200, 200, 200, 200, 404, 200, 302],
    "edit": [200, 200, 404, 403, 403, 403, 403, 403, 404, 403, 302],
    "stage": [200, 200, 404, 403, 403, 403, 403, 403, 404, 403, 302],
    "export": [True, True, False, True, True, True, True, True, False, True, False],
    "api detail": [200, 200, 404, 200, 200, 200, 200, 200, 404, 200, 401],
    "api change": [200, 200, 404, 403, 403, 403, 403, 403, 404, 403, 401],
}


@pytest.mark.django_db
def test_project_scoping_matrix(client_for, api_for, users, department):
    """A 郾城区 project whose responsible department, leader and service officer are the fixtures'."""
    project = make_project(
        name="矩阵项目",
        department=department.pk,
        leader=users["leader"].pk,
        service_officer=users["service_officer"].pk,
    )
    standard = object_check(
        client_for,
        api_for,
        project,
        list_url="/projects/projects/",
        api_url="/api/projects/projects/",
        api_change={"location": "新址"},
    )

    def check(row, role):
        if row == "stage":
            return client_for(role).get(f"/projects/projects/{project.pk}/advance/").status_code
        return standard(row, role)

    assert_matrix(MATRIX, ROLES, check)


def test_import_row_in_another_county_is_reported_at_preview(client_for, regions, run_jobs):
    rows = TestProject().import_rows(regions)
    rows[2][2] = "舞阳县"
    client = client_for("county_a")
    with run_jobs():
        response = client.post("/projects/projects/import/", {"file": upload("台账.xlsx", xlsx_bytes(rows))})
    result = client.get(response.url).context["job"].result
    assert result["error_count"] == 1
    assert result["errors"][0]["row"] == 3 and result["errors"][0]["column"] == "所属县区"
    assert not Project.objects.exists()


def test_api_create_without_add_right_is_403(api_for, regions):
    data = TestProject().form_data(regions, None)
    assert api_for("leader").post("/api/projects/projects/", data, format="json").status_code == 403


def test_history_shows_labels_and_never_the_signboard_token(client_for, users):
    project = make_project(by=users["county_a"])
    services.advance_stage(project, to=Stage.SIGNED, on=date(2024, 1, 5), by=users["county_a"])
    page = in_language(client_for("county_a")).get(f"/projects/projects/{project.pk}/history/")
    html = page.content.decode()
    assert "Signed" in html and ">signed<" not in html
    assert project.signboard_token not in html


def test_imported_projects_get_their_lights_once_the_file_is_written(client_for, regions, run_jobs):
    rows = [["项目名称", "所属县区", "总投资（万元）", "计划开工时间"], ["逾期未开工项目", "郾城区", "5000", "2020.1"]]
    client = client_for("county_a")
    with run_jobs():
        response = client.post("/projects/projects/import/", {"file": upload("台账.xlsx", xlsx_bytes(rows))})
    with run_jobs():
        client.post(response.url)
    project = Project.objects.get(name="逾期未开工项目")
    assert project.light == Light.RED and project.light_reasons[0]["code"] == "not_started"


def test_stage_page_shows_a_service_error_the_form_has_no_field_for(client_for, users):
    project = make_project(by=users["county_a"])
    response = client_for("county_a").post(
        f"/projects/projects/{project.pk}/advance/", {"to": "started", "on": "2024-03-01", "evidence": photo()}
    )
    assert response.status_code == 400  # skipping SIGNED without its date: reported at the top, not a 500
    assert response.context["form"].non_field_errors()


def test_column_choice_shows_the_chosen_columns_and_offers_all(client_for, users):
    import re

    make_project(name="列选择项目", code="2401-411102-04-01-000099")
    client = client_for("city_admin")

    def shown_and_offered(url):
        html = client.get(url).content.decode()
        head = html[html.index("<thead") : html.index("</thead>")]
        checked = re.findall(r'name="columns" value="(\w+)" id="col-\w+" checked', html)
        offered = re.findall(r'name="columns" value="(\w+)"', html)
        return "2401-411102-04-01-000099" in html, "项目代码" in head, set(checked), set(offered)

    everything = set(ProjectViews.table.base_columns)
    by_default = shown_and_offered("/projects/projects/")
    assert by_default == (False, False, everything - set(ProjectViews.hidden_columns), everything)
    chosen = shown_and_offered("/projects/projects/?columns=name&columns=code")
    assert chosen == (True, True, {"name", "code"}, everything)


def test_a_filtered_list_says_what_it_is_narrowed_by_and_each_filter_can_be_removed(client_for, users):
    import re

    client = client_for("city_admin")
    html = client.get("/projects/projects/?stage=started&stage=producing&light=red&q=食品&page=1").content.decode()
    bar = re.search(r'data-testid="active-filters">(.*?)</div>', html, re.S).group(1)
    chips = dict(re.findall(r'href="\?([^"]*)"[^>]*>([^<]*) <i', bar))
    assert set(chips.values()) == {"项目阶段: 开工、投产", "亮灯: 红灯", "搜索: 食品"}
    assert {v: k for k, v in chips.items()}["项目阶段: 开工、投产"] == "light=red&amp;q=%E9%A3%9F%E5%93%81"
    assert 'data-testid="active-filters"' not in client.get("/projects/projects/").content.decode()


def test_leader_filter_offers_leaders_by_name_and_follows_a_rename(client_for, users):
    leader = users["leader"]
    led = make_project(name="有分包领导", leader=leader.pk)
    make_project(name="无分包领导")
    client = client_for("city_admin")
    assert listed(client, f"/projects/projects/?leader={leader.pk}") == {led.pk}
    assert f"分包领导: {leader} <i" in client.get(f"/projects/projects/?leader={leader.pk}").content.decode()

    def offered():
        html = client.get("/projects/projects/").content.decode()
        select = html[html.index('<select name="leader"') :]
        return select[: select.index("</select>")]

    assert f'<option value="{leader.pk}">{leader}</option>' in offered()
    leader.first_name, leader.last_name = "建国", "王"
    leader.save()  # a change to a user is logged, so the cached choices are read again
    assert f'<option value="{leader.pk}">建国 王</option>' in offered()


def test_region_filter_reaches_every_region_under_it(regions, api_for, client_for):
    """A county's filter lists the projects of the zones under it too; the city's lists all; another county's none."""
    from keyprojects.orgs.models import Region

    town = Region.objects.create(parent=regions["郾城区"], name="郾城产业集聚区", level="zone")
    in_town = make_project("郾城产业集聚区", name="集聚区食品园")
    elsewhere = make_project("舞阳县", name="舞阳盐化园")
    api = api_for("city_admin")

    def names(region):
        rows = api.get(f"/api/projects/projects/?region={region.pk}").json()["results"]
        return {row["name"] for row in rows}

    assert names(regions["郾城区"]) == {in_town.name}
    assert names(town) == {in_town.name}
    assert names(regions["漯河市"]) == {in_town.name, elsewhere.name}
    page = client_for("city_admin").get(f"/projects/projects/?region={regions['郾城区'].pk}").content.decode()
    assert in_town.name in page and elsewhere.name not in page
