from keyprojects.core.search import register

from .models import Cadre, Lead, TargetEnterprise

register(Lead, "name", "target__name")
register(TargetEnterprise, "name", "credit_code")
register(Cadre, "user__first_name", "user__username")
