from keyprojects.core.forms import BaseModelForm

from .models import Contact, Department, Membership, Region, RegionAlias


class RegionForm(BaseModelForm):
    class Meta:
        model = Region
        fields = ["name", "code", "level", "parent"]


class RegionAliasForm(BaseModelForm):
    class Meta:
        model = RegionAlias
        fields = ["name", "region"]


class DepartmentForm(BaseModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "region"]


class ContactForm(BaseModelForm):
    class Meta:
        model = Contact
        fields = ["name", "post", "phone", "email", "region", "department", "office", "user"]


class MembershipForm(BaseModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "region", "department", "office", "active"]
