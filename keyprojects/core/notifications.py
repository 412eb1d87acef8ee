"""Notifications (消息): one function tells users of an event, after the write that caused it
commits, in the inbox, by e-mail and through the city's webhooks.

Each app declares its kinds in its own `notifications.py` (found at start-up, as admin.py
is), and calls `notify()` inside the service that makes the change:

    REPORT_SUBMITTED = register_kind(
        "projects.report_submitted",
        label=_("Monthly report submitted"),
        text=_("%(actor)s submitted the %(month)s report of “%(project)s”."),
    )
    notify(reviewers, REPORT_SUBMITTED, target=report, actor=by, params={"month": "2024-03", ...})

A row keeps only the kind and its parameters; `render()` puts them into words when the row is
read, in the reader's language. E-mail follows each user's choice per kind (消息设置:
immediately, in the daily digest, or off; the kind's default until the user chooses), and goes
only to users with an address. Immediate mails are sent by a background task, never inside the
request; `send_daily_digests(day)` is the daily job. Webhooks are core/webhooks.py.
"""

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from importlib import import_module
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext

from .notification_models import DailyDigest, EmailChoice, Notification, NotificationPreference

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    """A kind of notification an app declares: its key, its name in the settings page, the
    sentence it makes from its parameters, and how it goes by e-mail until a user chooses."""

    key: str
    label: Promise | str
    text: Promise | str | Callable[[Mapping[str, Any]], str]
    email: str = EmailChoice.IMMEDIATE

    def render(self, params: Mapping[str, Any]) -> str:
        if callable(self.text):
            return str(self.text(params))
        return str(self.text) % _Blank(params)


class _Blank(dict):
    """Parameters for a sentence: one an older row lacks reads as empty, never as an error."""

    def __missing__(self, key):
        return ""


KINDS: dict[str, Kind] = {}


def register_kind(key: str, *, label, text, email: str = EmailChoice.IMMEDIATE) -> Kind:
    """Declare a kind (from an app's notifications.py); declaring the same key again replaces it."""
    if email not in EmailChoice.values:
        raise ValueError(f"{key}: e-mail default must be one of {EmailChoice.values}")
    kind = Kind(key=key, label=label, text=text, email=email)
    KINDS[key] = kind
    return kind


def autodiscover() -> None:
    """Import every app's notifications.py, so that every kind is declared before the settings
    page lists them or a worker renders one."""
    for config in apps.get_app_configs():
        if config.name.startswith("keyprojects.") and module_has_submodule(config.module, "notifications"):
            import_module(f"{config.name}.notifications")


def get_kind(kind: "Kind | str") -> Kind:
    key = kind.key if isinstance(kind, Kind) else kind
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown notification kind {key!r}: declare it with register_kind()") from None


def render(notification: Notification) -> str:
    """The notification in words, in the active language."""
    kind = KINDS.get(notification.kind)
    if kind is None:  # a kind no app declares any more
        return notification.kind
    return kind.render(notification.params)


def kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return str(kind.label) if kind else key


# --- writing -------------------------------------------------------------------------------


def notify(
    recipients: "Iterable[User | None]",
    kind: Kind | str,
    *,
    target: models.Model | None = None,
    actor: "User | None" = None,
    params: Mapping[str, Any] | None = None,
    url: str | None = None,
) -> list[Notification]:
    """Tell `recipients` (users) of an event of `kind`: one Notification each, written in the
    caller's transaction, so a rolled-back write leaves none. E-mail and webhooks go once it
    commits, from background tasks; a channel that fails is logged and never undoes the write.

    Each user is told once; inactive users and the actor are skipped. `params` fill the kind's
    sentence (names, months: values that read the same in every language); the actor's name is
    `actor` there. The link is `url`, else the target's own page."""
    spec = get_kind(kind)
    users = _recipients(recipients, actor)
    if not users:
        return []
    values = {**(params or {})}
    if actor is not None:
        values.setdefault("actor", str(actor))
    values = json.loads(DjangoJSONEncoder().encode(values))  # what is stored is what every reader renders
    if url is None:
        url = target.get_absolute_url() if target is not None and hasattr(target, "get_absolute_url") else ""
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    plans = email_plans(users, spec)
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=spec.key,
            actor=actor if getattr(actor, "pk", None) else None,
            params=values,
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            url=url or "",
            created=now,
            email=plans[user.pk],
        )
        for user in users
    )
    immediate = [row.pk for row in rows if row.email == EmailChoice.IMMEDIATE]
    transaction.on_commit(partial(_deliver, [row.pk for row in rows], immediate, spec.key), robust=True)
    return rows


