from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "keyprojects.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import notifications, search

        search.autodiscover()
        notifications.autodiscover()  # every app's notifications.py declares its kinds
