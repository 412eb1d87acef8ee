from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "keyprojects.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_migrate, post_save
        from rest_framework.authtoken.models import Token

        from . import audit, health, jobs, m2m, notifications, search  # noqa: F401  (jobs, health: core's scheduled work)
        from .calendar import seed_after_migrate
        from .network import on_login_failed

        m2m.connect()  # many-to-many changes go in the change log like any other field (core/m2m.py)
        search.autodiscover()
        notifications.autodiscover()  # every app's notifications.py declares its kinds
        post_migrate.connect(seed_after_migrate, sender=self)  # every database has the package's holidays
        # Failed sign-ins counted per address and per username (core/network.py).
        user_login_failed.connect(on_login_failed, dispatch_uid="keyprojects.sign-in-failures")
        # Sign-ins, failures, sign-outs and new API tokens go in the chained change log (core/audit.py).
        user_logged_in.connect(audit.on_logged_in, dispatch_uid="keyprojects.audit-login")
        user_login_failed.connect(audit.on_login_failed, dispatch_uid="keyprojects.audit-login-failed")
        user_logged_out.connect(audit.on_logged_out, dispatch_uid="keyprojects.audit-logout")
        post_save.connect(audit.on_token_saved, sender=Token, dispatch_uid="keyprojects.audit-token")
