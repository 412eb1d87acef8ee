"""The project ledger (台账) in the columns cities use; matched by code, else name within region."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from keyprojects.core.imports import Column, Importer, Skip, chunks
from keyprojects.core.parsing import parse_date
from keyprojects.enterprises.industries import industry_code

from . import services
from .choices import FIELD_WORDS, NATURE_WORDS
from .forms import ProjectForm
from .models import Project
from .models.project import region_codes_read_once


class ProjectImporter(Importer):
    model = Project
    form = ProjectForm
    columns = (
        Column("code", ("项目代码", "项目统一代码", "code")),
        Column("name", ("项目名称", "名称", "name")),
        Column("region", ("所属县区", "县区", "县(市、区)", "所属区域", "region"), lookup="name"),
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
        Column("planned_start_date", ("计划开工时间", "计划开工日期", "planned start"), parse=parse_date),
        Column("planned_production_date", ("计划投产时间", "计划竣工时间", "planned production"), parse=parse_date),
        Column("responsible_person", ("责任人", "项目负责人", "responsible person")),
        Column("statistics_id", ("统计库编号", "入库编号", "statistics id")),
    )
    match_on = (("code",), ("name", "region"))
    columns_only = True
    skipped = (
        Skip(("序号", "编号", "序"), _("not imported: the file's own row number")),
        Skip(
            ("备注", "说明", "存在问题"), _("not imported: a project keeps no remarks; write them in a monthly report")
        ),
        Skip(
            ("项目阶段", "阶段", "建设阶段", "实际签约时间", "实际开工时间", "实际投产时间", "实际达效时间"),
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

    def plan(self, rows, progress=None):
        with region_codes_read_once():
            return super().plan(rows, progress)

    def save(self, form):
        return services.register_project(form, by=self.user, refresh=False)

    def create(self, forms):
        """New projects in one INSERT per chunk, each with its node template as register_project
        gives one; their lights are refreshed with the rest of the file in finish()."""
        projects = self.bulk_create(forms)
        for milestone in services.add_milestone_templates(projects):
            self.templates.setdefault(milestone.project_id, []).append(milestone)
        return projects

    def finish(self, objects):
        for part in chunks(objects, 2000):
            services.refresh_lights(part, milestones=self.templates)


# The ledger a city sends round carries, beside what it imports, where each project stands:
# stage, dates reached, money completed, lists, statistics and people. An export holds them
# after the importable columns; importing it back reads the importable ones and skips these.
LEDGER_COLUMNS = tuple(c for c in ProjectImporter.columns if c.field != "industry_name") + (  # the code says it
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
