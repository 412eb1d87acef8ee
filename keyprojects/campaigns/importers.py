"""Historical phase lists (历次"三个一批"项目清单) from Excel, in the text cities typed:
期次 "第十三期" or "13", 批次 "签约一批/开工一批/投产一批", the project matched by its code, else
by its name within its region. A row whose project cannot be matched is an error with its
row and column; as with every import, a file with any bad row writes nothing."""

import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from keyprojects.core.access import Action, region_ids
from keyprojects.core.imports import Column, Importer, normalise
from keyprojects.orgs.models import Region
from keyprojects.orgs.regions import region_finder
from keyprojects.projects.models import Project

from . import services
from .choices import BATCH_WORDS, Batch
from .forms import BatchEntryImportForm
from .models import BatchEntry, Phase

_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def parse_phase_number(text):
    """ "第十三期" → 13, "13" → 13, "第13期" → 13, "十" → 10, "二十一" → 21."""
    cleaned = re.sub(r"^第|期$|期次$", "", normalise(text).replace(" ", ""))
    if cleaned.isdigit():
        return int(cleaned)
    if cleaned and all(c in _NUMERALS or c == "十" for c in cleaned) and cleaned.count("十") <= 1:
        if "十" not in cleaned:
            if len(cleaned) == 1:
                return _NUMERALS[cleaned]
        else:
            tens, _sep, units = cleaned.partition("十")
            if len(tens) <= 1 and len(units) <= 1:
                return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)
    raise ValidationError(_("“%(value)s” is not a phase number (e.g. 第十三期 or 13).") % {"value": text})


class BatchEntryImporter(Importer):
    model = BatchEntry
    form = BatchEntryImportForm
    columns = (
        Column("phase", ("期次", "期数", "期别", "phase"), parse=parse_phase_number),
        Column("batch", ("批次", "类别", "项目类别", "batch"), words=BATCH_WORDS),
        Column("project__code", ("项目代码", "项目统一代码", "project code")),
        Column("project__name", ("项目名称", "名称", "project")),
        Column(
            "region", ("所属县区", "县区", "县(市、区)", "所属区域", "region"), lookup="name", finder=region_finder()
        ),
        Column("total_investment", ("总投资（万元）", "总投资", "计划总投资", "total investment"), money=True),
        Column(
            "planned_investment",
            ("年度计划投资", "年度计划投资（万元）", "年度投资计划", "planned investment"),
            money=True,
        ),
    )
    match_on = (("phase", "project", "batch"),)

    def __init__(self, user):
        super().__init__(user)
        self._phases = None
        self._projects = None
        self._in_file = {}

    def phases(self):
        if self._phases is None:
            self._phases = dict(Phase.objects.filter(archived_at__isnull=True).values_list("number", "pk"))
        return self._phases

    def projects(self):
        """Code → pk and (name, region) → pks, over the projects the user may see: one query."""
        if self._projects is None:
            by_code, by_name = {}, {}
            rows = Project.objects.restrict(self.user, Action.VIEW).filter(archived_at__isnull=True)
            for pk, code, name, region in rows.values_list("pk", "code", "name", "region"):
                if code:
                    by_code[normalise(code)] = pk
                by_name.setdefault((normalise(name), region), []).append(pk)
                by_name.setdefault((normalise(name), None), []).append(pk)
            self._projects = by_code, by_name
        return self._projects

    def match_project(self, code, name, region):
        by_code, by_name = self.projects()
        if code:
            if code in by_code:
                return by_code[code]
            if not name:
                raise ValidationError(_("No project you can see has the code “%(code)s”.") % {"code": code})
        if not name:
            raise ValidationError(_("Give the project code or the project name."))
        found = by_name.get((name, region or None), [])
        if len(found) == 1:
            return found[0]
        if not found:
            if region:
                raise ValidationError(_("No project named “%(name)s” in this region.") % {"name": name})
            raise ValidationError(_("No project named “%(name)s”.") % {"name": name})
        raise ValidationError(
            _("Several projects are named “%(name)s”; give the project code or the region.") % {"name": name}
        )

    def form_data(self, record):
        data, errors = super().form_data(record)
        columns = {c.field: c for c in self.columns}
        failed = {column.field for column, _message in errors}
        if data.get("phase") not in (None, "") and "phase" not in failed:
            pk = self.phases().get(data["phase"])
            if pk is None:
                errors.append((columns["phase"], _("There is no phase %(number)s.") % {"number": data["phase"]}))
            else:
                data["phase"] = pk
        code, name = data.pop("project__code", ""), data.pop("project__name", "")
        if "region" not in failed:
            try:
                data["project"] = self.match_project(code, name, data.get("region") or None)
            except ValidationError as error:
                errors.append((columns["project__code" if code and not name else "project__name"], error.messages[0]))
        if not errors and services.once_per_batch():
            key = (data.get("project"), data.get("batch"))
            other = self._in_file.setdefault(key, data.get("phase"))
            if other != data.get("phase"):
                errors.append(
                    (columns["batch"], _("The file lists this project in this batch in two phases; it is listed once."))
                )
        return data, errors

    def save(self, form):
        if form.instance.pk:
            return form.save()
        data = form.cleaned_data
        return services.add_entry(
            data["phase"],
            data["project"],
            data["batch"],
            by=self.user,
            history=True,
            total_investment=data.get("total_investment"),
            planned_investment=data.get("planned_investment"),
        )


