"""The 六职 leads ledger (招商线索台账): one row per prospective project, imported through the
same form and service as a lead added by hand, so a company already followed is refused at its
row in the preview, and nothing is written from a file with a bad row."""

from keyprojects.core.imports import Column, Importer
from keyprojects.enterprises.validators import normalise_credit_code
from keyprojects.orgs.regions import region_finder

from .forms import LeadForm
from .models import Lead


class LeadImporter(Importer):
    model = Lead
    form = LeadForm
    columns = (
        Column("company", ("目标企业", "企业名称", "投资方", "签约企业", "company")),
        Column("credit_code", ("统一社会信用代码", "信用代码", "credit_code"), parse=normalise_credit_code),
        Column("name", ("项目名称", "线索名称", "name")),
        Column("region", ("落地县区", "县区", "所属县区", "region"), lookup="name", finder=region_finder()),
        Column("owner", ("责任人", "招商责任人", "owner"), lookup="user__first_name"),
        Column("link", ("链节", "产业链环节", "link"), lookup="name"),
        Column("found_on", ("发现日期", "线索发现日期", "found_on")),
        Column("investment", ("意向投资（万元）", "意向投资", "投资额", "investment"), money=True),
        Column("next_step", ("下一步工作", "next_step")),
        Column("next_step_on", ("下一步完成时限", "next_step_on")),
    )
    example = {
        "company": "上海鲜道冷链物流有限公司",
        "name": "鲜道冷链物流园项目",
        "region": "郾城区",
        "found_on": "2026-03-02",
        "investment": "80000",
    }

    def save(self, form):
        """Through the service, as the form's own save: the target library, the timeline."""
        from .views import LeadViews

        return LeadViews.save_lead(form, self.user)
