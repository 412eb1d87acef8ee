from keyprojects.core.search import register

from .models import Phase

register(Phase, "title", "venue")
