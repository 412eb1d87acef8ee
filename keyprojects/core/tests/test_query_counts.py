"""No query per row: a list page, an API list and an Excel export cost the same number of
queries with 3 rows as with 30 (STYLE habit 6), for a city-wide and a scoped user.

Later modules reuse the helper for their own lists:

    from keyprojects.core.tests.test_query_counts import assert_no_query_per_row

    def test_project_list_has_no_query_per_row(client_for, regions):
        make = lambda n: Project.objects.create(name=f"项目{n}", region=regions["郾城区"], ...)
        assert_no_query_per_row(client_for("county_a"), "/projects/projects/", make, kind="list")
"""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyprojects.core.testing.cases import read_xlsx
from keyprojects.orgs.models import Contact, Office


def shown_rows(kind, response):
    """How many data rows a response carries: the list page's table page, the API's
    results, or the exported workbook without its header."""
    if kind == "list":
        return len(response.context["table"].page.object_list)
    if kind == "api":
        return len(response.json()["results"])
    if kind == "xlsx":
        return len(read_xlsx(response)) - 1
    raise ValueError(kind)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:  # an export's queries run while it streams
            response.streaming_content = [b"".join(response.streaming_content)]
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured.captured_queries), response, [q["sql"] for q in captured.captured_queries]


def assert_no_query_per_row(client, url, make_row, *, kind, few=3, many=30):
    """make_row(n) creates one row the client sees at `url`; the queries for `few` rows and for
    `many` rows must be the same number. Checks the rows really show, so it cannot pass empty."""
    numbers = itertools.count()
    for _ in range(few):
        make_row(next(numbers))
    client.get(url)  # warm: first-request work (session, content types) is not per row
    few_count, response, _ = count_queries(client, url)
    assert shown_rows(kind, response) == few
    for _ in range(many - few):
        make_row(next(numbers))
    client.get(url)  # warm again: counts cached until a write (core/figures.py) are counted anew once
    many_count, response, statements = count_queries(client, url)
    assert shown_rows(kind, response) == many
    assert many_count == few_count, (
        f"{url}: {few_count} queries with {few} rows, {many_count} with {many} (a query per row?):\n"
        + "\n".join(statements)
    )


def contact_factory(regions, department):
    """Contacts in 郾城区 (county A) with every relation the list, API and export show filled."""
    office = Office.objects.first()

    def make(n):
        return Contact.objects.create(
            name=f"联系人{n:03d}",
            post="项目专员",
            phone=f"139{n:08d}",
            region=regions["郾城区"],
            department=department,
            office=office,
        )

    return make


CONTACT_URLS = [
    ("list", "/orgs/contacts/"),
    ("api", "/api/orgs/contacts/"),
    ("xlsx", "/orgs/contacts/?export=xlsx"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["city_admin", "county_a"])
@pytest.mark.parametrize(("kind", "url"), CONTACT_URLS)
def test_contacts_cost_the_same_queries_for_3_and_30_rows(client_for, api_for, regions, department, role, kind, url):
    client = api_for(role) if kind == "api" else client_for(role)
    assert_no_query_per_row(client, url, contact_factory(regions, department), kind=kind)


@pytest.mark.django_db
def test_helper_catches_a_query_per_row(client_for, regions, department, monkeypatch):
    """The check itself can fail: a list whose rows each need a query (here the list page of
    contacts without select_related, through a column reading a relation; the export reads plain
    values and cannot) is caught."""
    from keyprojects.orgs.views import ContactViews

    monkeypatch.setattr(ContactViews, "select_related", ())
    with pytest.raises(AssertionError, match="a query per row"):
        assert_no_query_per_row(
            client_for("city_admin"),
            "/orgs/contacts/",
            contact_factory(regions, department),
            kind="list",
        )
