"""Standard test cases every declared model inherits by supplying data (STYLE habit 8).

    class TestContact(ModelCase):
        views = ContactViews
        api_url = "/api/orgs/contacts/"
        def make(self, regions, department, name): ...     # one row in 郾城区 (county A's scope)
        def form_data(self, regions, department): ...      # a valid POST
        invalid = {"phone": "not a phone"}
        text_field = "name"                                # gets a formula for the export test
        def import_rows(self, regions): ...                # header + good rows
        bad_cell = ("联系电话", "abc")                       # one bad cell: heading, value

The scoping matrix (habit 9) is `assert_matrix()`: rows are checks, columns roles.
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from keyprojects.core.models import ObjectChange


def etag(obj) -> str:
    """The If-Match an API client sends after reading `obj` now: writes without one answer 428."""
    from keyprojects.core.api import version

    return f'"{version(type(obj)._base_manager.get(pk=obj.pk))}"'


def xlsx_bytes(rows, title=None):
    """A real workbook as cities send them: optional merged title row above the header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def read_xlsx(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def listed(client, url):
    """The primary keys of the rows a list page shows."""
    return {row.pk for row in client.get(url).context["table"].data}


# The matrix columns: every role of the fixtures, and an anonymous visitor.
ROLES = [
    "city_admin",
    "county_a",
    "county_b",
    "department",
    "office",
    "leader",
    "service_officer",
    "dispatcher",
    "enterprise",
    "auditor",
    "anonymous",
]


def object_check(client_for, api_for, obj, *, list_url, api_url, api_change, marker=None):
    """The standard matrix rows for one object: "list", "detail", "edit", "archive", "export",
    "api list", "api detail", "api change" (status codes, or whether the object shows)."""
    marker = marker or str(obj)
    detail = obj.get_absolute_url()

    def check(row, role):
        client, api = client_for(role), api_for(role)
        if row == "list":
            response = client.get(list_url)
            return response.status_code == 200 and obj.pk in {r.pk for r in response.context["table"].data}
        if row in {"detail", "edit", "archive", "history"}:
            return client.get(detail if row == "detail" else f"{detail}{row}/").status_code
        if row == "export":
            response = client.get(f"{list_url}?export=csv")
            return response.status_code == 200 and marker in b"".join(response.streaming_content).decode()
        if row == "api list":
            response = api.get(api_url)
            return response.status_code == 200 and obj.pk in {r["id"] for r in response.json()["results"]}
        if row == "api detail":
            return api.get(f"{api_url}{obj.pk}/").status_code
        if row == "api change":
            return api.patch(f"{api_url}{obj.pk}/", api_change, format="json", HTTP_IF_MATCH=etag(obj)).status_code
        raise KeyError(row)

    return check


def assert_matrix(matrix, roles, check):
    """matrix: {row name: expected per role (same order as roles)}; check(row, role) -> answer.
    Every cell is checked; all mismatches are reported together."""
    wrong = []
    for row, expected in matrix.items():
        for role, want in zip(roles, expected, strict=True):
            got = check(row, role)
            if got != want:
                wrong.append(f"{row} × {role}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
class ModelCase:
    views = None
    api_url = None
    editor = "county_a"  # a role that may add and change rows in county A
    outsider = "county_b"
    invalid: dict = {}
    text_field = "name"
    bad_cell: tuple = ()

    # --- data the subclass supplies ---------------------------------------------------
    def make(self, regions, department, **values):
        raise NotImplementedError

    def make_outside(self, regions, department):
        raise NotImplementedError

    def form_data(self, regions, department):
        raise NotImplementedError

    def import_rows(self, regions):
        raise NotImplementedError

    # --- helpers -------------------------------------------------------------------------
    @property
    def model(self):
        return self.views.model

    def url(self, view, obj=None):
        return reverse(self.model.url_name(view), args=[obj.pk] if obj else [])

    # --- pages ---------------------------------------------------------------------------
    def test_list_shows_own_scope_only(self, client_for, regions, department):
        mine = self.make(regions, department)
        theirs = self.make_outside(regions, department)
        shown = listed(client_for(self.editor), self.url("list"))
        assert mine.pk in shown and theirs.pk not in shown

    def test_out_of_scope_detail_is_404(self, client_for, regions, department):
        theirs = self.make_outside(regions, department)
        client = client_for(self.editor)
        assert client.get(self.url("detail", theirs)).status_code == 404
        assert client.get(self.url("edit", theirs)).status_code == 404
        assert client.get(self.url("history", theirs)).status_code == 404

    def test_create_writes_and_logs_who(self, client_for, users, regions, department):
        data = self.form_data(regions, department)
        response = client_for(self.editor).post(self.url("add"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        obj = self.model.objects.latest("pk")
        change = ObjectChange.for_object(obj).get()
        assert change.action == "create" and change.user == users[self.editor] and change.request_id

    def test_invalid_form_answers_400_and_writes_nothing(self, client_for, regions, department):
        before = self.model.objects.count()
        data = {**self.form_data(regions, department), **self.invalid}
        response = client_for(self.editor).post(self.url("add"), data)
        assert response.status_code == 400
        assert "is-invalid" in response.content.decode()
        assert self.model.objects.count() == before

    def test_stale_edit_is_refused(self, client_for, regions, department):
        obj = self.make(regions, department)
        client = client_for(self.editor)
        form = client.get(self.url("edit", obj)).context["form"]
        loaded = form.initial["loaded_version"]
        self.model.objects.filter(pk=obj.pk).update(updated=obj.updated.replace(year=obj.updated.year + 1))
        data = {**self.form_data(regions, department), "loaded_version": loaded}
        response = client.post(self.url("edit", obj), data)
        assert response.status_code == 400
        assert response.context["form"].has_error("__all__", code="stale")

    def test_archive_hides_and_history_shows(self, client_for, regions, department):
        obj = self.make(regions, department)
        client = client_for(self.editor)
        assert client.post(self.url("archive", obj)).status_code == 302
        obj.refresh_from_db()
        assert obj.is_archived
        assert obj.pk not in listed(client, self.url("list"))
        assert obj.pk in listed(client, self.url("list") + "?archived=true")
        history = client.get(self.url("history", obj)).content.decode()
        assert history.count('class="history-line"') >= 2  # created, archived: each a sentence

    def test_export_is_the_filtered_rows_with_formulas_neutralised(self, client_for, regions, department):
        self.make(regions, department, **{self.text_field: '=HYPERLINK("http://x")'})
        self.make_outside(regions, department)
        rows = read_xlsx(client_for(self.editor).get(self.url("list") + "?export=xlsx"))
        assert len(rows) == 2  # header + the one row in scope
        assert any(str(v).startswith("'=HYPERLINK") for v in rows[1])

    def test_import_with_one_bad_row_writes_nothing_then_fixed_file_imports(self, client_for, regions, run_jobs):
        client = client_for(self.editor)
        rows = self.import_rows(regions)
        heading, bad = self.bad_cell
        column = rows[0].index(heading)
        broken = [list(r) for r in rows]
        broken[2][column] = bad
        before = self.model.objects.count()
        with run_jobs():
            response = client.post(self.url("import"), {"file": upload("台账.xlsx", xlsx_bytes(broken, "导入台账"))})
        job = client.get(response.url).context["job"]
        errors = job.result["errors"]
        assert job.result["error_count"] == 1
        assert errors[0]["row"] == 4 and errors[0]["column"] == heading  # title row + header + row 2
        assert self.model.objects.count() == before
        with run_jobs():
            response = client.post(self.url("import"), {"file": upload("台账.xlsx", xlsx_bytes(rows, "导入台账"))})
        preview = client.get(response.url).context["job"]
        assert preview.result["creates"] == len(rows) - 1 and self.model.objects.count() == before
        with run_jobs():
            response = client.post(response.url)
        done = client.get(response.url).context["job"]
        assert done.result["committed"] is True
        assert self.model.objects.count() == before + len(rows) - 1

    def test_non_spreadsheet_upload_is_refused(self, client_for):
        response = client_for(self.editor).post(
            self.url("import"), {"file": upload("ledger.xlsx", b"\x00\x01binary junk" * 100)}
        )
        assert response.status_code == 400
        assert b"upload-error" in response.content

    # --- API -----------------------------------------------------------------------------
    def test_api_lists_scope_and_refuses_bad_input(self, api_for, regions, department):
        mine = self.make(regions, department)
        theirs = self.make_outside(regions, department)
        client = api_for(self.editor)
        ids = {row["id"] for row in client.get(self.api_url).json()["results"]}
        assert mine.pk in ids and theirs.pk not in ids
        assert client.get(f"{self.api_url}{theirs.pk}/").status_code == 404
        assert client.patch(f"{self.api_url}{theirs.pk}/", {}, format="json").status_code == 404
        bad = {**self.form_data(regions, department), **self.invalid}
        response = client.post(self.api_url, bad, format="json")
        assert response.status_code == 400 and set(self.invalid) & set(response.json())

    def test_api_create_logs_the_token_user(self, api_for, users, regions, department):
        response = api_for(self.editor).post(self.api_url, self.form_data(regions, department), format="json")
        assert response.status_code == 201, response.json()
        obj = self.model.objects.get(pk=response.json()["id"])
        assert ObjectChange.for_object(obj).get().user == users[self.editor]
