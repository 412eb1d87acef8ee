"""Generated API traffic finds no server error and no answer the schema does not describe.

Schemathesis (v4) reads /api/schema/ from a live server and fuzzes every operation, with valid
and invalid data (--mode all), as a city administrator and as a county officer. The checks are
the ones the issue asks for: no 5xx, only documented status codes, content types and headers,
and every body valid against its schema. Not checked: that schema-valid data is accepted (the
services' rules refuse much of it, rightly, with a 400) nor that every invalid value is refused
(`?archived=1` reads as true). Bounded: SCHEMATHESIS_MAX_EXAMPLES cases per operation (default 2,
about a minute per role on an idle machine) and a fixed seed, so a failure replays."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from keyprojects.orgs.models import Contact

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a live server reads it

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)


@pytest.fixture
def records(users, regions):
    """Something to read, change and act on in each role's scope, so detail routes are reached."""
    from keyprojects.projects.tests.factories import make_project

    make_project(by=users["county_a"])
    make_project("舞阳县", by=users["county_b"], name="舞阳县电子商务产业园")
    Contact.objects.create(name="王主任", region=regions["郾城区"])


@pytest.mark.parametrize(("role", "seed"), [("city_admin", 1), ("county_a", 2)])
def test_generated_api_traffic_finds_no_server_error_nor_an_undocumented_answer(
    live_server, users, records, role, seed, tmp_path
):
    token = Token.objects.get_or_create(user=users[role])[0].key
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{live_server.url}/api/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--phases",
        "fuzzing",
        "--mode",
        "all",
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "2"),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--no-shrink",
        "--checks",
        ",".join(CHECKS),
        "--report",
        "ndjson",
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"})
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary
    assert "0 failures" not in summary and "passed" in summary, summary
