from keyprojects.core.search import register

from .models import Lead, TargetEnterprise

register(Lead, "name", "target__name")
register(TargetEnterprise, "name", "credit_code")
