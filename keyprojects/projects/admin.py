"""Lists (名单) in the Django admin: where an administrator marks a list's projects as open data."""

from django.contrib import admin

from .models import ProjectList


@admin.register(ProjectList)
class ProjectListAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "open_data")
    list_editable = ("open_data",)

    def has_delete_permission(self, request, obj=None):
        return False  # nothing users created is deleted
