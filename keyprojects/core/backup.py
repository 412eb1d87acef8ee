"""Backup and restore of the whole state: the database (SQLite's backup API, or pg_dump on
PostgreSQL) and the media files, with a manifest of checksums, row counts and the audit chain's
head, so that a restore is checked before it starts (every file's sha256) and after it ends (every
table's rows and the audit chain). `manage.py backup_data` and `manage.py restore_data`."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"


class RestoreError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in _tables()
    }


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGHOST": str(db.get("HOST") or ""), "PGPORT": str(db.get("PORT") or "")}
    env.update(PGUSER=str(db.get("USER") or ""), PGPASSWORD=str(db.get("PASSWORD") or ""), PGDATABASE=db["NAME"])
    return {k: v for k, v in env.items() if v != ""}


def backup(target: Path) -> Path:
    """A new folder under `target` holding the database, the media and the manifest."""
    from .audit import verify
    from .models import ChainHead

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(target) / f"keyprojects-{stamp}"
    folder.mkdir(parents=True)
    vendor = connection.vendor
    if vendor == "sqlite":
        database = folder / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(database)
        with destination:
            connection.connection.backup(destination)  # a consistent copy while others write
        destination.close()
    elif vendor == "postgresql":
        database = folder / "database.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(database)], env=_pg_env(), check=True)
    else:
        raise RestoreError(f"No backup for the {vendor} database.")
    media = folder / "media.tar.gz"
    with tarfile.open(media, "w:gz") as archive:
        if Path(settings.MEDIA_ROOT).exists():
            archive.add(settings.MEDIA_ROOT, arcname="media")
    broken, _why, checked = verify()
    manifest = {
        "created": timezone.now().isoformat(),
        "database": vendor,
        "files": {path.name: {"sha256": sha256(path), "bytes": path.stat().st_size} for path in (database, media)},
        "rows": row_counts(),
        "audit_chain": {
            "entries": checked,
            "intact": broken is None,
            "head": ChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first(),
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return folder


def check_files(folder: Path) -> dict:
    """The manifest, once every file it lists has its recorded size and sha256."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise RestoreError(f"No readable {MANIFEST} in {folder}: {error}") from error
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.exists() or path.stat().st_size != expected["bytes"] or sha256(path) != expected["sha256"]:
            raise RestoreError(f"{name} does not match its checksum in the manifest: the backup is damaged.")
    return manifest


def restore(folder: Path) -> dict:
    """Into an empty database and an empty media folder; then rows and chain are compared."""
    from .audit import verify
    from .models import ChainHead

    folder = Path(folder)
    manifest = check_files(folder)
    if manifest["database"] != connection.vendor:
        raise RestoreError(f"The backup is of a {manifest['database']} database, this one is {connection.vendor}.")
    if _tables():
        raise RestoreError("The database is not empty: restore into a new, empty database.")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise RestoreError(f"{media_root} is not empty: restore into an empty media folder.")
    if connection.vendor == "sqlite":
        source = sqlite3.connect(folder / "database.sqlite3")
        connection.ensure_connection()
        with source:
            source.backup(connection.connection)
        source.close()
    else:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", settings.DATABASES["default"]["NAME"],
             str(folder / "database.dump")],
            env=_pg_env(),
            check=True,
        )  # fmt: skip
    with tarfile.open(folder / "media.tar.gz") as archive:
        staging = media_root.parent / f".restore-{media_root.name}"
        archive.extractall(staging, filter="data")
        media_root.mkdir(parents=True, exist_ok=True)
        for item in (staging / "media").iterdir() if (staging / "media").exists() else ():
            shutil.move(str(item), media_root / item.name)
        shutil.rmtree(staging)
    counts = row_counts()
    differ = {k: (v, counts.get(k)) for k, v in manifest["rows"].items() if counts.get(k) != v}
    if differ:
        raise RestoreError(f"Restored row counts differ from the backup's: {differ}")
    broken, why, checked = verify()
    head = ChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    if manifest["audit_chain"]["intact"] and (broken is not None or head != manifest["audit_chain"]["head"]):
        raise RestoreError(f"The restored audit chain is broken at entry {broken}: {why}")
    return {"rows": sum(counts.values()), "tables": len(counts), "audit_entries": checked}
