"""Generic pages. A model's pages are declared once:

    class ContactViews(ModelViews):
        model = Contact
        filterset = ContactFilterSet
        table = ContactTable
        form = ContactForm
        importer = ContactImporter

and `ContactViews.urls()` gives list (filters, sort, paging, column choice, saved views,
export), detail, add, edit, archive, history and import. Every queryset comes from
`restrict(user, action)`; an out-of-scope id answers 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from . import exports
from .access import Action, can, memberships, refusal
from .context import acting
from .errors import BIGINT
from .filtersets import ChangeFilterSet
from .forms import add_service_errors
from .ledger_files import write_errors, write_template
from .models import Job, JobStatus, ObjectChange, SavedView
from .registry import panels_for
from .search import search
from .services import archive, check_in_scope, restore
from .tables import CountedPaginator
from .tasks import job_kind, start_job
from .verbs import VerbPage, usable_verbs

REGISTRY = {}  # model label -> ModelViews, for jobs that rebuild a filtered list


class ScopedView(LoginRequiredMixin, View):
    declaration = None  # the ModelViews subclass
    action = Action.VIEW

    @property
    def model(self):
        return self.declaration.model

    def get_queryset(self, action=None):
        return self.declaration.get_queryset(self.request).restrict(self.request.user, action or self.action)

    def get_object(self, action=None):
        """404 outside the user's scope; 403 for a row the user sees but may not `action`."""
        action = action or self.action
        if not 0 < int(self.kwargs["pk"]) <= BIGINT:  # an id no record can have (SQLite overflows)
            raise Http404
        obj = get_object_or_404(self.get_queryset(Action.VIEW), pk=self.kwargs["pk"])
        if action != Action.VIEW and not self.get_queryset(action).filter(pk=obj.pk).exists():
            raise PermissionDenied(refusal(obj, action))
        return obj

    def context(self, **extra):
        meta = self.model._meta
        return {
            "views": self.declaration,
            "model_name": meta.verbose_name,
            "model_name_plural": meta.verbose_name_plural,
            "can_add": can(self.request.user, Action.ADD, self.model),
            # not `views.form` in the template: a template calls a class, building a form per page
            "editable": self.declaration.form is not None,
            "can_import": self.declaration.importer is not None and can(self.request.user, Action.ADD, self.model),
            **extra,
        }


class ObjectListView(ScopedView):
    def get(self, request):
        filterset = self.declaration.filterset(request.GET or None, queryset=self.get_queryset(), request=request)
        queryset = filterset.qs
        export = request.GET.get("export")
        if export in {"xlsx", "csv"}:
            return self.declaration.export(request, queryset, export)
        table = self.declaration.table(queryset)  # RequestConfig below sorts and pages it, once
        for name in self.hidden_columns():  # hidden, not excluded: the column choice lists them all
            table.columns.hide(name)
        RequestConfig(request, paginate={"per_page": self.per_page()}).configure(table)
        saved = SavedView.objects.filter(list_name=self.declaration.list_name()).filter(
            user=request.user
        ) | SavedView.objects.filter(list_name=self.declaration.list_name(), shared=True)
        return render(
            request,
            self.declaration.list_template,
            self.context(
                filterset=filterset,
                table=table,
                saved_views=saved.distinct(),
                all_columns=[(c.name, c.header) for c in table.columns.iterall()],
                hidden=self.hidden_columns(),
                querystring=request.GET.urlencode(),
            ),
        )

    def hidden_columns(self):
        chosen = self.request.GET.getlist("columns")
        if not chosen:
            return self.declaration.hidden_columns
        return tuple(c for c in self.declaration.table.base_columns if c not in chosen)

    def per_page(self):
        try:
            return max(10, min(500, int(self.request.GET.get("per_page", 50))))
        except ValueError:
            return 50


class ObjectDetailView(ScopedView):
    def get(self, request, pk):
        obj = self.get_object()
        return render(
            request,
            self.declaration.detail_template,
            self.context(
                object=obj,
                fields=self.declaration.detail_fields(obj),
                can_change=self.get_queryset(Action.CHANGE).filter(pk=obj.pk).exists(),
                can_archive=self.get_queryset(Action.ARCHIVE).filter(pk=obj.pk).exists(),
                verbs=usable_verbs(self.declaration, request.user, obj),
                panels=panels_for(request, obj),
                **self.declaration.detail_context(request, obj),
            ),
        )


