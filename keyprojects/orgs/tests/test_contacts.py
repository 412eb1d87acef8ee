import pytest

from keyprojects.core.testing.cases import ROLES, ModelCase, assert_matrix, object_check
from keyprojects.orgs.models import Contact
from keyprojects.orgs.views import ContactViews


class TestContact(ModelCase):
    views = ContactViews
    api_url = "/api/orgs/contacts/"
    invalid = {"phone": "call me maybe"}
    bad_cell = ("联系电话", "电话不详")

    def make(self, regions, department, **values):
        return Contact.objects.create(**{"name": "赵磊", "phone": "13900000001", "region": regions["郾城区"], **values})

    def make_outside(self, regions, department):
        return Contact.objects.create(name="孙丽", phone="13900000002", region=regions["舞阳县"])

    def form_data(self, regions, department):
        return {"name": "钱进", "post": "项目专员", "phone": "0395-1234567", "region": regions["郾城区"].pk}

    def import_rows(self, regions):
        return [
            ["姓 名", "职务", "联系电话", "所属区域"],
            ["周一", "专员", "１３９０００００００３", " 郾城区 "],  # full-width digits, stray spaces
            ["吴二", "科长", "13900000004", "郾城区"],
            ["郑三", "主任", "13900000005", "郾城区"],
        ]


# A contact in 郾城区 (county A). Cells: what each role gets. A dispatcher with no region
# watches the whole city, read-only.
MATRIX = {
    "list": [True, True, False, False, False, False, False, True, False, True, False],
    "detail": [200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 302],
    "edit": [200, 200, 404, 404, 404, 404, 404, 403, 404, 403, 302],
    "archive": [200, 200, 404, 404, 404, 404, 404, 403, 404, 403, 302],
    "export": [True, True, False, False, False, False, False, True, False, True, False],
    "api detail": [200, 200, 404, 404, 404, 404, 404, 200, 404, 200, 401],
    "api change": [200, 200, 404, 404, 404, 404, 404, 403, 404, 403, 401],
}


@pytest.mark.django_db
def test_contact_scoping_matrix(client_for, api_for, regions):
    contact = Contact.objects.create(name="矩阵联系人", phone="13900000009", region=regions["郾城区"])
    check = object_check(
        client_for,
        api_for,
        contact,
        list_url="/orgs/contacts/",
        api_url="/api/orgs/contacts/",
        api_change={"post": "新职务"},
        marker="矩阵联系人",
    )
    assert_matrix(MATRIX, ROLES, check)


@pytest.mark.django_db
def test_department_staff_see_their_department_contacts(client_for, department):
    Contact.objects.create(name="部门联系人", department=department)
    assert "部门联系人" in client_for("department").get("/orgs/contacts/").content.decode()
    assert "部门联系人" not in client_for("county_a").get("/orgs/contacts/").content.decode()


@pytest.mark.django_db
def test_county_user_cannot_create_contact_in_other_county(client_for, regions):
    response = client_for("county_a").post("/orgs/contacts/add/", {"name": "越权", "region": regions["舞阳县"].pk})
    assert response.status_code == 400
    assert not Contact.objects.filter(name="越权").exists()
