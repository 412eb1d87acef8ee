"""The ledger import writes a file in bulk: the same number of queries for 20 rows as for 60,
and each imported project is what registering it through the form gives (node template,
signboard token, change-log rows by the importing user)."""

import pytest

from keyprojects.projects.models import Project

pytestmark = pytest.mark.django_db


def test_bulk_created_projects_get_their_signboard_tokens(regions):
    made = Project.objects.bulk_create(
        [Project(name=f"批量{n}", region=regions["郾城区"], total_investment=100) for n in range(2)]
    )
    tokens = set(Project.objects.values_list("signboard_token", flat=True))
    assert tokens == {p.signboard_token for p in made} and len(tokens) == 2 and "" not in tokens
