"""History in sentences: one renderer for the change log, an object's 变更历史 and every timeline.

Each row of history becomes a `Line`: when (local time, as the reader writes it), who (a user by
name, or 系统 / System), and a sentence in the reader's language — "张三 将 总投资 由 6.82 亿元
改为 7.00 亿元。" — with related records by name and linked, choices by label, money by
core.display's rules (one unit per sentence), dates and times readable. `core/_history.html` draws
the lines; `core/_timeline.html` (typed events) and `core/_changes.html` (the change log) both
include it, so every timeline reads the same way.

- `change_lines(changes)` for ObjectChange rows: related records are read once per model for the
  whole page (never per row); a run of rows written by one import or command
  (`collapse_runs`) reads as one line with its counts and a link to the job.
- `event_lines(events)` for rows of any `core.events.Event` subclass (their `sentence`).
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, Min
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from . import display

HIDDEN = {"id", "created", "updated", "archived_at"}  # bookkeeping, not news
RUN_MIN = 3  # rows of one import or command in a row on a page that read as one line
_UNIT = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")  # "总投资（万元）" → "总投资" when the sentence names the unit


@dataclass
class Line:
    """One line of history, ready for core/_history.html."""

    time: Any
    actor: str
    sentence: SafeString
    items: list = field(default_factory=list)  # further sentences (several fields changed)
    folded: list = field(default_factory=list)  # what a new record was created with (folded away)
    note: str = ""
    files: list = field(default_factory=list)  # (name, url or "")
    subject: str = ""  # the record (the global log names it; an object's own history need not)
    subject_type: str = ""
    subject_url: str = ""
    kind: str = ""  # create / update / archive / restore / run / event

    @property
    def time_text(self) -> str:
        return display.when(self.time)


def actor_name(user, label: str = "") -> str:
    """A user by name; a write without a user is the system's, in the reader's language."""
    if user is not None:
        return str(user)
    if not label or label == "system":
        return _("System")
    return label


def _who(name: str) -> SafeString:
    return format_html('<span class="fw-semibold history-actor">{}</span>', name)


# --- values -------------------------------------------------------------------------------------


class _Names:
    """Related records named once per page: {model: {pk: (name, url)}}, one query per model."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.found = {}

    def want(self, model, pk):
        if pk not in (None, ""):
            self.wanted[model].add(pk)

    def load(self):
        for model, pks in self.wanted.items():
            rows = model._base_manager.filter(pk__in=pks)
            self.found[model] = {row.pk: (str(row), _url_of(row)) for row in rows}

    def html(self, model, pk):
        name, url = self.found.get(model, {}).get(pk, (None, ""))
        if name is None:
            return format_html("{} #{}", model._meta.verbose_name, pk)
        return format_html('<a href="{}">{}</a>', url, name) if url else format_html("{}", name)


def _url_of(obj):
    try:
        return obj.get_absolute_url() or ""
    except Exception:  # a model without pages of its own (a user): its name alone
        return ""


# What sign-in entries (core/audit.py) record beside a user, which are no fields of the user.
AUTH_DETAILS = {
    "address": gettext_lazy("address"),
    "agent": gettext_lazy("browser"),
    "token": gettext_lazy("API token"),
    "ended": gettext_lazy("ended session"),
}


def _fields_by_attname(model):
    return {f.attname: f for f in model._meta.concrete_fields} if model else {}


def _label(model_field, name):
    if model_field is None:
        return str(AUTH_DETAILS.get(name, name))
    label = str(model_field.verbose_name)
    return _UNIT.sub("", label) if display.is_money(model_field) else label


def _value(model_field, value, names, unit):
    """One logged value as HTML in the reader's terms."""
    if value is None or value == "":
        return format_html('<span class="text-muted">{}</span>', _("(empty)"))
    if value == "***":
        return format_html("{}", _("(hidden)"))
    if model_field is None:
        return format_html("{}", Truncator(str(value)).chars(80))
    if model_field.is_relation and model_field.many_to_one:
        return names.html(model_field.related_model, value)
    if model_field.choices:
        labels = dict(model_field.flatchoices)
        return format_html("{}", labels.get(value, value))
    if isinstance(model_field, models.BooleanField):
        return format_html("{}", _("Yes") if value else _("No"))
    if display.is_money(model_field):
        return format_html("{}", display.money(value, unit))
    if isinstance(model_field, models.DateTimeField):
        return format_html("{}", display.when(value))
    if isinstance(model_field, models.DateField):
        return format_html("{}", display.day(value))
    if isinstance(model_field, models.DecimalField):
        return format_html("{}", display.number(value))
    if isinstance(model_field, models.FileField):
        return format_html("{}", str(value).rsplit("/", 1)[-1])
    text = value if isinstance(value, str) else str(value)
    short = Truncator(text).chars(80)
    if short != text:
        return format_html('<span title="{}">{}</span>', text, short)
    return format_html("{}", text)


