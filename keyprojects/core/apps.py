from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "keyprojects.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import post_migrate

        from . import jobs, notifications, search  # noqa: F401  (jobs: core's scheduled work)
        from .calendar import seed_after_migrate
        from .network import on_login_failed

        search.autodiscover()
        notifications.autodiscover()  # every app's notifications.py declares its kinds
        post_migrate.connect(seed_after_migrate, sender=self)  # every database has the package's holidays
        # Failed sign-ins counted per address and per username (core/network.py).
        user_login_failed.connect(on_login_failed, dispatch_uid="keyprojects.sign-in-failures")