def _recipients(recipients: "Iterable[User | None]", actor: "User | None") -> "list[User]":
    seen = {getattr(actor, "pk", None)}  # the actor knows what they did
    users = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def email_plans(users: "list[User]", kind: Kind) -> dict[int, str]:
    """How each user gets this kind by e-mail: their choice, else the kind's default; off for a
    user without an address. One query."""
    chosen = dict(
        NotificationPreference.objects.filter(user__in=[u.pk for u in users], kind=kind.key).values_list(
            "user_id", "email"
        )
    )
    return {u.pk: chosen.get(u.pk, kind.email) if u.email else EmailChoice.OFF for u in users}


def preferences_of(user: "User") -> dict[str, str]:
    """Every declared kind with the user's choice for it (or the default), in label order."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {key: chosen.get(key, kind.email) for key, kind in sorted(KINDS.items(), key=lambda i: str(i[1].label))}


@transaction.atomic
def set_preferences(user: "User", choices: Mapping[str, str], *, by: "User | None") -> None:
    """Save a user's e-mail choice per kind (消息设置). Unknown kinds or choices are refused."""
    from django.core.exceptions import ValidationError

    from .context import acting

    for key, choice in choices.items():
        if key not in KINDS or choice not in EmailChoice.values:
            raise ValidationError(gettext("Choose one of the offered settings."))
    existing = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    with acting(by):
        for key, choice in choices.items():
            preference = existing.get(key)
            if preference is None:
                if choice != KINDS[key].email:  # an untouched kind keeps following its default
                    NotificationPreference.objects.create(user=user, kind=key, email=choice)
            elif preference.email != choice:
                preference.email = choice
                preference.save()


# --- reading -------------------------------------------------------------------------------


def inbox(user: "User") -> models.QuerySet:
    """The user's notifications, unread first, newest first within each."""
    unread_first = models.ExpressionWrapper(models.Q(read_at__isnull=True), output_field=models.BooleanField())
    return mine(user).order_by(unread_first.desc(), "-created", "-pk")


def mine(user: "User") -> models.QuerySet:
    """A user's own notifications: an inbox is personal, a superuser's too (restrict() would
    give a superuser every row)."""
    return Notification.objects.restrict(user).filter(recipient_id=user.pk)


def unread_count(user: "User") -> int:
    """The navbar badge: one query on the unread index (notification_unread)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def mark_all_read(user: "User") -> int:
    return mine(user).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- delivery --------------------------------------------------------------------------------


def _deliver(ids: list[int], immediate: list[int], kind: str) -> None:
    """After the commit: queue the immediate mails and the webhooks, each on its own, so that
    one failing channel leaves the others (and the committed write) alone."""
    try:
        if immediate:
            from .notification_tasks import send_notification_emails_task

            send_notification_emails_task.enqueue(immediate)
    except Exception:
        logger.exception("Queueing notification e-mails failed (%s)", kind)
    try:
        from .webhooks import queue_webhooks

        queue_webhooks(ids, kind)
    except Exception:
        logger.exception("Queueing webhooks failed (%s)", kind)


def site_url(path: str) -> str:
    """An address to put in a mail or a webhook body: the site's base (SITE_URL) and the path."""
    base = getattr(settings, "KEYPROJECTS_SITE_URL", "").rstrip("/")
    return f"{base}{path}" if path.startswith("/") else path


