import django_tables2 as tables

from keyprojects.core.tables import BaseTable

from .models import Enterprise


class EnterpriseTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "region",
            "industry",
            "legal_representative",
            "contact_name",
            "contact_phone",
        ]