class ObjectEditView(ScopedView):
    """Add (no pk) or edit: inline errors, choices limited to the user's scope, and the saved
    object read back through the scope in the same transaction."""

    def dispatch(self, request, *args, **kwargs):
        self.action = Action.CHANGE if "pk" in kwargs else Action.ADD
        return super().dispatch(request, *args, **kwargs)

    def get_instance(self):
        if "pk" in self.kwargs:
            return self.get_object()
        if not can(self.request.user, Action.ADD, self.model):
            raise PermissionDenied
        return self.model()

    def get(self, request, pk=None):
        instance = self.get_instance()
        form = self.declaration.form(instance=instance, user=request.user, initial=request.GET.dict())
        return render(request, self.declaration.form_template, self.context(form=form, object=instance))

    def post(self, request, pk=None):
        instance = self.get_instance()
        form = self.declaration.form(request.POST, request.FILES, instance=instance, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if hasattr(form, "check_version_locked"):
                        form.check_version_locked()
                    obj = self.declaration.save(form, request)
                    check_in_scope(obj, request.user, self.action)
            except PermissionDenied:
                form.add_error(None, _("The record would fall outside your scope."))
            except ValidationError as error:  # a service's rule, shown on the form like any other
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return redirect(obj.get_absolute_url() or self.declaration.list_url())
        return render(request, self.declaration.form_template, self.context(form=form, object=instance), status=400)


class ObjectArchiveView(ScopedView):
    action = Action.ARCHIVE

    def get(self, request, pk):
        return render(request, "core/object_archive.html", self.context(object=self.get_object()))

    def post(self, request, pk):
        obj = self.get_object()
        try:
            if obj.is_archived:
                restore(obj, by=request.user)
                messages.success(request, _("Restored %(object)s.") % {"object": obj})
            else:
                archive(obj, by=request.user)
                messages.success(request, _("Archived %(object)s.") % {"object": obj})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(obj.get_absolute_url())


class ObjectHistoryView(ScopedView):
    def get(self, request, pk):
        obj = self.get_object()
        return render(
            request,
            "core/object_history.html",
            self.context(object=obj, changes=ObjectChange.for_object(obj)[:500]),
        )


class ObjectImportView(ScopedView):
    """Upload → background dry run (preview) → confirm → background commit."""

    action = Action.ADD

    def get(self, request):
        self.check()
        if request.GET.get("template"):  # the blank ledger: headings and an example row
            return ledger_file_response(
                lambda handle: write_template(handle, self.declaration.importer),
                f"{self.model._meta.verbose_name_plural}-模板.xlsx",
            )
        return render(request, "core/object_import.html", self.context(columns=self.declaration.importer.columns))

    def post(self, request):
        from .imports import UploadError, check_upload

        self.check()
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise UploadError(_("Choose a file to import."))
            check_upload(upload)
        except UploadError as error:
            return render(
                request,
                "core/object_import.html",
                self.context(columns=self.declaration.importer.columns, error=error.messages[0]),
                status=400,
            )
        job = start_job(
            "core.import",
            title=_("Import %(model)s: %(file)s")
            % {"model": self.model._meta.verbose_name_plural, "file": upload.name},
            by=request.user,
            params={"model": self.model._meta.label, "commit": False, "file_name": upload.name},
            file=upload,
        )
        return redirect(job)

    def check(self):
        if self.declaration.importer is None:
            raise Http404
        if not can(self.request.user, Action.ADD, self.model):
            raise PermissionDenied


class ModelViews:
    """The declaration of one model's pages; see the module docstring."""

    model = None
    filterset = None
    table = None
    form = None
    importer = None
    export_columns = None  # defaults to the importer's columns, so exports re-import
    list_template = "core/object_list.html"
    detail_template = "core/object_detail.html"
    form_template = "core/object_form.html"
    select_related: tuple[str, ...] = ()
    url_prefix = None  # default "<model_name>s/"
    hidden_columns: tuple[str, ...] = ()  # table columns offered in the column choice but off by default
    verbs: tuple = ()  # the model's declared state changes (core.verbs.Verb): page, API and permission

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None:
            REGISTRY[cls.model._meta.label] = cls

    @classmethod
    def get_queryset(cls, request=None):
        return cls.model.objects.select_related(*cls.select_related)

    @classmethod
    def list_name(cls):
        return cls.model.url_name("list")

    @classmethod
    def list_url(cls):
        return reverse(cls.list_name())

    @classmethod
    def save(cls, form, request):
        """Apps whose saves are state changes override this to call their service."""
        with acting(request.user):
            return form.save()

    @classmethod
    def detail_fields(cls, obj):
        names = cls.form._meta.fields if cls.form else [f.name for f in obj._meta.fields]
        result = []
        for name in names:
            field = obj._meta.get_field(name)
            display = getattr(obj, f"get_{name}_display", None)
            if field.many_to_many:
                value = "、".join(str(related) for related in getattr(obj, name).all())
            else:
                value = display() if display else getattr(obj, name)
            result.append((field.verbose_name, value))
        return result

    @classmethod
    def detail_context(cls, request, obj):
        """More for the detail page (tabs, related rows); the object is already in scope."""
        return {}

    @classmethod
    def columns(cls):
        """Export columns: declared, else the importer's (so exports re-import), else the
        table's model fields under their verbose names."""
        if cls.export_columns or cls.importer:
            return cls.export_columns or cls.importer.columns
        from .imports import Column

        fields = {f.name: f for f in cls.model._meta.concrete_fields}
        return tuple(
            Column(name, (str(fields[name].verbose_name),)) for name in cls.table.base_columns if name in fields
        )

    @classmethod
    def export_queryset(cls, queryset):
        """The rows an export reads, with what its columns follow (select or prefetch)."""
        return queryset

    # {column field: function(ids) → {pk: cell}}: columns that are no database path (a property)
    # read for a chunk of rows at once, instead of from objects with their prefetches.
    export_values: dict = {}

    @classmethod
    def export_rows(cls, queryset):
        """An export's cell values, row by row: the page, the background job and the bench."""
        return exports.rows(queryset, cls.columns(), prepare=cls.export_queryset, given=cls.export_values)

    @classmethod
    def export(cls, request, queryset, kind):
        from django.conf import settings

        filename = f"{cls.model._meta.verbose_name_plural}"
        if queryset.count() > settings.EXPORT_INLINE_MAX_ROWS:
            job = start_job(
                "core.export",
                title=_("Export %(model)s") % {"model": cls.model._meta.verbose_name_plural},
                by=request.user,
                params={"model": cls.model._meta.label, "query": request.GET.urlencode(), "format": "xlsx"},
            )
            messages.info(request, _("The export is large; it runs in the background."))
            return redirect(job)
        data = cls.export_rows(queryset)
        if kind == "csv":
            return exports.csv_response(cls.columns(), data, filename)
        return exports.xlsx_response(cls.columns(), data, filename)

    @classmethod
    def urls(cls):
        name = cls.model._meta.model_name
        views = {
            "list": ("", ObjectListView),
            "add": ("add/", ObjectEditView),
            "import": ("import/", ObjectImportView),
            "detail": ("<int:pk>/", ObjectDetailView),
            "edit": ("<int:pk>/edit/", ObjectEditView),
            "archive": ("<int:pk>/archive/", ObjectArchiveView),
            "history": ("<int:pk>/history/", ObjectHistoryView),
        }
        prefix = cls.url_prefix or f"{name}s/"
        if cls.form is None:
            del views["add"], views["edit"]
        if cls.importer is None:
            del views["import"]
        routes = [
            path(prefix + route, view.as_view(declaration=cls), name=f"{name}_{key}")
            for key, (route, view) in views.items()
        ]
        routes += [
            path(f"{prefix}<int:pk>/{verb.name}/", VerbPage.view(cls, verb), name=f"{name}_{verb.name}")
            for verb in cls.verbs
        ]
        return routes


# --- jobs ------------------------------------------------------------------------------


class JobView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(Job.objects.restrict(request.user), pk=pk)
        if request.headers.get("Accept") == "application/json" or request.GET.get("format") == "json":
            return JsonResponse(
                {
                    "status": job.status,
                    "percent": job.percent,
                    "done": job.done,
                    "total": job.total,
                    "message": job.message,
                }
            )
        declaration = REGISTRY.get(job.params.get("model"))
        return render(request, "core/job_detail.html", {"job": job, "declaration": declaration})

    def post(self, request, pk):
        """Confirm a previewed import: a second job writes the same file, all or nothing; or, when
        the user chose it explicitly (`partial`, recorded in the job), the good rows only."""
        job = get_object_or_404(Job.objects.restrict(request.user), pk=pk, kind="core.import")
        partial = request.POST.get("partial") == "1"
        good = job.result.get("creates", 0) + job.result.get("updates", 0)
        if job.status != JobStatus.DONE or job.params.get("commit"):
            raise PermissionDenied
        if job.result.get("error_count") and not (partial and good):
            raise PermissionDenied
        # One transaction: the job is queued on commit, so it never runs before it has its file.
        with transaction.atomic():
            commit = start_job(
                "core.import",
                title=job.title,
                by=request.user,
                params={**job.params, "commit": True, "source_job": job.pk, "partial": partial},
            )
            commit.file.name = job.file.name
            commit.save(update_fields=["file"])
        return redirect(commit)


def ledger_file_response(write, filename):
    """A workbook written by `write(handle)` to a temporary file, sent as a download."""
    import tempfile

    from django.http import FileResponse

    handle = tempfile.TemporaryFile()
    write(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
def job_errors(request, pk):
    """The error workbook of an import: the uploaded sheet, bad cells highlighted, a reason column;
    after a partial import (or with ?only=bad) the bad rows alone, ready to fix and upload again."""
    from .imports import read_rows

    job = get_object_or_404(Job.objects.restrict(request.user), pk=pk, kind="core.import")
    cells = job.result.get("error_cells")
    if not cells or not job.file:
        raise Http404
    rows = read_rows(job.file.path)
    only_bad = job.params.get("partial") or request.GET.get("only") == "bad"
    name = (job.params.get("file_name") or job.file.name.rsplit("/", 1)[-1]).rsplit(".", 1)[0]
    return ledger_file_response(
        lambda handle: write_errors(handle, rows, job.result.get("header", 1), cells, only_bad=bool(only_bad)),
        f"{name}-错误.xlsx",
    )


@login_required
def job_file(request, pk):
    """A job's file (an export, an uploaded ledger) only for whoever may see the job."""
    from django.http import FileResponse

    job = get_object_or_404(Job.objects.restrict(request.user), pk=pk)
    if not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


# --- site pages ------------------------------------------------------------------------


@login_required
def home(request):
    """工作台: what is due or overdue for this user first (each app adds its items), then the
    sections apps add (a leader's own projects), the user's scope and recent jobs."""
    from .attention import attention_items
    from .registry import home_sections

    worst_first = {"danger": 0, "warning": 1, "info": 2}
    items = sorted(attention_items(request), key=lambda item: worst_first.get(item.get("level"), 1))
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships(request.user),
            "attention": items,
            "sections": home_sections(request),
            "jobs": Job.objects.restrict(request.user)[:5],
        },
    )


