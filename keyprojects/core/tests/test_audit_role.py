"""The grants docs/operations.md gives for the application's database role do what they say: the
role adds to the change log and reads it, but cannot change, remove or empty it (PostgreSQL; the
role is created inside the test's transaction and goes with its rollback)."""

import re
import secrets
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from keyprojects.orgs.models import User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
]

OPERATIONS = Path(__file__).resolve().parents[3] / "docs" / "operations.md"


def documented_statements():
    """The SQL block of docs/operations.md that names keyprojects_app, statement by statement."""
    blocks = re.findall(r"```sql\n(.*?)```", OPERATIONS.read_text(encoding="utf-8"), re.S)
    block = next(b for b in blocks if "keyprojects_app" in b and "core_objectchange" in b)
    lines = [line.split("--")[0].strip() for line in block.splitlines()]
    return [s.strip() for s in " ".join(lines).split(";") if s.strip()]


def test_the_documented_grants_let_the_application_role_add_to_the_log_but_not_change_it():
    role = f"kp_test_app_{secrets.token_hex(4)}"
    content_type = ContentType.objects.get_for_model(User).pk
    statements = documented_statements()
    assert any(s.startswith("REVOKE UPDATE, DELETE") for s in statements)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role}")
        for statement in statements:
            cursor.execute(statement.replace("keyprojects_app", role))
        cursor.execute(f"SET ROLE {role}")
        try:
            cursor.execute(
                "INSERT INTO core_objectchange (time, actor, request_id, content_type_id, object_id, object_repr,"
                " action, changes, prev_hash, hash) VALUES (now(), 'test', '', %s, 1, 'test', 'update', '{}', '', '')",
                [content_type],
            )
            cursor.execute("SELECT count(*) FROM core_objectchange")
            assert cursor.fetchone()[0] >= 1
            cursor.execute("UPDATE core_chainhead SET last_hash = last_hash")  # the head moves along
            for refused in (
                "UPDATE core_objectchange SET actor = 'someone else'",
                "DELETE FROM core_objectchange",
                "TRUNCATE core_objectchange",
            ):
                with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
                    cursor.execute(refused)
        finally:
            cursor.execute("RESET ROLE")
