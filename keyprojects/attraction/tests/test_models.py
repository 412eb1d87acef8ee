"""The standard model cases (core.testing.cases.ModelCase) for the lead: list, detail, add, edit,
archive, history, export, import and API, scoped to the county."""

from datetime import date
from decimal import Decimal

import pytest

from keyprojects.core.testing.cases import ModelCase

from .. import services
from ..models import Cadre
from ..views import LeadViews
from .factories import cadre

pytestmark = pytest.mark.django_db


def owner_in(region):
    found = Cadre.objects.filter(region__name=region).first()
    return found or cadre(f"cadre_{region}", region=region, name=f"{region}招商员")


class TestLead(ModelCase):
    views = LeadViews
    api_url = "/api/attraction/leads/"
    invalid = {"found_on": "不是日期"}
    bad_cell = ("发现日期", "不是日期")
    serial = 0

    def make(self, regions, department, **values):
        TestLead.serial += 1
        owner = owner_in("郾城区")
        return services.create_lead(
            by=None,
            name=values.get("name", f"冷链物流园项目{self.serial}"),
            company=f"上海鲜道冷链物流{self.serial}号有限公司",
            region=owner.region,
            owner=owner,
            found_on=date(2026, 3, 2),
            investment=Decimal("80000"),
        )

    def make_outside(self, regions, department):
        owner = owner_in("舞阳县")
        return services.create_lead(
            by=None,
            name="舞阳预制菜项目",
            company="苏州优膳预制菜有限公司",
            region=owner.region,
            owner=owner,
            found_on=date(2026, 3, 2),
            investment=Decimal("10000"),
        )

    def form_data(self, regions, department):
        return {
            "company": "杭州鲜道食品有限公司",
            "name": "鲜道食品项目",
            "region": regions["郾城区"].pk,
            "owner": owner_in("郾城区").pk,
            "found_on": "2026-03-02",
            "investment": "12000",
        }

    def import_rows(self, regions):
        owner_in("郾城区")
        return [
            ["目标企业", "项目名称", "落地县区", "责任人", "发现日期", "意向投资（万元）"],
            ["天津华信冷链物流有限公司", "华信冷链项目", "郾城区", "郾城区招商员", "2026-03-02", "50000"],
            ["青岛嘉禾食品有限公司", "嘉禾食品项目", "郾城区", "郾城区招商员", "2026-03-05", "20000"],
            ["宁波瑞丰包装有限公司", "瑞丰包装项目", "郾城区", "郾城区招商员", "2026-03-06", "8000"],
        ]