@login_required
def global_search(request):
    text = request.GET.get("q", "")
    return render(request, "core/search.html", {"q": text, "results": search(request.user, text)})


def set_language(request):
    """The top bar's language button: Django's set_language (the cookie, back to the page), and
    the choice saved on a signed-in user, so it follows them to any browser."""
    from django.contrib.auth import get_user_model
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language")
    known = {code for code, _name in settings.LANGUAGES}
    if request.method == "POST" and language in known and request.user.is_authenticated:
        with acting(request.user):
            get_user_model().objects.filter(pk=request.user.pk).update(language=language)
    return response


@login_required
def pick(request):
    """What a search-as-you-type picker offers (core.widgets.SearchSelect): up to 20 live rows
    of a searchable model within the user's scope for the action, matching what was typed."""
    from functools import reduce
    from operator import or_

    from django.apps import apps
    from django.db.models import Q

    from .search import SEARCHABLE, contains_lookup

    fields = {model._meta.label: names for model, names in SEARCHABLE}
    label, action, text = request.GET.get("model", ""), request.GET.get("action", "view"), request.GET.get("q", "")
    if label not in fields:
        raise Http404
    model = apps.get_model(label)
    if action != Action.VIEW and action not in getattr(model, "rights", {}):
        raise Http404
    queryset = model.objects.restrict(request.user, action)
    if hasattr(model, "archived_at"):
        queryset = queryset.filter(archived_at__isnull=True)
    text = text.strip()[:50]
    if text:
        lookup = contains_lookup(text)
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__{lookup}": text}) for f in fields[label])))
    return JsonResponse({"results": [{"value": obj.pk, "text": str(obj)} for obj in queryset[:20]]})


