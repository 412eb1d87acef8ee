from django.contrib.auth import get_user_model

from keyprojects.core.access import Action, can
from keyprojects.core.forms import BaseModelForm

from .models import IDENTITY_FIELDS, Enterprise, keeps_identity
from .validators import normalise_credit_code, normalise_industry_code


class EnterpriseForm(BaseModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "region",
            "industry",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "bank_name",
            "bank_account",
            "users",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only who may see user accounts picks an enterprise's users; for everyone else the
        # field is absent, so that saving the form keeps the users it has.
        if not can(self.user, Action.VIEW, get_user_model()):
            del self.fields["users"]
        if self.instance.pk and not keeps_identity(self.user):
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True  # shown, and a posted value is ignored

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data.get("credit_code")) or None

    def clean_industry(self):
        return normalise_industry_code(self.cleaned_data.get("industry"))
