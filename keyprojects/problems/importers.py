"""The problem ledger (问题台账) in and out: each row raised through the service as if entered
by hand (deadlines from the 13710 rule and its raise date) and, when it names a lead department,
assigned to it; all rows or none, every bad cell reported at its row."""

from keyprojects.core.imports import Column, Importer
from keyprojects.core.parsing import parse_date
from keyprojects.orgs.regions import region_finder

from . import services
from .forms import ProblemImportForm
from .models import Problem

CATEGORY_WORDS = {
    "用地": "land",
    "土地": "land",
    "要素保障-用地": "land",
    "规划": "planning",
    "审批": "approvals",
    "手续": "approvals",
    "审批手续": "approvals",
    "前期手续": "approvals",
    "资金": "funding",
    "融资": "funding",
    "电力": "power",
    "供电": "power",
    "用电": "power",
    "供水": "water",
    "用水": "water",
    "供气": "gas",
    "用气": "gas",
    "燃气": "gas",
    "环评": "environment",
    "环保": "environment",
    "生态环境": "environment",
    "用工": "labour",
    "人才": "labour",
    "征地拆迁": "demolition",
    "征迁": "demolition",
    "拆迁": "demolition",
    "政策": "policy",
    "政策咨询": "policy",
    "其它": "other",
}
CLASS_WORDS = {
    "咨询": "enquiry",
    "政策咨询类": "enquiry",
    "一般": "simple",
    "简单": "simple",
    "复杂": "complex",
    "疑难": "complex",
}
SOURCE_WORDS = {
    "企业反映": "enterprise",
    "企业": "enterprise",
    "项目": "project",
    "周例会": "meeting",
    "调度会": "meeting",
    "现场巡查": "inspection",
    "巡查": "inspection",
    "走访": "visit",
    "万人助万企": "visit",
    "12345": "hotline",
    "热线": "hotline",
}

COLUMNS = (
    Column("title", ("问题简述", "问题标题", "问题名称", "title")),
    Column("description", ("问题描述", "具体问题", "存在问题", "问题内容", "description")),
    Column("category", ("问题类别", "问题类型", "类别", "category"), words=CATEGORY_WORDS),
    Column("problem_class", ("问题分类", "难易程度", "class"), words=CLASS_WORDS),
    Column("source", ("问题来源", "来源", "source"), words=SOURCE_WORDS),
    Column("project", ("项目名称", "所属项目", "project"), lookup="name"),
    Column("enterprise", ("企业名称", "反映企业", "enterprise"), lookup="name"),
    Column("region", ("所属县区", "县区", "所属区域", "region"), lookup="name", finder=region_finder()),
    Column("raised_on", ("提出日期", "反映时间", "收集时间", "raised on"), parse=parse_date),
    Column("lead_department", ("牵头部门", "责任单位", "牵头单位", "lead department"), lookup="name"),
)


class ProblemImporter(Importer):
    model = Problem
    form = ProblemImportForm
    columns = COLUMNS
    example = {
        "title": "二期用地指标未落实",
        "description": "项目二期厂房用地指标尚未落实，影响开工。",
        "category": "用地",
        "problem_class": "一般问题",
        "source": "万人助万企走访",
        "project": "",
        "enterprise": "漯河市示例食品有限公司",
        "region": "郾城区",
        "raised_on": "2026-09-30",
        "lead_department": "漯河市自然资源和规划局",
    }

    def region_writable(self, pk):
        """A county raises within its region; an office, an officer or an enterprise is not
        bound to one (what they raise is checked against their scope once written)."""
        from keyprojects.core.access import Action, allowed_roles, memberships

        raisers = allowed_roles(Problem, Action.ADD)
        if any(m.role in raisers and not m.region_id for m in memberships(self.user)):
            return True
        return super().region_writable(pk)

    def save(self, form):
        """One row: raised through the service (its deadlines, timeline and notices), then
        assigned to its lead department when the ledger names one."""
        problem = form.save(commit=False)
        lead, problem.lead_department = problem.lead_department, None
        problem = services.raise_problem(problem, by=self.user)
        if lead is not None:
            problem = services.assign_problem(
                problem, by=self.user, problem_class=problem.problem_class, lead_department=lead
            )
        return problem


# The export: the ledger's own columns first (it re-imports), then where each problem stands.
EXPORT_COLUMNS = (
    *COLUMNS,
    Column("status", ("办理状态",)),
    Column("due", ("当前时限",)),
    Column("overdue_days", ("逾期工作日",)),
    Column("escalation", ("督办级别",)),
    Column("resolution", ("办理结果",)),
    Column("closed_on", ("销号日期",)),
)