@login_required
def change_log(request):
    """The global log: city administrators and auditors (a city-wide scope) only."""
    if not can(request.user, Action.VIEW, ObjectChange):
        raise PermissionDenied
    from .history import change_lines

    changes = ObjectChange.objects.restrict(request.user).select_related("content_type", "user")
    filterset = ChangeFilterSet(request.GET or None, queryset=changes)
    page = CountedPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    # A run of one import's or command's rows reads as one line, unless that run is asked for.
    lines = change_lines(
        page.object_list, with_subject=True, collapse=not request.GET.get("request_id"), query=request.GET
    )
    return render(
        request,
        "core/change_log.html",
        {"filterset": filterset, "page": page, "lines": lines, "querystring": request.GET.urlencode()},
    )


@login_required
def save_view(request):
    """保存视图: remember the current list's filters, sort and columns under a name."""
    if request.method != "POST":
        raise Http404
    list_name = request.POST.get("list_name", "")
    name = request.POST.get("name", "").strip()[:100]
    query = request.POST.get("query", "")[:2000]
    if list_name not in {d.list_name() for d in REGISTRY.values()}:
        messages.error(request, _("There is no such list to save a view of."))
        return redirect("home")
    if not name:
        messages.error(request, _("Give the view a name."))
    else:
        SavedView.objects.update_or_create(
            user=request.user,
            list_name=list_name,
            name=name,
            defaults={"query": query, "shared": bool(request.POST.get("shared"))},
        )
        messages.success(request, _("View “%(name)s” saved.") % {"name": name})
    return redirect(reverse(list_name) + (f"?{query}" if query else ""))


