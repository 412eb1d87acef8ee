"""Back up the database and the media files into a new folder with a manifest (core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from keyprojects.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database and media files, with a manifest of checksums, row counts and the audit chain."

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path, help="the folder that receives the backup's own folder")

    def handle(self, *args, target, **options):
        folder = backup(target)
        self.stdout.write(str(folder))
