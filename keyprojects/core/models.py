"""Base classes every domain model starts from, and the rows core keeps for all apps:
the change log, background jobs and saved list views."""

import functools
from operator import attrgetter

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.db.models.fields.files import FieldFile
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from .access import RestrictedQuerySet, Scope
from .context import current_actor
from .text import strip_invisible


class ChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    ARCHIVE = "archive", _("archived")
    RESTORE = "restore", _("restored")
    # Sign-in events, in the same chain (core/audit.py).
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_fail", _("failed to sign in")
    LOGOUT = "logout", _("signed out")
    TOKEN = "token", _("API token created")


def _snapshot(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


_encoder = DjangoJSONEncoder()
_PLAIN = frozenset({str, int, float, bool, list, dict, type(None)})


def _jsonable(value):
    if type(value) in _PLAIN or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    if isinstance(value, FieldFile):
        return value.name or ""
    return _encoder.default(value)


COPY_FROM = 100  # new rows from which PostgreSQL gets them by COPY


def by_copy(count, using):
    return count >= COPY_FROM and connections[using].vendor == "postgresql"


def copyable(model, objs, using):
    return by_copy(len(objs), using) and not model._meta.parents and all(o.pk is None for o in objs)


def copy_rows(model, objs, using):
    """Many new rows by COPY, their ids drawn from the table's sequence first: an INSERT's
    parameters are quoted one by one in Python, most of the time of an import's tens of
    thousands of rows (its projects, their node templates and the change log)."""
    connection = connections[using]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
            obj.pk = pk
    copy_values(connection, meta.db_table, [f.column for f in fields], _copy_rows_of(objs, fields, connection))
    for obj in objs:
        obj._state.adding, obj._state.db = False, using


def copy_values(connection, table, columns, rows):
    """`rows` (tuples in the order of `columns`) into `table` by one COPY."""
    quote = connection.ops.quote_name
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _copy_rows_of(objs, fields, connection):
    """The new rows' values, read by one attrgetter per row. A field that stamps itself when
    saved (auto_now) gets one stamp for the whole batch, as one transaction writes it; a field
    that sets something else on save (files) or that psycopg cannot take as it is (JSON) goes
    through the field's own preparation, row by row. Lazy text is made text."""
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for field in stamped:
        stamp = field.pre_save(objs[0], True)
        for obj in objs:
            setattr(obj, field.attname, stamp)
    plain = (models.Field.pre_save, models.DateField.pre_save)  # a date field not stamped saves its value
    prepared = [
        (i, f)
        for i, f in enumerate(fields)
        if f not in stamped and (type(f).pre_save not in plain or isinstance(f, models.JSONField))
    ]
    values = attrgetter(*[f.attname for f in fields])
    for obj in objs:
        row = [str(v) if isinstance(v, Promise) else v for v in values(obj)]
        for i, field in prepared:
            row[i] = field.get_db_prep_save(field.pre_save(obj, True), connection)
        yield row


class LoggedQuerySet(RestrictedQuerySet):
    """Bulk writes are logged too: NetBox misses them, we do not."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for o in objs:
            o.before_write()  # what save() would have set
        if copyable(self.model, objs, self.db) and not args and not kwargs.keys() - {"batch_size"}:
            copy_rows(self.model, objs, self.db)
        else:
            objs = super().bulk_create(objs, *args, **kwargs)
        log = self.model.loggable
        rows = []
        for o in objs:
            o._loaded = _snapshot(o)  # a later save() or bulk_update() compares with what was written
            rows.append((o, ChangeAction.CREATE, log({}, o._loaded)))
        ObjectChange.log_many(rows)
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Django runs bulk_update() as one update() per batch, and update() below logs what
        # changed in the database; logging here as well would record every change twice.
        names = {self.model._meta.get_field(f).attname for f in fields}
        count = super().bulk_update(objs, fields, *args, **kwargs)
        for obj in objs:
            obj._loaded = {**getattr(obj, "_loaded", {}), **{k: v for k, v in _snapshot(obj).items() if k in names}}
        return count

    def update(self, **kwargs):
        names = [self.model._meta.get_field(f).attname for f in kwargs]
        if set(names) <= getattr(self.model, "log_exclude", frozenset()):
            # Only fields the log leaves out (derived daily: a light, working days overdue): there
            # is nothing to record, so the rows are not read before and after (bench/RESULTS.md).
            return super().update(**kwargs)
        before = {row["pk"]: row for row in self.values("pk", *names)}
        count = super().update(**kwargs)
        if before:
            changed = self.model.objects.filter(pk__in=before).iterator(chunk_size=2000)
            rows = [
                (o, ChangeAction.UPDATE, o.loggable(before[o.pk], {n: getattr(o, n) for n in names})) for o in changed
            ]
            ObjectChange.log_many([row for row in rows if row[2]])  # rows whose values did not change: no news
        return count

    def delete(self):
        raise TypeError("Rows users created are archived, never deleted: use core.services.archive().")


class LoggedModel(models.Model):
    """Every save through any path (form, API, importer, task, command) writes an
    ObjectChange row with the fields that changed, before and after; nothing is deleted."""

    log_exclude = frozenset({"updated"})  # noise, not news
    log_mask = frozenset()  # recorded as changed, value hidden (password hashes)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = dict(zip(field_names, values, strict=True))
        return instance

    def before_write(self):
        """Values a row needs however it is written, by save() or by bulk_create(): a model sets
        its tokens and derived fields here, not in save(), so that a bulk import keeps them."""

    def save(self, *args, **kwargs):
        creating = self._state.adding
        before = {} if creating else getattr(self, "_loaded", {})
        self.before_write()
        super().save(*args, **kwargs)
        after = _snapshot(self)
        changes = self.loggable(before, after)
        if creating or changes:
            action = ChangeAction.CREATE if creating else ChangeAction.UPDATE
            if "archived_at" in changes:
                action = ChangeAction.ARCHIVE if getattr(self, "archived_at", None) else ChangeAction.RESTORE
            ObjectChange.log_many([(self, action, changes)])
        self._loaded = after

    save.alters_data = True

    def clean_fields(self, exclude=None):
        # Invisible characters out of text before the blank check (core/text.py): a name made
        # only of a zero-width space is empty, whether it came from a form, the API or a file.
        for name in _text_fields(type(self)):
            value = getattr(self, name)
            if value and isinstance(value, str):
                setattr(self, name, strip_invisible(value))
        # A relation a form field has just found in its own queryset (BaseModelForm.clean names
        # them) is not looked up again by ForeignKey.validate(): a query per relation per row.
        found = getattr(self, "found_relations", {})
        checked = {name for name, key in found.items() if getattr(self, self._meta.get_field(name).attname) == key}
        super().clean_fields(exclude={*(exclude or ()), *checked})

    @classmethod
    def loggable(cls, before, after):
        """The fields that changed from `before` to `after`, as the log keeps them: [old, new] in
        JSON, noise left out, secrets masked."""
        changes = {}
        for name, value in after.items():
            old = before.get(name)
            if old != value and name not in cls.log_exclude:
                changes[name] = ["***", "***"] if name in cls.log_mask else [_jsonable(old), _jsonable(value)]
        return changes

    def delete(self, *args, **kwargs):
        raise TypeError("Rows users created are archived, never deleted: use core.services.archive().")

    @classmethod
    def url_name(cls, view):
        return f"{cls._meta.app_label}:{cls._meta.model_name}_{view}"

    def get_absolute_url(self):
        pattern = _detail_url(self.url_name("detail"), get_script_prefix())
        return pattern.replace(_PK, str(self.pk)) if pattern and self.pk is not None else ""

    def _get_FIELD_display(self, field):
        """Django builds the field's whole choices dict for every call, that is for every cell of
        a choice column in a list; the dict is built once per field here."""
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


@functools.cache
def _text_fields(model) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField)))


_PK = "2147483646"  # a pk that stands for the row's in a reversed detail address


@functools.cache
def _detail_url(name, script_prefix):
    """reverse() once per detail view and script prefix: a 50-row list asked it for every row,
    a tenth of the page."""
    try:
        return reverse(name, args=[_PK])
    except NoReverseMatch:
        return ""


@functools.cache
def _choice_labels(field):
    return dict(make_hashable(field.flatchoices))


class BaseModel(LoggedModel):
    """What every domain model starts from: timestamps, scoping through
    `objects.restrict()`, the change log and archiving instead of deleting."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = LoggedQuerySet.as_manager()
    scope = Scope()

    class Meta:
        abstract = True

    @property
    def is_archived(self):
        return self.archived_at is not None


class AppendOnly(RestrictedQuerySet):
    """The change log is written once: no update, no delete (core/audit.py)."""

    def update(self, **kwargs):
        raise TypeError("The change log is append-only.")

    def delete(self):
        raise TypeError("The change log is append-only.")


class ChainHead(models.Model):
    """The hash of the change log's last entry; its one row is locked by each writer of the log."""

    last_hash = models.CharField(max_length=64)

    def __str__(self):
        return self.last_hash


class ObjectChange(models.Model):
    """变更记录: one write to one object, with who, when, why (request or task) and what changed;
    append-only, each entry carrying the hash of the one before it (core/audit.py)."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.CharField(_("actor"), max_length=150)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(_("previous entry's hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AppendOnly.as_manager()
    scope = Scope()  # only city administrators and auditors (city-wide roles) read the global log
    rights = {"add": frozenset(), "change": frozenset(), "archive": frozenset()}  # written by saves alone

    class Meta:
        ordering = ["-time", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-time"]),
            models.Index(fields=["content_type", "-id"], name="objectchange_latest"),  # figures.data_version
        ]
        verbose_name = _("change")
        verbose_name_plural = _("change log")

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        raise TypeError("Change-log entries are written by log_many() alone, chained (core/audit.py).")

    def delete(self, *args, **kwargs):
        raise TypeError("The change log is append-only.")

    @classmethod
    def log_many(cls, rows):
        from .audit import FIELDS, chain

        if not rows:
            return
        actor = current_actor()
        user = actor.user if getattr(actor.user, "pk", None) else None
        ct = ContentType.objects.get_for_model(rows[0][0], for_concrete_model=True)
        now, user_id, label = timezone.now(), getattr(user, "pk", None), str(actor.label)
        # A list, not a generator: str(obj) may read a related row (a report names its project),
        # and the connection can run no query while COPY is open. One time for the batch: the
        # order among its entries is their id's.
        entries = [
            {
                "time": now,
                "user_id": user_id,
                "actor": label,
                "request_id": actor.request_id,
                "content_type_id": ct.pk,
                "object_id": obj.pk,
                "object_repr": str(obj)[:200],
                "action": action,
                "changes": changes,
            }
            for obj, action, changes in rows
        ]
        with transaction.atomic():
            chain(entries)
            if by_copy(len(rows), "default"):  # an import's entries go as plain values
                columns = [*FIELDS, "prev_hash", "hash"]
                values = [tuple(e[c] for c in columns) for e in entries]
                position = columns.index("changes")
                values = [(*v[:position], _encoder.encode(v[position]), *v[position + 1 :]) for v in values]
                copy_values(connections["default"], cls._meta.db_table, columns, values)  # COPY reads JSON text
            else:
                cls._base_manager.bulk_create(cls(**entry) for entry in entries)

    @classmethod
    def for_object(cls, obj):
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        return cls.objects.filter(content_type=ct, object_id=obj.pk).select_related("user", "content_type")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Job(models.Model):
    """后台任务: long work (import, export, report) a user started and watches."""

    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, encoder=DjangoJSONEncoder)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(owner="created_by")

    class Meta:
        ordering = ["-created"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return self.title

    @property
    def percent(self):
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished_ok(self):
        return self.status == JobStatus.DONE

    def get_absolute_url(self):
        return reverse("core:job_detail", args=[self.pk])


class SavedView(models.Model):
    """保存的视图: a named set of filters, sort and columns for one list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(_("list"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("query"), max_length=2000)
    shared = models.BooleanField(_("shared with everyone"), default=False)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(owner="user")

    class Meta:
        ordering = ["name"]
        unique_together = [("user", "list_name", "name")]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self):
        return self.name


# Rows core keeps in their own modules, imported here so that Django finds their models.
from .calendar import CalendarDay, CalendarYear  # noqa: E402, F401
from .notification_models import *  # noqa: E402, F403  (notifications keep their rows in their own module)
from .schedule import ScheduledRun  # noqa: E402, F401