class LedgerEntries:
    """期次 + 类别 of the project ledger (第十三期 / 开工一批): the row's project is listed in that
    batch of that phase through add_entries(), under the history import's rules, checked at the
    preview so that a file reports every such row before anything is written. A 期次 without its
    类别 (or the reverse) is not guessed from the stage: it is left out, said on the row."""

    key = "campaign_entry"
    columns = (
        Column("phase", ("期次", "期数", "期别")),
        Column("batch", ("类别", "批次", "入选类别", "三个一批类别")),
    )

    def __init__(self, user):
        self.user = user
        self._phases = None
        self._listed = None
        self.regions = region_ids(self.user, Action.ADD, Region, BatchEntry)  # None: all of them
        words = {normalise(word): batch for word, batch in BATCH_WORDS.items()}
        for batch in Batch:
            words[batch.value] = batch
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    words[normalise(str(batch.label)).lower()] = batch
        self.words = words

    def phases(self):
        if self._phases is None:
            self._phases = {p.number: p for p in Phase.objects.filter(archived_at__isnull=True)}
        return self._phases

    def read(self, texts):
        phase_column, batch_column = self.columns
        phase_text, batch_text = texts.get(phase_column, ""), texts.get(batch_column, "")
        if not phase_text and not batch_text:
            return None, []
        if not phase_text or not batch_text:
            return ("missing", phase_text or batch_text), []
        errors, phase, batch = [], None, None
        try:
            phase = self.phases().get(parse_phase_number(phase_text))
        except ValidationError as error:
            errors.append((phase_column, error.messages[0]))
        else:
            if phase is None:
                message = _("There is no phase “%(value)s” on the platform; add the phase first.")
                errors.append((phase_column, message % {"value": phase_text}))
        batch = self.words.get(normalise(batch_text).lower())
        if batch is None:
            message = _("“%(value)s” is not a batch: write 签约一批, 开工一批 or 投产一批.")
            errors.append((batch_column, message % {"value": batch_text}))
        if errors:
            return None, errors
        return (phase.number, batch.value), []

    def review(self, form):
        """Whether the row's listing is new, already there, or refused by the campaign's rules."""
        value = form.data.get(self.key)
        if not value:
            return []
        if value[0] == "missing":
            form.data[self.key] = None
            message = _("Not listed in a phase: the row gives “%(value)s” but not both 期次 and 类别.")
            return [("phase", message % {"value": value[1]}, "warning")]
        phase, batch = self.phases()[value[0]], Batch(value[1])
        project = form.instance
        region = form.cleaned_data.get("region", project.region if project.pk else None)
        if self.regions is not None and getattr(region, "pk", region) not in self.regions:
            form.data[self.key] = None
            message = _("Not listed in %(phase)s: your role does not list projects in phases.")
            return [("phase", message % {"phase": phase}, "warning")]
        if project.pk:
            if self.listed(project.pk, phase.pk, batch):
                form.data[self.key] = None  # already there: nothing to write
                return []
            if problem := services.listing_problem(phase, project, batch, history=True):
                return [("phase", problem, "error")]
        message = _("Listed in the %(batch)s of %(phase)s.")
        return [("phase", message % {"batch": batch.label, "phase": phase}, "note")]

    def listed(self, project, phase, batch):
        """The file's projects' live entries, read once for the file."""
        if self._listed is None:
            rows = BatchEntry.objects.filter(archived_at__isnull=True).values_list("project", "phase", "batch")
            self._listed = set(rows)
        return (project, phase, batch.value) in self._listed

    def write(self, forms, projects):
        listings = [
            services.Listing(self.phases()[value[0]], project, value[1])
            for form, project in zip(forms, projects, strict=True)
            if (value := form.data.get(self.key))
        ]
        services.add_entries(listings, by=self.user, history=True)