def open_url(notification: Notification) -> str:
    """The inbox link that marks the notification read and goes on to its object."""
    return site_url(reverse("core:notification_open", args=[notification.pk]))


def _mail_context(user: "User", **extra: Any) -> dict[str, Any]:
    return {
        "user": user,
        "site": gettext("Key Projects"),
        "settings_url": site_url(reverse("core:notification_settings")),
        "inbox_url": site_url(reverse("core:inbox")),
        **extra,
    }


def _notification_message(notification: Notification) -> mail.EmailMessage:
    user = notification.recipient
    text = render(notification)
    subject = gettext("[%(site)s] %(text)s") % {"site": gettext("Key Projects"), "text": text}
    body = render_to_string(
        "core/email/notification.txt",
        _mail_context(user, text=text, link=open_url(notification), kind=kind_label(notification.kind)),
    )
    return mail.EmailMessage(" ".join(subject.split())[:200], body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_notification_emails(ids: list[int]) -> int:
    """Immediate mails, one per notification, in the platform's language. A notification is
    claimed before it is sent, so a task run twice sends it once; a mail that cannot be sent
    goes into the recipient's next daily digest instead of being lost."""
    sent = 0
    pending = Notification.objects.filter(pk__in=ids, email=EmailChoice.IMMEDIATE, emailed_at__isnull=True)
    with translation.override(settings.LANGUAGE_CODE):
        for notification in pending.select_related("recipient"):
            user = notification.recipient
            if not user.is_active or not user.email:
                Notification.objects.filter(pk=notification.pk).update(email=EmailChoice.OFF)
                continue
            claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True)
            if not claimed.update(emailed_at=timezone.now()):
                continue  # another run sent it
            try:
                _notification_message(notification).send()
            except Exception:
                logger.exception("Mail for notification %s failed; it goes into the daily digest", notification.pk)
                Notification.objects.filter(pk=notification.pk).update(emailed_at=None, email=EmailChoice.DAILY)
            else:
                sent += 1
    return sent


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day from midnight to midnight in the platform's time zone (Asia/Shanghai)."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


def send_daily_digests(day: date) -> int:
    """每日汇总: one mail per user for `day`, listing their digest notifications not yet
    e-mailed that were written before the day ended (earlier ones a failed run left included).
    Idempotent: a user who had the digest for `day` gets nothing more for it, so a second call
    sends nothing; what arrives later goes into the next day's digest. Returns the mails sent."""
    _, end = day_bounds(day)
    pending = (
        Notification.objects.filter(email=EmailChoice.DAILY, emailed_at__isnull=True, created__lt=end)
        .select_related("recipient")
        .order_by("recipient_id", "created", "pk")
    )
    already = set(DailyDigest.objects.filter(day=day).values_list("user_id", flat=True))
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user_id, group in groupby(list(pending), key=lambda n: n.recipient_id):
            rows = list(group)
            user = rows[0].recipient
            if user_id in already:
                continue
            if not user.is_active or not user.email:
                Notification.objects.filter(pk__in=[n.pk for n in rows]).update(email=EmailChoice.OFF)
                continue
            try:
                sent += _send_digest(user, day, rows)
            except Exception:  # this user's digest is tried again by the next call; the others go on
                logger.exception("Daily digest for %s on %s failed", user, day)
    return sent


@transaction.atomic
def _send_digest(user: "User", day: date, rows: list[Notification]) -> int:
    """The digest row, the notifications marked e-mailed and the mail, together: a mail that
    fails rolls back the row, and the next call tries again."""
    digest, created = DailyDigest.objects.get_or_create(user=user, day=day, defaults={"count": len(rows)})
    if not created:
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    items = [{"text": render(n), "link": open_url(n), "time": timezone.localtime(n.created)} for n in rows]
    subject = gettext("[%(site)s] Daily digest for %(day)s: %(count)s notifications") % {
        "site": gettext("Key Projects"),
        "day": day.isoformat(),
        "count": len(rows),
    }
    body = render_to_string("core/email/digest.txt", _mail_context(user, items=items, day=day))
    mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    return 1
