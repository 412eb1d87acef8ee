from django.conf import settings
from django.core.signals import setting_changed

# Tests run jobs in-process; test_worker starts the real database worker itself. The signal
# drops a backend an app's ready() may already have built (a module defining a task imported at
# start-up) so that no test queues silently to the database instead.
settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
setting_changed.send(sender=type(settings), setting="TASKS", value=settings.TASKS, enter=True)

pytest_plugins = [
    "keyprojects.core.testing.fixtures",
    "keyprojects.core.testing.browser",
    "keyprojects.core.testing.servers",  # real SMTP and HTTP servers on loopback
]
# Fast hashing: every test creates one user per role.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
