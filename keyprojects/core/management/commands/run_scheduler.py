import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from keyprojects.core.schedule import FREQUENT, JOBS, enqueue_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Queue the scheduled jobs (core/schedule.py) whose time has come, once a minute; the task worker "
        "runs them. Safe to run in several places at once: each day's or week's run is claimed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Queue what is due now and stop (for cron).")

    def handle(self, *args, once=False, **options):
        if once:
            self.queue_due()  # an error fails the command, for cron to report
            return
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        self.stdout.write(f"Scheduler: {len(JOBS)} jobs ({', '.join(sorted(JOBS))}); checking every minute.")
        while not stopping:
            self.tick()
            # Wake at the start of the next minute, a second at a time so that a stop is quick.
            deadline = time.time() + 60 - time.time() % 60
            while not stopping and time.time() < deadline:
                time.sleep(max(0.0, min(1.0, deadline - time.time())))
        self.stdout.write("Scheduler stopped.")

    def tick(self):
        close_old_connections()  # a database restart between minutes is not fatal
        try:
            self.queue_due()
        except Exception:  # the database may be briefly away; the next minute tries again
            logger.exception("The scheduler could not queue the due jobs")

    def queue_due(self):
        for run in enqueue_due():
            self.stdout.write(f"Queued {run.job} for {run.period}.")
        for fn in FREQUENT:
            fn()
