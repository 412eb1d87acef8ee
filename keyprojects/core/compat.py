"""django.tasks on Django 6, the django-tasks backport on Django 5.2: code imports from here."""

try:
    from django.tasks import task, task_backends  # noqa: F401
except ImportError:  # Django 5.2
    from django_tasks import task, task_backends  # noqa: F401
