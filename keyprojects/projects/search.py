from keyprojects.core.search import register

from .models import Project

register(Project, "name", "code")
