"""The project ledger (台账) in the columns cities use; matched by code, else name within region."""

from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from keyprojects.core.imports import Column, Importer, Skip, chunks
from keyprojects.core.parsing import parse_date
from keyprojects.enterprises.industries import industry_code
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
    columns = (
        Column("code", ("项目代码", "项目统一代码", "code")),
        Column("name", ("项目名称", "名称", "name")),
        Column(
            "region",
            ("所属县区", "县区", "县(市、区)", "所属区域", "所在地区", "region"),
            lookup="name",
            finder=region_finder(blank_is_root=True),  # a blank county: a city-level project
        ),
        Column("owner", ("项目单位", "建设单位", "业主单位", "owner"), lookup="name"),
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
        Skip(
            ("期次", "期数", "批次", "类别", "项目类别"),
            _("not imported here: a project's place in a phase is imported on the campaign entries page"),
        ),
    )

    def __init__(self, user):
        super().__init__(user)
        self.templates = {}  # new projects' node templates, for their lights without reading them back

    def form_data(self, record):
        data, errors = super().form_data(record)
        self.planned_from_stage_dates(data)
        text = data.pop("industry_name", "")
        if text and not data.get("industry_code"):
            column = next(c for c in self.columns if c.field == "industry_name")
            code, name, nearest = industry_code(text)
            if code and name != text:
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

    # --- stage dates (签约/开工/投产日期) -------------------------------------------------------
    def planned_from_stage_dates(self, data):
        """A stage day still to come is the planned day, unless the file gives that one too."""
        today = timezone.localdate()
        columns = {c.field: c for c in self.columns}
        for stage, name in STAGE_COLUMNS.items():
            day = data.get(name)
            if isinstance(day, date) and day > today:
                data.pop(name)
                planned = STAGE_DATES[stage][0]
                if not data.get(planned):
                    data[planned] = day
                    message = gettext("%(day)s is still to come: kept as the planned day.") % {"day": day}
                    self.notes.append((columns[name], message, "note"))

    def review(self, form):
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
        if form.cleaned_data.get("total_investment") is None:
            return [*said, (column, gettext("A signed project needs its total investment."), "error")]
        skipped = {s: days[s] for s in days if LIFECYCLE.index(s) < LIFECYCLE.index(target)}
        form.stage_plan = (target, days[target], skipped)
        message = gettext("The project becomes %(stage)s on %(day)s.") % {"stage": target.label, "day": days[target]}
        return [*said, (column, message, "note")]

    def has_changed(self, form):
        return super().has_changed(form) or bool(getattr(form, "stage_plan", None))

    def advance(self, forms, projects):
        """The stages the rows reach, through advance_stage(): one call per row that gives one."""
        for form, project in zip(forms, projects, strict=True):
            if getattr(form, "stage_plan", None):
                to, on, skipped = form.stage_plan
                services.advance_stage(
                    project, to=to, on=on, by=self.user, dates=skipped, note=gettext("From the ledger import.")
                )

    def plan(self, rows, progress=None):
        with region_codes_read_once():
            return super().plan(rows, progress)

    def save(self, form):
        project = services.register_project(form, by=self.user, refresh=False)
        self.advance([form], [project])
        return project

    def create(self, forms):
        """New projects in one INSERT per chunk, each with its node template as register_project
        gives one; their lights are refreshed with the rest of the file in finish()."""
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
LEDGER_COLUMNS = tuple(c for c in ProjectImporter.columns if c.field not in READ_ONLY) + (
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
