"""The project ledger (台账) in the columns cities use; matched by code, else name within region."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Action
from keyprojects.core.imports import Column, Importer, Skip, chunks
from keyprojects.core.parsing import parse_date
from keyprojects.core.registry import import_extensions
from keyprojects.enterprises.industries import industry_code
from keyprojects.enterprises.matching import EnterpriseFinder, name_key
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.validators import normalise_credit_code, validate_credit_code
from keyprojects.orgs.regions import region_finder

from . import services
from .choices import FIELD_WORDS, LIFECYCLE, NATURE_WORDS, STAGE_DATES, Stage
from .forms import ProjectForm
from .models import Project
from .models.project import region_codes_read_once

STAGE_COLUMNS = {Stage.SIGNED: "signed_on", Stage.STARTED: "started_on", Stage.PRODUCING: "producing_on"}


class ProjectImporter(Importer):
    model = Project
    form = ProjectForm
    own_columns = (
        Column("code", ("项目代码", "项目统一代码", "code")),
        Column("name", ("项目名称", "名称", "name")),
        Column(
            "region",
            ("所属县区", "县区", "县(市、区)", "所属区域", "所在地区", "region"),
            lookup="name",
            finder=region_finder(blank_is_root=True),  # a blank county: a city-level project
        ),
        Column("owner", ("项目单位", "建设单位", "业主单位", "owner"), lookup="name"),  # see owner()
        Column(
            "owner_credit_code",
            ("统一社会信用代码", "社会信用代码", "信用代码", "项目单位统一社会信用代码", "建设单位统一社会信用代码"),
        ),
        Column("location", ("建设地点", "location")),
        Column("field", ("领域", "所属领域", "field"), words=FIELD_WORDS),
        Column("industry_code", ("行业代码", "国民经济行业代码", "industry")),
        # GB/T 4754 by name (制造业, 食品制造业): read into industry_code when the file has no code.
        Column("industry_name", ("所属行业", "行业", "行业类别", "行业分类", "所属产业", "产业类别", "industry name")),
        Column("nature", ("建设性质", "nature"), words=NATURE_WORDS),
        Column("total_investment", ("总投资（万元）", "总投资", "计划总投资", "total investment"), money=True),
        Column(
            "prior_investment",
            ("报送前累计完成投资（万元）", "截至上年底累计完成投资", "上线前累计完成投资", "prior investment"),
            money=True,
        ),
        Column("funding_sources", ("资金来源", "funding")),
        Column("construction_content", ("建设规模及内容", "建设内容", "主要建设内容", "content")),
        Column("designed_capacity", ("设计产能", "capacity")),
        Column("planned_sign_date", ("计划签约时间", "计划签约日期", "planned signing"), parse=parse_date),
        Column("planned_start_date", ("计划开工时间", "计划开工日期", "planned start"), parse=parse_date),
        Column("planned_production_date", ("计划投产时间", "计划竣工时间", "planned production"), parse=parse_date),
        Column("responsible_person", ("责任人", "项目负责人", "responsible person")),
        Column("statistics_id", ("统计库编号", "入库编号", "statistics id")),
        # The day a stage was reached: a past day advances the stage through advance_stage() (its
        # rules and evidence), a future one is the planned day. See review().
        Column("signed_on", ("签约日期", "签约时间", "实际签约时间", "实际签约日期", "signed on"), parse=parse_date),
        Column("started_on", ("开工日期", "开工时间", "实际开工时间", "实际开工日期", "started on"), parse=parse_date),
        Column(
            "producing_on",
            ("投产日期", "投产时间", "实际投产时间", "实际投产日期", "in production on"),
            parse=parse_date,
        ),
    )
    match_on = (("code",), ("name", "region"))
    columns_only = True
    feeds = {
        "industry_name": ("industry_code",),
        "owner_credit_code": ("owner",),
        "signed_on": ("planned_sign_date",),
        "started_on": ("planned_start_date",),
        "producing_on": ("planned_production_date",),
    }
    example = {
        "code": "2401-411103-04-01-000001",
        "name": "漯河食品产业园（一期）",
        "region": "郾城区",
        "owner": "漯河市示例食品有限公司",
        "owner_credit_code": "91411100MA44A0Q68Y",
        "location": "漯河经济技术开发区",
        "field": "工业",
        "industry_name": "食品制造业",
        "nature": "新建",
        "total_investment": "12.5亿元",
        "funding_sources": "企业自筹",
        "construction_content": "新建标准化厂房5万平方米，购置生产线3条",
        "designed_capacity": "年产10万吨",
        "planned_sign_date": "2024-03",
        "planned_start_date": "2024-05",
        "planned_production_date": "2025-06",
        "responsible_person": "王建国",
    }
    skipped = (
        Skip(("序号", "编号", "序"), _("not imported: the file's own row number")),
        Skip(
            ("备注", "说明", "存在问题"), _("not imported: a project keeps no remarks; write them in a monthly report")
        ),
        Skip(
            ("项目阶段", "阶段", "建设阶段", "实际达效时间"),
            _("not imported: a stage and its date are recorded by advancing the stage on the project's page"),
        ),
        Skip(("亮灯",), _("not imported: the light is worked out by the platform")),
        Skip(("累计完成投资（万元）", "累计完成投资"), _("not imported: worked out from the monthly reports")),
        Skip(
            ("所在清单", "标签", "是否入统", "入统时间", "分包领导", "首席服务官", "责任单位"),
            _("not imported: set on the project's page"),
        ),
    )

    @classproperty
    def columns(cls):
        """The project's own columns and those other apps read (registry.import_columns)."""
        return cls.own_columns + tuple(c for ext in import_extensions("projects.Project") for c in ext.columns)

    def __init__(self, user):
        self.extensions = [extension(user) for extension in import_extensions("projects.Project")]
        super().__init__(user)
        self.enterprises = None  # EnterpriseFinder, read on the first builder of a file
        self.new_enterprises = {}  # code or name key -> what the new enterprise (新建企业) is
        self.created = {}  # the same keys -> the enterprises created at commit
        self.templates = {}
        self.by_field = {c.field: c for c in self.columns}
        self.today = timezone.localdate()  # new projects' node templates, for their lights without reading them back

    def form_data(self, record):
        columns = self.by_field
        builder = {name: record[columns[name]] for name in ("owner", "owner_credit_code") if columns[name] in record}
        others = {column: extension for extension in self.extensions for column in extension.columns}
        rest = {column: text for column, text in record.items() if column.field not in builder and column not in others}
        data, errors = super().form_data(rest)
        for extension in self.extensions:
            value, said = extension.read({c: t for c, t in record.items() if others.get(c) is extension})
            errors.extend(said)
            if value is not None:
                data[extension.key] = value
        if builder:
            self.owner(data, errors, builder.get("owner", ""), builder.get("owner_credit_code", ""))
        self.planned_from_stage_dates(data)
        text = data.pop("industry_name", "")
        if text and not data.get("industry_code"):
            column = next(c for c in self.columns if c.field == "industry_name")
            code, name, nearest = industry_code(text)
            if code and name != text:  # read as a GB/T 4754 name it begins
                message = gettext("“%(value)s” read as %(name)s (%(code)s).")
                self.notes.append((column, message % {"value": text, "name": name, "code": code}, "note"))
            elif not code:
                message = gettext(
                    "“%(value)s” is not a GB/T 4754-2017 industry (nearest: %(names)s): not imported, the row is."
                )
                names = "、".join(nearest) or "—"
                self.notes.append((column, message % {"value": text, "names": names}, "warning"))
            if code:
                data["industry_code"] = code
        return data, errors

    # --- the builder (项目单位), new enterprises (新建企业) -----------------------------------------
    def owner(self, data, errors, name, code):
        """The enterprise the row names, by credit code else by name; one the library does not
        have is a new enterprise, created with the file (one per code or name)."""
        columns = self.by_field
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as error:
                errors.append((columns["owner_credit_code"], " ".join(error.messages)))
                return
            code = normalise_credit_code(code)
        if not name and not code:
            data["owner"] = ""
            return
        if self.enterprises is None:
            self.enterprises = EnterpriseFinder(self.user)
        found = self.enterprises.match(name, code)
        if found and found[2]:
            data["owner"] = found[0]
            if code and name and name_key(name) != name_key(found[1]):  # matched by its code
                message = gettext("“%(value)s” is read as “%(name)s”, which has this credit code.")
                self.notes.append((columns["owner"], message % {"value": name, "name": found[1]}, "note"))
        elif found:
            message = gettext("“%(value)s” is in the enterprise library of %(region)s, outside your scope.")
            errors.append((columns["owner"], message % {"value": name or code, "region": found[3]}))
        elif not name:
            errors.append((columns["owner"], gettext("The credit code is new: give the builder's name too.")))
        else:
            key = code or name_key(name)
            known = self.new_enterprises.setdefault(key, {"name": name, "credit_code": code or None})
            known.setdefault("region", data.get("region") or None)
            data["owner"], data["new_owner"] = "", key
            if near := self.enterprises.near(name):  # perhaps one the library has, written otherwise
                message = gettext(
                    "“%(value)s” is not in the enterprise library: it is added with this file (新建企业). The "
                    "library has %(names)s: if it is one of them, write its name as the library does."
                )
                self.notes.append((columns["owner"], message % {"value": name, "names": "、".join(near)}, "warning"))
            else:
                message = gettext(
                    "“%(value)s” is not in the enterprise library: it is added with this file (新建企业)."
                )
                self.notes.append((columns["owner"], message % {"value": name}, "note"))

    def create_enterprises(self, forms):
        """The new enterprises the rows name, once each, in the rows' regions; the rows then own them."""
        wanted = {form.data["new_owner"] for form in forms if form.data.get("new_owner")} - set(self.created)
        if wanted:
            made = [
                Enterprise(
                    name=self.new_enterprises[key]["name"],
                    credit_code=self.new_enterprises[key]["credit_code"],
                    region_id=self.new_enterprises[key]["region"],
                )
                for key in sorted(wanted)
            ]
            for enterprise in made:
                enterprise.full_clean(validate_unique=False)
            self.created.update(zip(sorted(wanted), Enterprise.objects.bulk_create(made), strict=True))
            self.check_enterprises(list(self.created.values()))
        for form in forms:
            if key := form.data.get("new_owner"):
                form.cleaned_data["owner"] = form.instance.owner = self.created[key]

    def check_enterprises(self, enterprises):
        allowed = Enterprise.objects.restrict(self.user, Action.ADD).filter(pk__in=[e.pk for e in enterprises])
        if allowed.count() != len(enterprises):
            raise ValidationError(gettext("A new enterprise falls outside your scope; nothing was imported."))

    # --- stage dates (签约/开工/投产日期) -------------------------------------------------------
    def planned_from_stage_dates(self, data):
        """A stage day still to come is the planned day, unless the file gives that one too."""
        for stage, name in STAGE_COLUMNS.items():
            day = data.get(name)
            if isinstance(day, date) and day > self.today:
                columns = self.by_field
                data.pop(name)
                planned = STAGE_DATES[stage][0]
                if not data.get(planned):
                    data[planned] = day
                    message = gettext("%(day)s is still to come: kept as the planned day.") % {"day": day}
                    self.notes.append((columns[name], message, "note"))

    def review(self, form):
        said = self.review_stages(form)
        if any(level == "error" for _field, _message, level in said):
            return said
        return said + [found for extension in self.extensions for found in extension.review(form)]

    def review_stages(self, form):
        """The stage the past days of a row reach, checked by advance_stage()'s rules before
        anything is written: in order, not before the stage the project holds, the days of any
        stage skipped, the total investment from signing on, and no stage that needs evidence
        (a start needs a permit or a site photo: it is left for the project's page, said so)."""
        said, project = [], form.instance
        days = {stage: form.data.get(name) for stage, name in STAGE_COLUMNS.items()}
        days = {stage: day for stage, day in days.items() if isinstance(day, date)}
        form.stage_plan = None
        if not days:
            return said
        order = [(LIFECYCLE.index(stage), day, stage) for stage, day in days.items()]
        for (_a, earlier, first), (_b, later, second) in zip(sorted(order), sorted(order)[1:], strict=False):
            if later < earlier:
                message = gettext("%(stage)s on %(day)s is before %(other)s on %(earlier)s.")
                values = {"stage": second.label, "day": later, "other": first.label, "earlier": earlier}
                said.append((STAGE_COLUMNS[second], message % values, "error"))
        if said:
            return said
        current = project.stage if project.pk else Stage.PLANNED
        if current == Stage.TERMINATED:
            message = gettext("The project is terminated: its stage days are not imported.")
            return [(STAGE_COLUMNS[stage], message, "warning") for stage in days]
        reached = LIFECYCLE.index(current)
        for stage, day in list(days.items()):
            if LIFECYCLE.index(stage) <= reached:
                held = getattr(project, STAGE_DATES[stage][1])
                if held and held != day:
                    message = gettext(
                        "The project has %(stage)s on %(held)s; a day already recorded is not changed here."
                    )
                    said.append((STAGE_COLUMNS[stage], message % {"stage": stage.label, "held": held}, "warning"))
                days.pop(stage)
        target, why = None, {}
        for stage in sorted(days, key=LIFECYCLE.index):
            skipped = LIFECYCLE[reached + 1 : LIFECYCLE.index(stage)]
            missing = [s for s in skipped if s in STAGE_DATES and s not in days]
            if missing:
                message = gettext("%(stage)s on %(day)s is not imported: the file gives no day for %(missing)s.")
                why[stage] = (message, {"missing": "、".join(str(s.label) for s in missing)})
            elif settings.KEYPROJECTS_STAGE_EVIDENCE.get(stage):  # a later stage may still be reached
                message = gettext(
                    "%(stage)s on %(day)s is not imported: that stage is recorded with its evidence on the "
                    "project's page."
                )
                why[stage] = (message, {})
            else:
                target = stage
        for stage, (message, values) in why.items():
            if target is None or LIFECYCLE.index(stage) > LIFECYCLE.index(target):
                values = {**values, "stage": stage.label, "day": days[stage]}
                said.append((STAGE_COLUMNS[stage], message % values, "warning"))
        if target is None:
            return said
        column = STAGE_COLUMNS[target]
        if project.stage_date and days[target] < project.stage_date:
            message = gettext("%(day)s is before the day of the project's current stage (%(current)s).")
            return [*said, (column, message % {"day": days[target], "current": project.stage_date}, "error")]
        if form.cleaned_data.get("total_investment", project.total_investment) is None:
            return [*said, (column, gettext("A signed project needs its total investment."), "error")]
        skipped = {s: days[s] for s in days if LIFECYCLE.index(s) < LIFECYCLE.index(target)}
        form.stage_plan = (target, days[target], skipped)
        message = gettext("The project becomes %(stage)s on %(day)s.") % {"stage": target.label, "day": days[target]}
        return [*said, (column, message, "note")]

    def has_changed(self, form):
        return (
            super().has_changed(form)
            or bool(getattr(form, "stage_plan", None) or form.data.get("new_owner"))
            or any(form.data.get(extension.key) for extension in self.extensions)
        )

    def advance(self, forms, projects):
        """The stages the rows reach, through advance_stages() (the rules of advance_stage(), the
        writes a few queries for the whole chunk); then what other apps read from the rows (a
        phase's batch entry, on the stage reached)."""
        moves = []
        for form, project in zip(forms, projects, strict=True):
            if getattr(form, "stage_plan", None):
                to, on, skipped = form.stage_plan
                moves.append((project, to, on, skipped))
                self.templates.pop(project.pk, None)  # its nodes changed: refresh_lights reads them
        services.advance_stages(moves, by=self.user, note=gettext("From the ledger import."))
        for extension in self.extensions:
            extension.write(forms, projects)

    def plan(self, rows, progress=None):
        with region_codes_read_once():
            plan = super().plan(rows, progress)
        named = {f.data["new_owner"] for f in plan.creates + plan.updates if f.data.get("new_owner")}
        if named:
            names = "、".join(sorted(self.new_enterprises[key]["name"] for key in named))
            message = ngettext(
                "%(count)s new enterprise (新建企业) is added to the enterprise library: %(names)s.",
                "%(count)s new enterprises (新建企业) are added to the enterprise library: %(names)s.",
                len(named),
            )
            plan.also.append(message % {"count": len(named), "names": names})
        return plan

    def save(self, form):
        self.create_enterprises([form])
        project = services.register_project(form, by=self.user, refresh=False)
        self.advance([form], [project])
        return project

    def create(self, forms):
        """New projects in one INSERT per chunk, each with its node template as register_project
        gives one; their lights are refreshed with the rest of the file in finish()."""
        self.create_enterprises(forms)
        projects = self.bulk_create(forms)
        for milestone in services.add_milestone_templates(projects):
            self.templates.setdefault(milestone.project_id, []).append(milestone)
        self.advance(forms, projects)
        return projects

    def finish(self, objects):
        for part in chunks(objects, 2000):
            services.refresh_lights(part, milestones=self.templates)


