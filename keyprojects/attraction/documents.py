"""The documents of attraction: the province's 招商引资 statistics (xlsx) and the weekly or
quarterly review sheet (docx). Both are Chinese government documents, so their fixed words are
Chinese literals (as campaigns/reports.py explains); a fixed number of queries each."""

import datetime
import io
from decimal import Decimal

from django.db.models import Count, Q, Sum
from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from keyprojects.core.access import Action
from keyprojects.core.exports import neutralise
from keyprojects.orgs.models import Region

from . import rankings
from .choices import FundSource, LeadStatus
from .models import FundsInPlace, Lead
from .services import stale_leads

WAN_PER_YI = Decimal(10_000)


def _yi(value) -> float:
    return float(round(Decimal(value or 0) / WAN_PER_YI, 2))


def statistics_workbook(user, year: int) -> io.BytesIO:
    """招商引资到位资金统计表: one row per region, 省外 and 境外 for the year and for each month,
    then 合计; amounts in 亿元 as the province's table asks, values only."""
    funds = (
        FundsInPlace.objects.restrict(user, Action.VIEW)
        .filter(month__year=year, archived_at__isnull=True)
        .order_by()
        .values("project__region", "source", "month__month")
        .annotate(total=Sum("amount"))
    )
    signed = (
        Lead.objects.restrict(user, Action.VIEW)
        .filter(signed_on__year=year, status__in=[LeadStatus.SIGNED, LeadStatus.HANDED_OVER])
        .order_by()
        .values("region")
        .annotate(n=Count("pk"), investment=Sum("contracted_investment"))
    )
    table: dict = {}
    for row in funds:
        table.setdefault(row["project__region"], {})[(row["source"], row["month__month"])] = row["total"]
    signings = {row["region"]: row for row in signed}
    region_ids = set(table) | set(signings)
    regions = {r.pk: r for r in Region.objects.filter(pk__in=region_ids)}

    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年"
    sheet.append([f"{year}年招商引资项目及到位资金统计表"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["单位：个、亿元"])
    header = ["县区", "签约项目数", "合同投资额", "省外到位资金", "境外到位资金", "到位资金合计"]
    header += [f"{m}月省外" for m in range(1, 13)] + [f"{m}月境外" for m in range(1, 13)]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    totals = [0, Decimal(0), Decimal(0), Decimal(0), Decimal(0)] + [Decimal(0)] * 24
    for pk in sorted(region_ids, key=lambda k: (regions[k].code or "", regions[k].name)):
        cells = table.get(pk, {})
        domestic = sum((v for (s, _m), v in cells.items() if s == FundSource.OUT_OF_PROVINCE), Decimal(0))
        foreign = sum((v for (s, _m), v in cells.items() if s == FundSource.FOREIGN), Decimal(0))
        sign = signings.get(pk, {})
        months = [cells.get((FundSource.OUT_OF_PROVINCE, m), 0) for m in range(1, 13)]
        months += [cells.get((FundSource.FOREIGN, m), 0) for m in range(1, 13)]
        values = [sign.get("n", 0), sign.get("investment") or 0, domestic, foreign, domestic + foreign, *months]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        sheet.append([neutralise(regions[pk].name), values[0], *[_yi(v) for v in values[1:]]])
    sheet.append(["合计", totals[0], *[_yi(v) for v in totals[1:]]])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 16
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle


def _period(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    if period == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = today.replace(month=first_month, day=1)
        return start, today, f"{today.year}年第{(first_month - 1) // 3 + 1}季度"
    start = today - datetime.timedelta(days=today.weekday())
    return start, today, f"{start:%Y年%m月%d日}至{today:%m月%d日}"


def review_document(user, period: str, today: datetime.date) -> io.BytesIO:
    """招商工作周/季度点评: the period's new leads, visits and signings, the ranking of the
    regions, the stale leads with their owners, and the leads waiting for pre-evaluation."""
    start, end, title = _period(period, today)
    leads = Lead.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)
    figures = leads.aggregate(
        found=Count("pk", filter=Q(found_on__range=(start, end))),
        signed=Count("pk", filter=Q(signed_on__range=(start, end))),
        investment=Sum("contracted_investment", filter=Q(signed_on__range=(start, end))),
    )
    try:
        stale = list(
            stale_leads(leads, today).select_related("owner__user", "region").order_by("last_activity_on")[:50]
        )
    except Exception:  # noqa: BLE001 — a year without its working calendar: say so, not fail
        stale = None
    pending = list(
        leads.filter(status=LeadStatus.NEGOTIATING).select_related("owner__user", "region").order_by("-investment")[:50]
    )
    document = Document()
    document.add_heading(f"招商引资工作{'季度' if period == 'quarter' else '周'}点评（{title}）", level=1)
    document.add_paragraph(
        f"本期新增线索{figures['found']}条，签约项目{figures['signed']}个，"
        f"合同投资额{_yi(figures['investment']):,.2f}亿元。"
    )
    document.add_heading("县区排名", level=2)
    ranked = rankings.rankings(user, today.year, "region")
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["名次", "县区", "新增线索", "拜访", "签约", "合同投资（亿元）"], strict=True
    ):
        cell.text = text
    for row in ranked:
        cells = table.add_row().cells
        values = [
            row["rank"],
            row["label"],
            row["leads"],
            row["visits"],
            row["signings"],
            f"{_yi(row['investment']):,.2f}",
        ]
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    document.add_heading("久未跟进的线索", level=2)
    if stale is None:
        document.add_paragraph("本年度工作日历未维护，无法计算。")
    elif not stale:
        document.add_paragraph("无。")
    for lead in stale or []:
        document.add_paragraph(
            f"{lead.name}（{lead.region}，{lead.owner}）：最后跟进{lead.last_activity_on:%Y年%m月%d日}",
            style="List Bullet",
        )
    document.add_heading("待预估评审的项目", level=2)
    if not pending:
        document.add_paragraph("无。")
    for lead in pending:
        document.add_paragraph(
            f"{lead.name}（{lead.region}，{lead.owner}），意向投资{_yi(lead.investment):,.2f}亿元", style="List Bullet"
        )
    handle = io.BytesIO()
    document.save(handle)
    handle.seek(0)
    return handle