def _field_sentence(old, new, *, first):
    """ "张三 将 总投资 由 6.82 亿元 改为 7.00 亿元。" (first) or "总投资：由 … 改为 …" (a list item)."""
    empty_old, empty_new = old in (None, ""), new in (None, "")
    if first:
        if empty_old:
            return _("{actor} set {field} to {new}."), {"new": new}
        if empty_new:
            return _("{actor} cleared {field} (was {old})."), {"old": old}
        return _("{actor} changed {field} from {old} to {new}."), {"old": old, "new": new}
    if empty_old:
        return _("{field}: set to {new}"), {"new": new}
    if empty_new:
        return _("{field}: cleared (was {old})"), {"old": old}
    return _("{field}: from {old} to {new}"), {"old": old, "new": new}


def _pair_unit(model_field, pair):
    return display.unit_for(*pair) if display.is_money(model_field) else display.YI


# --- change-log rows ----------------------------------------------------------------------------


def change_lines(changes, *, with_subject: bool = False, collapse: bool = False, query=None) -> list[Line]:
    """ObjectChange rows (with content_type and user selected) as lines. `with_subject` names
    each row's record (the global log); `collapse` reads a run of one import's rows as one line,
    with links to its job, to its rows, and past it (`query`: the log's current filters)."""
    from django.contrib.auth import get_user_model

    changes = list(changes)
    names = _Names()
    user_model = get_user_model()
    for change in changes:
        model = change.content_type.model_class()
        by_name = _fields_by_attname(model)
        for name, pair in (change.changes or {}).items():
            model_field = by_name.get(name)
            if model_field is not None and model_field.is_relation and model_field.many_to_one:
                for value in pair:
                    names.want(model_field.related_model, value)
    names.load()
    runs = _runs(changes) if collapse else {}
    lines, skip = [], set()
    for index, change in enumerate(changes):
        if index in skip:
            continue
        run = runs.get(index)
        if run is not None:
            skip.update(run["indexes"])
            lines.append(_run_line(change, run, query))
            continue
        lines.append(_change_line(change, names, user_model, with_subject))
    return lines


def _change_line(change, names, user_model, with_subject):
    from .models import ChangeAction

    model = change.content_type.model_class()
    by_name = _fields_by_attname(model)
    actor = _who(actor_name(change.user, change.actor))
    # bookkeeping and JSON (an event's data: its sentence says it) are not news
    shown = [
        (n, pair)
        for n, pair in (change.changes or {}).items()
        if n not in HIDDEN and not isinstance(by_name.get(n), models.JSONField)
    ]
    line = Line(time=change.time, actor=str(actor), sentence=mark_safe(""), kind=change.action)
    if with_subject:
        line.subject = change.object_repr
        line.subject_type = str(model._meta.verbose_name) if model else str(change.content_type)
        line.subject_url = _subject_url(model, change.object_id)
    if change.action == ChangeAction.CREATE:
        line.sentence = format_html(_("{actor} created this record."), actor=actor)
        line.folded = [
            _labelled(
                _label(by_name.get(n), n), _value(by_name.get(n), pair[1], names, _pair_unit(by_name.get(n), pair))
            )
            for n, pair in shown
            if pair[1] not in (None, "", False)
        ]
        return line
    if change.action in (ChangeAction.ARCHIVE, ChangeAction.RESTORE):
        text = _("{actor} archived this record.") if change.action == ChangeAction.ARCHIVE else None
        line.sentence = format_html(text or _("{actor} restored this record."), actor=actor)
        shown = [(n, pair) for n, pair in shown if n != "archived_at"]
    sentences = []
    for position, (name, pair) in enumerate(shown):
        model_field = by_name.get(name)
        unit = _pair_unit(model_field, pair)
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        first = position == 0 and len(shown) == 1 and not line.sentence
        template, parts = _field_sentence(old, new, first=first)
        values = {key: _value(model_field, value, names, unit) for key, value in parts.items()}
        sentences.append(format_html(template, actor=actor, field=_label(model_field, name), **values))
    if not line.sentence:
        if len(sentences) == 1:
            line.sentence = sentences[0]
            return line
        line.sentence = format_html(
            ngettext("{actor} changed {count} field:", "{actor} changed {count} fields:", len(sentences)),
            actor=actor,
            count=len(sentences),
        )
    line.items = sentences
    return line


def _labelled(label, value):
    return format_html(_("{label}: {value}"), label=label, value=value)


def _listed(parts):
    return pgettext("list separator", ", ").join(str(p) for p in parts)


def _subject_url(model, pk):
    if model is None or not hasattr(model, "url_name"):
        return ""
    return model(pk=pk).get_absolute_url() or ""


