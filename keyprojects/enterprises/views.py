from keyprojects.core.views import ModelViews

from .filtersets import EnterpriseFilterSet
from .forms import EnterpriseForm
from .importers import EnterpriseImporter
from .models import Enterprise
from .tables import EnterpriseTable


class EnterpriseViews(ModelViews):
    model = Enterprise
    filterset = EnterpriseFilterSet
    table = EnterpriseTable
    form = EnterpriseForm
    importer = EnterpriseImporter
    select_related = ("region",)

    @classmethod
    def detail_fields(cls, obj):
        def label(name):
            return Enterprise._meta.get_field(name).verbose_name

        industry = f"{obj.industry} · {obj.industry_section}" if obj.industry_section else obj.industry
        return [
            (label("name"), obj.name),
            (label("credit_code"), obj.credit_code),
            (label("region"), obj.region),
            (label("industry"), industry),
            (label("legal_representative"), obj.legal_representative),
            (label("contact_name"), obj.contact_name),
            (label("contact_phone"), obj.contact_phone),
            (label("users"), "、".join(str(u) for u in obj.users.all())),
        ]
