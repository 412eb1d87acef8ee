"""Check the change log's hash chain from its first entry to its head; name the first broken one."""

from django.core.management.base import BaseCommand, CommandError

from keyprojects.core.audit import verify


class Command(BaseCommand):
    help = "Verify the change log's hash chain (core/audit.py) and name the first broken entry."

    def handle(self, *args, **options):
        broken, why, checked = verify()
        if broken is not None:
            where = "the end of the log" if broken == -1 else f"entry {broken}"
            raise CommandError(f"The audit chain is broken at {where}: {why} ({checked} entries checked).")
        self.stdout.write(f"The audit chain is intact: {checked} entries.")
