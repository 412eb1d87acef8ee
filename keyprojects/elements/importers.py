"""The element-demand ledger (要素需求台账) in and out: each row saved through the service (its
rule: a guaranteed amount above the request needs a note); all rows or none, every bad cell
reported at its row."""

from keyprojects.core.imports import Column, Importer
from keyprojects.core.parsing import parse_date

from . import services
from .forms import ElementDemandForm
from .models import ElementDemand

ELEMENT_WORDS = {
    "用地": "land",
    "土地": "land",
    "能耗": "energy",
    "用能": "energy",
    "能耗指标": "energy",
    "用电": "power",
    "电力": "power",
    "供电": "power",
    "用水": "water",
    "供水": "water",
    "用气": "gas",
    "燃气": "gas",
    "资金": "funding",
    "融资": "funding",
    "环境容量": "environment",
    "排放总量": "environment",
}
SOURCE_WORDS = {
    "出让": "transfer",
    "划拨": "allocation",
    "租赁": "lease",
    "专项债": "special_bond",
    "中央预算内": "central_budget",
    "中央预算内投资": "central_budget",
    "银行贷款": "bank_loan",
    "自有资金": "own_funds",
    "省级指标": "province_quota",
    "市级指标": "city_quota",
    "减量替代": "swap",
}

COLUMNS = (
    Column("project", ("项目名称", "project"), lookup="name"),
    Column("element", ("要素类别", "要素", "element"), words=ELEMENT_WORDS),
    Column("requested", ("需求量", "requested")),
    Column("guaranteed", ("已保障量", "保障量", "guaranteed")),
    Column("source", ("来源或方式", "供地方式", "资金来源", "source"), words=SOURCE_WORDS),
    Column("department", ("保障部门", "责任单位", "department"), lookup="name"),
    Column("needed_by", ("需求日期", "needed by"), parse=parse_date),
    Column("guarantee_by", ("承诺保障日期", "保障时限", "guarantee by"), parse=parse_date),
    Column("note", ("备注", "note")),
)


class ElementDemandImporter(Importer):
    model = ElementDemand
    form = ElementDemandForm
    columns = COLUMNS
    example = {
        "project": "示例项目",
        "element": "用电",
        "requested": "8000",
        "guaranteed": "5000",
        "source": "",
        "department": "国网漯河供电公司",
        "needed_by": "2026-10-01",
        "guarantee_by": "2026-09-30",
        "note": "",
    }

    def save(self, form):
        return services.save_demand(form.save(commit=False), by=self.user)
