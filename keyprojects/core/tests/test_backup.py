"""Backup and restore round trip, as an operator runs them: `backup_data` on a running instance,
`restore_data` into an empty one; the rows, the media files and the audit chain come back, and a
damaged backup or a non-empty target is refused before anything is written."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SETUP = """
from django.core.files.base import ContentFile
from keyprojects.core.context import acting
from keyprojects.core.models import Job
from keyprojects.orgs.models import Contact, Region, User
with acting(None):
    for i in range(25):
        Contact.objects.create(name=f"联系人{i}", region=Region.objects.get(name="郾城区"))
    user = User.objects.create_user("backup-owner", password="x-pass-12345")
    job = Job.objects.create(kind="core.export", title="台账", created_by=user)
    job.file.save("exports/台账.csv", ContentFile("名称\\n甲\\n".encode()), save=True)
print(Contact.objects.count())
"""
COUNT = "from keyprojects.orgs.models import Contact; from keyprojects.core.models import Job; " + (
    "print(Contact.objects.count(), Job.objects.get().file.read().decode().split()[-1])"
)


def manage(var: Path, *args, check=True):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MEDIA_ROOT"}}
    env["KEYPROJECTS_VAR"] = str(var)
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_backup_restores_into_an_empty_instance_with_rows_media_and_audit_chain(tmp_path):
    source, target, backups = tmp_path / "source", tmp_path / "target", tmp_path / "backups"
    manage(source, "migrate", "--no-input", "-v", "0")
    contacts = manage(source, "shell", "-v", "0", "-c", SETUP).stdout.split()[-1]
    folder = Path(manage(source, "backup_data", str(backups)).stdout.strip())
    assert {p.name for p in folder.iterdir()} == {"database.sqlite3", "media.tar.gz", "manifest.json"}

    restored = manage(target, "restore_data", str(folder))
    assert "the audit chain is intact" in restored.stdout
    assert manage(target, "shell", "-v", "0", "-c", COUNT).stdout.split() == [contacts, "甲"]
    assert "intact" in manage(target, "verify_audit_chain").stdout

    # Into a database that is not empty: refused, nothing written.
    again = manage(target, "restore_data", str(folder), check=False)
    assert again.returncode != 0 and "not empty" in again.stderr
    # A damaged backup: refused by its checksum before anything is written.
    media = folder / "media.tar.gz"
    media.write_bytes(media.read_bytes()[:-10] + b"0123456789")
    damaged = manage(tmp_path / "third", "restore_data", str(folder), check=False)
    assert damaged.returncode != 0 and "media.tar.gz does not match its checksum" in damaged.stderr
    assert not (tmp_path / "third" / "media").exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the PostgreSQL round trip runs on PG"
)
def test_postgresql_backup_restores_into_an_empty_database(tmp_path):
    import dj_database_url

    base = dj_database_url.parse(os.environ["DATABASE_URL"])
    names = [f"{base['NAME']}_bk_{i}" for i in (1, 2)]
    admin = {**os.environ, "PGHOST": str(base["HOST"] or ""), "PGUSER": str(base["USER"] or "")}
    for name in names:
        subprocess.run(["dropdb", "--if-exists", name], env=admin, check=True)
        subprocess.run(["createdb", name], env=admin, check=True)
    try:
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]

        def pg(name, *args, check=True):
            env = {**os.environ, "DATABASE_URL": f"{url}/{name}", "KEYPROJECTS_VAR": str(tmp_path / name)}
            result = subprocess.run(
                [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
            )
            if check:
                assert result.returncode == 0, result.stdout + result.stderr
            return result

        pg(names[0], "migrate", "--no-input", "-v", "0")
        contacts = pg(names[0], "shell", "-v", "0", "-c", SETUP).stdout.split()[-1]
        folder = Path(pg(names[0], "backup_data", str(tmp_path / "backups")).stdout.strip())
        assert "database.dump" in {p.name for p in folder.iterdir()}
        assert "the audit chain is intact" in pg(names[1], "restore_data", str(folder)).stdout
        assert pg(names[1], "shell", "-v", "0", "-c", COUNT).stdout.split() == [contacts, "甲"]
    finally:
        for name in names:
            subprocess.run(["dropdb", "--if-exists", name], env=admin, check=False)
