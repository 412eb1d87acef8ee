"""A model form looks each relation up once: its field finds the object in its (restricted)
queryset, and the model's own check does not ask the database again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyprojects.orgs.forms import ContactForm

pytestmark = pytest.mark.django_db


def tables_read(form):
    with CaptureQueriesContext(connection) as captured:
        valid = form.is_valid()
    return valid, sorted(q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in captured.captured_queries)


def test_a_relation_is_read_once_by_the_form_and_not_again_by_the_model(users, regions, department):
    data = {"name": "周一", "phone": "13900000003", "region": regions["郾城区"].pk, "department": department.pk}
    valid, tables = tables_read(ContactForm(data, user=users["city_admin"]))
    assert valid and tables == ["orgs_department", "orgs_region"]


def test_a_relation_outside_the_forms_choices_is_still_refused(users, regions):
    data = {"name": "周一", "region": regions["舞阳县"].pk + 1000}
    valid, _tables = tables_read(ContactForm(data, user=users["city_admin"]))
    assert not valid
