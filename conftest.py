from django.conf import settings

# Tests run jobs in-process; test_worker starts the real database worker itself.
settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

pytest_plugins = [
    "keyprojects.core.testing.fixtures",
    "keyprojects.core.testing.browser",
    "keyprojects.core.testing.servers",  # real SMTP and HTTP servers on loopback
]
# Fast hashing: every test creates one user per role.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
