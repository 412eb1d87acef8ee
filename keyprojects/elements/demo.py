"""Demo element guarantees: the year's 要素保障白名单 and 不间断施工 list with the demo's started
projects, element demands with a few shortfalls and one past its guaranteed date."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from keyprojects.core.context import acting

from .choices import Element, Source, WhitelistKind
from .models import ElementDemand, Whitelist

DEMANDS = [
    (Element.LAND, Decimal(120), Source.TRANSFER, "漯河市自然资源和规划局"),
    (Element.POWER, Decimal(8000), Source.NONE, "国网漯河供电公司"),
    (Element.ENERGY, Decimal(15000), Source.PROVINCE_QUOTA, "漯河市发展和改革委员会"),
    (Element.FUNDING, Decimal(20000), Source.SPECIAL_BOND, "漯河市财政局"),
]


def seed_elements(stdout=None):
    from django.utils import timezone

    from keyprojects.approvals.services import system_user
    from keyprojects.orgs.models import Department, User
    from keyprojects.projects.choices import Stage
    from keyprojects.projects.models import Project

    from . import services

    if Whitelist.objects.exists():
        return
    today = timezone.localdate()
    by = User.objects.filter(username="cityadmin").first() or system_user()
    departments = {d.name: d for d in Department.objects.filter(region__code="411100")}
    with acting(by):
        lists = [
            Whitelist.objects.create(
                name=f"{today.year}年重大项目要素保障白名单",
                kind=WhitelistKind.GUARANTEE,
                year=today.year,
                valid_from=datetime.date(today.year, 1, 1),
                valid_until=datetime.date(today.year, 12, 31),
                stages=[Stage.SIGNED, Stage.STARTED],
            ),
            Whitelist.objects.create(
                name=f"{today.year}年不间断施工（重污染天气豁免）名单",
                kind=WhitelistKind.UNINTERRUPTED,
                year=today.year,
                valid_from=datetime.date(today.year, 1, 1),
                valid_until=datetime.date(today.year, 12, 31),
                stages=[Stage.STARTED],
            ),
        ]
    started = Project.objects.filter(stage=Stage.STARTED, archived_at__isnull=True).order_by("-total_investment")[:15]
    for n, project in enumerate(started):
        for whitelist in lists[: 1 + (n % 2)]:
            try:
                services.add_entry(
                    whitelist.entries.model(whitelist=whitelist, project=project, reason="省市重点项目，在建"), by=by
                )
            except ValidationError:  # a demo project that misses a criterion simply stays off the list
                continue
        for m, (element, amount, source, name) in enumerate(DEMANDS[: 2 + n % 3]):
            department = departments.get(name)
            if department is None:
                continue
            short = (n + m) % 4 == 1
            guarantee_by = today + datetime.timedelta(days=30 - 45 * ((n + m) % 7 == 2))
            services.save_demand(
                ElementDemand(
                    project=project,
                    element=element,
                    requested=amount,
                    guaranteed=amount * Decimal("0.6") if short else amount,
                    source=source,
                    department=department,
                    guarantee_by=guarantee_by,
                ),
                by=by,
            )
    services.raise_late(today)