@job_kind("core.import")
def import_job(job):
    from django.contrib.auth import get_user_model

    from .imports import read_rows
    from .tasks import report_progress

    declaration = REGISTRY[job.params["model"]]
    user = get_user_model().objects.get(pk=job.created_by_id)
    importer = declaration.importer(user)
    rows = read_rows(job.file.path)
    plan = importer.plan(rows, progress=lambda done, total: report_progress(job, done, total))
    summary = plan.summary()
    if job.params.get("commit"):
        summary["partial"] = bool(job.params.get("partial"))
        try:
            importer.commit(plan, partial=summary["partial"])
        except ValidationError as error:
            summary["error_count"] = summary["error_count"] or 1
            summary["errors"] = summary["errors"] or [{"row": "", "column": "", "message": error.messages[0]}]
            summary["committed"] = False
        else:
            summary["committed"] = True
    return summary


@job_kind("core.export")
def export_job(job):
    import tempfile

    from django.contrib.auth import get_user_model
    from django.core.files.base import File
    from django.http import QueryDict

    declaration = REGISTRY[job.params["model"]]
    user = get_user_model().objects.get(pk=job.created_by_id)
    queryset = declaration.get_queryset().restrict(user, Action.VIEW)
    queryset = declaration.filterset(QueryDict(job.params["query"]), queryset=queryset).qs
    with tempfile.TemporaryFile() as handle:
        count = exports.write_xlsx(handle, declaration.columns(), declaration.export_rows(queryset))
        handle.seek(0)
        job.file.save(f"{declaration.model._meta.model_name}-export.xlsx", File(handle), save=True)
    return {"rows": count}
