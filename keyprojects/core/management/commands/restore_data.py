"""Restore a backup (core/backup.py) into an empty database and media folder, and check it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keyprojects.core.backup import RestoreError, restore


class Command(BaseCommand):
    help = "Restore a backup_data folder into an empty database and media folder; compare rows and the audit chain."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            result = restore(folder)
        except RestoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {result['rows']} rows in {result['tables']} tables; "
            f"the audit chain is intact ({result['audit_entries']} entries)."
        )
