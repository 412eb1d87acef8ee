"""The investment statistics as files for the monthly briefing: an xlsx of the tables and a
Word page (docx) with the sentence the province reads, the categories, three years and the
regions. Like the campaign's briefing (campaigns.briefing), these are Chinese government
documents: their fixed words are Chinese literals, their figures the page's own (investment.py).
"""

import io
from decimal import Decimal

import xlsxwriter
from docx import Document

from keyprojects.campaigns.briefing import _set_fonts, _table
from keyprojects.core import display
from keyprojects.projects.choices import InvestmentCategory

from . import investment

CATEGORY_ZH = {
    InvestmentCategory.TOTAL: "固定资产投资",
    InvestmentCategory.INDUSTRY: "工业投资",
    InvestmentCategory.HIGH_TECH: "高技术制造业投资",
    InvestmentCategory.EMERGING: "战略性新兴产业投资",
    InvestmentCategory.PRIVATE: "民间投资",
    InvestmentCategory.ATTRACTED: "招商引资项目投资",
}
GROUPING_ZH = {"region": "县区", "field": "领域", "tier": "投资规模", "tag": "标签"}


def _yi(value: Decimal) -> Decimal:
    return display.in_unit(value)


def _growth_text(value) -> str:
    return "无基数" if value is None else f"{value}%"


def _tables(user, year, month, by):
    reports = investment.reports_for(user)
    years = investment.by_year(reports, year, month)
    return years, investment.grouped(reports, year, month, by)


def sentence(current: investment.Row, year: int, month: int) -> str:
    """ "1—9月，全市固定资产投资完成X亿元，同比增长Y%；其中工业投资……" from the figures."""
    total = current.figures[InvestmentCategory.TOTAL]
    months = "1月" if month == 1 else f"1—{month}月"
    parts = [f"{year}年{months}，纳入平台统计的项目完成固定资产投资{display.grouped(_yi(total.current))}亿元"]
    parts[0] += "（上年同期无可比数据）" if total.growth is None else _change(total.growth)
    for key in (InvestmentCategory.INDUSTRY, InvestmentCategory.HIGH_TECH, InvestmentCategory.EMERGING):
        figure = current.figures[key]
        if figure.current:
            parts.append(f"{CATEGORY_ZH[key]}{display.grouped(_yi(figure.current))}亿元{_change(figure.growth)}")
    if current.emerging_share is not None:
        parts.append(f"战略性新兴产业投资占工业投资比重{current.emerging_share}%")
    return "；".join(parts) + "。"


def _change(value) -> str:
    if value is None:
        return "（无上年同期基数）"
    return f"，同比增长{value}%" if value >= 0 else f"，同比下降{-value}%"


def statistics_xlsx(user, year: int, month: int, by: str) -> bytes:
    years, groups = _tables(user, year, month, by)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    current = years[-1]

    sheet = book.add_worksheet("分类别")
    headings = ["类别", f"{year}年1—{month}月（亿元）", "上年同期（亿元）", "累计同比（%）", "入统项目占比（%）"]
    sheet.write_row(0, 0, headings, bold)
    for row, (key, figure) in enumerate(current.cells, 1):
        sheet.write_string(row, 0, CATEGORY_ZH[key])
        sheet.write_number(row, 1, float(_yi(figure.current)), money)
        sheet.write_number(row, 2, float(_yi(figure.previous)), money)
        _write_optional(sheet, row, 3, figure.growth)
        _write_optional(sheet, row, 4, figure.statistics_share)
    sheet.write_string(len(current.cells) + 1, 0, "战略性新兴产业投资占工业投资比重（%）")
    _write_optional(sheet, len(current.cells) + 1, 1, current.emerging_share)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 4, 18)

    sheet = book.add_worksheet("近三年增速")
    sheet.write_row(0, 0, ["类别", *[f"{r.label}年1—{month}月同比（%）" for r in years]], bold)
    for row, key in enumerate(InvestmentCategory.values, 1):
        sheet.write_string(row, 0, CATEGORY_ZH[key])
        for column, year_row in enumerate(years, 1):
            _write_optional(sheet, row, column, year_row.figures[key].growth)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(years), 22)

    sheet = book.add_worksheet(f"分{GROUPING_ZH[by]}")
    heads = [GROUPING_ZH[by]]
    for key in InvestmentCategory.values:
        heads += [f"{CATEGORY_ZH[key]}（亿元）", "同比（%）"]
    sheet.write_row(0, 0, heads, bold)
    for row, group in enumerate(groups, 1):
        sheet.write_string(row, 0, display_label(group))
        for position, (_key, figure) in enumerate(group.cells):
            sheet.write_number(row, 1 + 2 * position, float(_yi(figure.current)), money)
            _write_optional(sheet, row, 2 + 2 * position, figure.growth)
    sheet.set_column(0, len(heads), 16)
    book.close()
    return buffer.getvalue()


def display_label(group) -> str:
    return exports_safe(group.label or "—")


def exports_safe(text: str) -> str:
    from keyprojects.core.exports import neutralise

    return neutralise(text)


def _write_optional(sheet, row, column, value):
    if value is None:
        sheet.write_string(row, column, "无基数")
    else:
        sheet.write_number(row, column, float(value))


def statistics_docx(user, year: int, month: int, by: str) -> bytes:
    from django.utils import translation

    with translation.override("zh-hans"):
        years, groups = _tables(user, year, month, by)
        current = years[-1]
        document = Document()
        _set_fonts(document)
        document.add_heading(f"{year}年1—{month}月固定资产投资完成情况", level=1)
        document.add_paragraph(sentence(current, year, month))
        document.add_heading("一、分类别完成情况", level=2)
        _table(
            document,
            ["类别", "本年累计（亿元）", "上年同期（亿元）", "累计同比", "入统占比"],
            [
                (
                    CATEGORY_ZH[key],
                    display.grouped(_yi(f.current)),
                    display.grouped(_yi(f.previous)),
                    _growth_text(f.growth),
                    "—" if f.statistics_share is None else f"{f.statistics_share}%",
                )
                for key, f in current.cells
            ],
            [5, 3, 3, 2.5, 2.5],
            (1, 2, 3, 4),
        )
        document.add_heading("二、近三年同期增速", level=2)
        _table(
            document,
            ["类别", *[f"{r.label}年" for r in years]],
            [(CATEGORY_ZH[key], *[_growth_text(r.figures[key].growth) for r in years]) for key in InvestmentCategory],
            None,
            tuple(range(1, len(years) + 1)),
        )
        document.add_heading(f"三、分{GROUPING_ZH[by]}完成情况", level=2)
        total = InvestmentCategory.TOTAL
        industry = InvestmentCategory.INDUSTRY
        _table(
            document,
            [GROUPING_ZH[by], "固定资产投资（亿元）", "同比", "工业投资（亿元）", "同比"],
            [
                (
                    g.label or "—",
                    display.grouped(_yi(g.figures[total].current)),
                    _growth_text(g.figures[total].growth),
                    display.grouped(_yi(g.figures[industry].current)),
                    _growth_text(g.figures[industry].growth),
                )
                for g in groups
            ],
            [4, 3.5, 2.5, 3.5, 2.5],
            (1, 2, 3, 4),
        )
        document.add_paragraph(
            "说明：完成投资为各项目已报送（含已审核）月度进度之和，按所报月份计入；同比为本年1月至本月累计"
            "与上年同期累计相比，上年同期为零的记为“无基数”。"
        )
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