# The ledger a city sends round carries, beside what it imports, where each project stands:
# stage, dates reached, money completed, lists, statistics and people. An export holds them
# after the importable columns; importing it back reads the importable ones and skips these.
READ_ONLY = {"industry_name", *STAGE_COLUMNS.values()}  # what the importer reads into other fields
EXPORTED_AS = {"owner_credit_code": Column("owner__credit_code", ("统一社会信用代码",))}  # the owner's, read back
LEDGER_COLUMNS = tuple(EXPORTED_AS.get(c.field, c) for c in ProjectImporter.own_columns if c.field not in READ_ONLY) + (
    Column("stage", ("项目阶段",)),
    Column("light", ("亮灯",)),
    Column("actual_sign_date", ("实际签约时间",)),
    Column("actual_start_date", ("实际开工时间",)),
    Column("actual_production_date", ("实际投产时间",)),
    Column("actual_capacity_date", ("实际达效时间",)),
    Column("cumulative_investment", ("累计完成投资（万元）",)),
    Column("list_names", ("所在清单",)),
    Column("tag_names", ("标签",)),
    Column("in_statistics", ("是否入统",)),
    Column("statistics_date", ("入统时间",)),
    Column("leader", ("分包领导",)),
    Column("service_officer", ("首席服务官",)),
    Column("department", ("责任单位",)),
)