def is_bulk(request_id: str) -> bool:
    """A job's writes ("job-12") or a command's (seed_demo, load_regions): not a person's request,
    whose ids are random hex."""
    if not request_id:
        return False
    if request_id.startswith("job-"):
        return True
    return not re.fullmatch(r"(sys-)?[0-9a-f]{12,32}", request_id)


def _runs(changes):
    """{first index: run} for each run of RUN_MIN or more consecutive rows of one bulk write."""
    runs, start = {}, 0
    for index in range(1, len(changes) + 1):
        if index < len(changes) and changes[index].request_id == changes[start].request_id:
            continue
        rid = changes[start].request_id
        if index - start >= RUN_MIN and is_bulk(rid):
            runs[start] = {"indexes": set(range(start, index)), "request_id": rid}
        start = index
    totals, firsts = _run_totals({run["request_id"] for run in runs.values()})
    for run in runs.values():
        run["totals"] = totals.get(run["request_id"], [])
        run["first"] = firsts.get(run["request_id"])
    return runs


def _run_totals(request_ids):
    """What each bulk write did in all, by type and action, and its first row (the log goes on
    before it): one query for the page's runs, through the request id's index."""
    from .models import ObjectChange

    if not request_ids:
        return {}, {}
    rows = (
        ObjectChange.objects.filter(request_id__in=request_ids)
        .order_by()
        .values("request_id", "content_type", "action")
        .annotate(n=Count("pk"), first=Min("pk"))
    )
    found, firsts = defaultdict(Counter), {}
    for row in rows:
        found[row["request_id"]][(row["content_type"], row["action"])] += row["n"]
        firsts[row["request_id"]] = min(row["first"], firsts.get(row["request_id"], row["first"]))
    return {rid: sorted(counts.items(), key=lambda item: -item[1]) for rid, counts in found.items()}, firsts


def _run_line(change, run, query=None):
    from django.contrib.contenttypes.models import ContentType

    from .models import ChangeAction, Job

    rid = run["request_id"]
    actor = _who(actor_name(change.user, change.actor))
    actions = dict(ChangeAction.choices)
    parts, total = [], 0
    for (type_id, action), n in run["totals"]:
        model = ContentType.objects.get_for_id(type_id).model_class()
        kind = model._meta.verbose_name_plural if model else "?"
        parts.append(
            _("%(count)s %(kind)s %(action)s")
            % {"count": display.count(n), "kind": kind, "action": actions.get(action, action)}
        )
        total += n
    job_url = ""
    if rid.startswith("job-") and rid[4:].isdigit() and Job.objects.filter(pk=int(rid[4:])).exists():
        job_url = reverse("core:job_detail", args=[int(rid[4:])])
    sentence = format_html(
        ngettext(
            "{actor} wrote {count} change in one run: {what}.",
            "{actor} wrote {count} changes in one run: {what}.",
            total,
        ),
        actor=actor,
        count=display.count(total),
        what=_listed(parts),
    )
    log = reverse("core:change_log")
    links = [(_("All its changes"), f"{log}?request_id={rid}")]
    if run.get("first") is not None:  # past the run: the log goes on with what was written before it
        rest = (query or QueryDict()).copy()
        rest.pop("page", None)
        rest["before"] = run["first"]
        links.append((_("Earlier changes"), f"{log}?{rest.urlencode()}"))
    if job_url:
        links.insert(0, (_("The background job"), job_url))
    sentence = format_html(
        "{} {}", sentence, format_html_join(" · ", '<a class="small" href="{}">{}</a>', ((u, t) for t, u in links))
    )
    return Line(time=change.time, actor=str(actor), sentence=sentence, kind="run")


# --- typed events -------------------------------------------------------------------------------


def event_lines(events) -> list[Line]:
    """Rows of any core.events.Event subclass (actor selected) as lines."""
    lines = []
    for event in events:
        actor = _who(actor_name(event.actor))
        line = Line(
            time=event.time,
            actor=str(actor),
            sentence=format_html(_("{actor}: {sentence}"), actor=actor, sentence=event.sentence),
            note=event.note,
            kind="event",
        )
        failing = (event.data or {}).get("failing") or []
        line.items = [_labelled(f.get("project"), f.get("reason")) for f in failing if isinstance(f, dict)]
        evidence = event.evidence_file
        if evidence:
            line.files = [(evidence.name.rsplit("/", 1)[-1], getattr(event, "evidence_url", ""))]
        lines.append(line)
    return lines


def lines_for(rows) -> list[Line]:
    """Lines for a list of events or of change-log rows, whichever it is."""
    rows = list(rows)
    if not rows or isinstance(rows[0], Line):
        return rows
    from .models import ObjectChange

    return change_lines(rows) if isinstance(rows[0], ObjectChange) else event_lines(rows)
