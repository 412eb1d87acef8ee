from django.core.management.base import BaseCommand

from keyprojects.core.registry import demo_steps


class Command(BaseCommand):
    help = "Load the deterministic demo data (idempotent): each app's steps, in their order."

    def handle(self, *args, **options):
        for step in demo_steps():
            step(stdout=self.stdout)
