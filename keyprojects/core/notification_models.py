"""Rows behind notifications (core/notifications.py, core/webhooks.py): what each user was
told, how each user wants to be told by e-mail, and the gateways told by webhook.

Kept out of core/models.py, which imports this module in one line, so that the change log
and the notification rows grow apart."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import RestrictedQuerySet, Scope
from .models import BaseModel, LoggedModel, LoggedQuerySet

__all__ = [
    "DailyDigest",
    "EmailChoice",
    "Notification",
    "NotificationPreference",
    "WebhookDelivery",
    "WebhookEndpoint",
]


class EmailChoice(models.TextChoices):
    """How a user wants a kind of notification by e-mail."""

    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    """消息: one event told to one user. Only the kind and its parameters are stored; the words
    are made when the message is read, in the reader's language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_id = models.BigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # The target's address when the notification was written: the inbox links without a query per row.
    url = models.CharField(_("link"), max_length=500, blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # How it goes by e-mail, decided when written from the recipient's preference (OFF without an address).
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailChoice.choices, default=EmailChoice.OFF)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(owner="recipient")  # a user's inbox is theirs alone, whatever their role

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The navbar badge on every page: an index holding a user's unread rows only.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["recipient", "-created"], name="notification_inbox"),
            # The daily digest and the immediate mails: rows still to be e-mailed.
            models.Index(
                fields=["email", "created"], condition=models.Q(emailed_at__isnull=True), name="notification_mail"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        from .notifications import render

        return render(self)

    @property
    def unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(LoggedModel):
    """消息设置: how one user wants one kind of notification by e-mail. A kind the user has not
    chosen for follows the default its app declared."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=100)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailChoice.choices)

    objects = LoggedQuerySet.as_manager()
    scope = Scope(owner="user")

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.user} · {self.kind}"


class DailyDigest(models.Model):
    """每日汇总: the one digest mail a user gets for a day; its row makes a second run for the
    same day send nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    count = models.PositiveIntegerField(_("notifications"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(owner="user")

    class Meta:
        ordering = ["-day", "user"]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="daily_digest_once")]

    def __str__(self):
        return f"{self.user} · {self.day}"


class WebhookEndpoint(BaseModel):
    """消息推送接口: an SMS or chat gateway the city administrator points notifications at.
    Bodies are signed with the secret (HMAC-SHA256, docs/operations.md); the secret is never
    shown back, and the change log records only that it changed."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("address"), max_length=500, help_text=_("The gateway's HTTPS address that receives a POST.")
    )
    secret = models.CharField(_("secret"), max_length=200)
    kinds = models.JSONField(
        _("kinds"),
        default=list,
        blank=True,
        help_text=_("The kinds of notification sent; none ticked sends every kind."),
    )
    active = models.BooleanField(_("active"), default=True)

    scope = Scope()  # city-wide roles only: the city administrator keeps it, the auditor reads it
    log_mask = frozenset({"secret"})

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.name

    def wants(self, kind: str) -> bool:
        return self.active and self.archived_at is None and (not self.kinds or kind in self.kinds)


class WebhookDelivery(models.Model):
    """推送记录: one event sent to one webhook, with every attempt's outcome; a failed attempt
    is tried again later, each wait twice the one before."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("webhook"), on_delete=models.PROTECT, related_name="deliveries"
    )
    kind = models.CharField(_("kind"), max_length=100)
    payload = models.JSONField(_("body"), encoder=DjangoJSONEncoder)
    created = models.DateTimeField(_("time"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope()  # as its webhook

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # retry_webhooks(): the deliveries due, read from this index alone.
            models.Index(fields=["next_attempt_at"], condition=models.Q(delivered_at__isnull=True), name="webhook_due"),
        ]

    def __str__(self):
        return f"{self.endpoint} · {self.kind} · {self.created:%Y-%m-%d %H:%M}"

    @property
    def status(self) -> str:
        if self.delivered_at:
            return "delivered"
        return "pending" if self.next_attempt_at else "failed"

    def get_status_display(self) -> str:
        return str({"delivered": _("delivered"), "pending": _("waiting"), "failed": _("gave up")}[self.status])
