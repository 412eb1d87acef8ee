from keyprojects.core.search import register

from .models import Contact, Department, Region

register(Region, "name", "code")
register(Department, "name", "short_name")
register(Contact, "name", "post", "phone")
