from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each module adds its step; steps are idempotent and run in dependency order.
STEPS = [
    "keyprojects.orgs.demo.seed_orgs",
    "keyprojects.enterprises.demo.seed_enterprises",
    "keyprojects.projects.demo.seed_projects",
    "keyprojects.campaigns.demo.seed_campaign",
]


class Command(BaseCommand):
    help = "Load the deterministic demo data (idempotent)."

    def handle(self, *args, **options):
        for step in STEPS:
            import_string(step)(stdout=self.stdout)
