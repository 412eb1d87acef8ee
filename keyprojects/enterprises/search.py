from keyprojects.core.search import register

from .models import Enterprise

register(Enterprise, "name", "credit_code")
