from django.core.management.base import BaseCommand

from keyprojects.core.context import acting
from keyprojects.projects.services import refresh_all_lights


class Command(BaseCommand):
    help = "Recompute every project's light (run daily: time alone turns lights yellow and red)."

    def handle(self, *args, **options):
        with acting(None, "refresh_lights"):
            changed = refresh_all_lights()
        self.stdout.write(f"{changed} projects changed light.")
