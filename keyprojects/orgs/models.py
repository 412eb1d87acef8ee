from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Role, Scope
from keyprojects.core.models import BaseModel, LoggedModel, LoggedQuerySet

from .choices import OfficeKind, RegionLevel

phone_validator = RegexValidator(r"^[0-9+\-() ]{5,20}$", _("Enter a valid phone number."))


class UserManager(BaseUserManager.from_queryset(LoggedQuerySet)):
    use_in_migrations = True


class User(LoggedModel, AbstractUser):
    """用户: one account, local or through single sign-on; its roles come from memberships."""

    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    # The language the user chose with the top bar's button; blank: the deployment's (zh-hans).
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)

    objects = UserManager()
    scope = Scope()
    log_exclude = frozenset({"last_login"})
    log_mask = frozenset({"password"})

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name(self.first_name, self.last_name, self.username)

    @staticmethod
    def display_name(first_name, last_name, username):
        """The name a user is shown by, from the columns alone (choice lists read no instances)."""
        return f"{first_name} {last_name}".strip() or username


class Region(BaseModel):
    """市 / 县(区) / 功能区: the administrative tree, with GB/T 2260 codes where they exist."""

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        help_text=_("GB/T 2260 code; functional zones have none."),
        validators=[RegexValidator(r"^\d{6}(\d{3})?$", _("A region code has 6 or 9 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path ("1/4/") so that a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True)

    scope = Scope(reference=True)
    log_exclude = frozenset({"updated", "path"})  # derived from parent

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")]

    def __str__(self):
        return self.name

    @property
    def is_zone(self):
        return self.level == RegionLevel.ZONE

    def save(self, *args, **kwargs):
        if not self.pk:
            super().save(*args, **kwargs)  # the path needs our own id
            kwargs = {**kwargs, "force_insert": False, "force_update": True}
        self.path = f"{self.parent.path if self.parent else ''}{self.pk}/"
        super().save(*args, **kwargs)

    def subtree(self):
        return Region.objects.filter(path__startswith=self.path)


class RegionAlias(BaseModel):
    """地区别名: another name ledgers give a region (市城乡一体化示范区, 漯河经开区), kept as data
    a city administrator extends, so that an import recognises it."""

    name = models.CharField(_("alias"), max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="aliases")

    scope = Scope(reference=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = _("region alias")
        verbose_name_plural = _("region aliases")

    def __str__(self):
        return self.name


class Department(BaseModel):
    """部门: a government department at a level of the region tree (自然资源和规划局, 供电公司 …)."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments")

    scope = Scope(reference=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self):
        return self.name


class Office(BaseModel):
    """四大办: one of the four coordinating offices; the set is fixed, names are editable."""

    kind = models.CharField(_("kind"), max_length=20, choices=OfficeKind.choices, unique=True)
    name = models.CharField(_("name"), max_length=100)

    scope = Scope(reference=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("office")
        verbose_name_plural = _("four offices")

    def __str__(self):
        return self.name


class Contact(BaseModel):
    """联系人: a person projects and problems name (leader, officer, department contact)."""

    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )

    scope = Scope(region="region", department="department", office="office")

    class Meta:
        ordering = ["name", "pk"]
        # The list's default order: page one reads 50 index entries instead of sorting every row.
        indexes = [models.Index(fields=["name", "id"], name="contact_name_id")]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name}（{self.post}）" if self.post else self.name


class Membership(BaseModel):
    """角色授权: a user's role in a scope (a region subtree, a department or an office)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    office = models.ForeignKey(Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT)
    active = models.BooleanField(_("active"), default=True)

    scope = Scope()  # managed by city administrators; users read their own on the home page

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        where = self.region or self.department or self.office
        return f"{self.user} · {self.get_role_display()}" + (f" · {where}" if where else "")

    def clean(self):
        from django.core.exceptions import ValidationError

        needs = {
            Role.REGION_STAFF: "region",
            Role.DEPARTMENT_STAFF: "department",
            Role.OFFICE_STAFF: "office",
        }
        field = needs.get(self.role)
        if field and not getattr(self, f"{field}_id"):
            raise ValidationError(
                {field: _("This role needs a %(field)s.") % {"field": self._meta.get_field(field).verbose_name}}
            )
