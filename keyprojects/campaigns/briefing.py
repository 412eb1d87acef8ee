"""The Word briefing (简报) generated from data: title, the cumulative summary sentence, a table
per batch by region, the conversion indicators with their definitions, and one chart image
(entries per phase and batch).

The briefing is a Chinese government document: its fixed words are Chinese literals (see
reports.py for why); indicator labels and definitions are configuration with translated
labels, rendered with zh-hans active. The chart is drawn with Pillow (already installed with
reportlab): reportlab's own bitmap renderer needs the extra rlPyCairo/cairo stack, and
matplotlib would be some 40 MB for one bar chart.

Cost: a fixed number of aggregate queries (summary, phase summary, indicators, per-phase
counts), whatever the number of entries, so it is built inline in the request.
"""

import io
from pathlib import Path

from django.conf import settings
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from PIL import Image, ImageDraw, ImageFont

from keyprojects.core import display

from . import indicators, reports
from .choices import Batch
from .models import chinese_number

BATCH_COLOURS = {Batch.SIGN: (68, 114, 196), Batch.START: (237, 125, 49), Batch.PRODUCE: (112, 173, 71)}
COLOUR_WORDS = {Batch.SIGN: "蓝色", Batch.START: "橙色", Batch.PRODUCE: "绿色"}
# Fonts with Chinese glyphs to label the chart; without one the chart carries numbers only and
# the caption under it names the colours.
CHART_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
BODY_FONT = "仿宋"  # the body face of government documents (GB/T 9704); Word substitutes if absent
TITLE_FONT = "黑体"


def chart_font(size):
    """(font, has Chinese glyphs)."""
    candidates = [getattr(settings, "KEYPROJECTS_CHART_FONT", None), *CHART_FONTS]
    for path in candidates:
        if path and Path(path).exists():
            try:
                return ImageFont.truetype(path, size), True
            except OSError:
                continue
    return ImageFont.load_default(size), False


def phase_chart_png(counts, width=1600, height=860):
    """Stacked bars of entries per phase (签约/开工/投产), the total above each bar."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, chinese = chart_font(32)
    small, _ = chart_font(27)
    left, right, top, bottom = 110, 40, 90, 90
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([sum(c.values()) for _n, c in counts] or [0]) or 1
    step = _nice_step(peak)
    ceiling = step * (-(-peak // step))
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * tick / ceiling
        draw.line([(left, y), (left + plot_w, y)], fill=(225, 225, 225), width=2)
        draw.text((left - 14, y), str(tick), fill=(80, 80, 80), font=small, anchor="rm")
    draw.line([(left, top + plot_h), (left + plot_w, top + plot_h)], fill=(90, 90, 90), width=3)
    slot = plot_w / max(len(counts), 1)
    bar = min(slot * 0.62, 120)
    label_font, labels, every = _phase_labels(draw, [number for number, _c in counts], slot, chinese)
    for index, (_number, by_batch) in enumerate(counts):
        x0 = left + slot * index + (slot - bar) / 2
        y = top + plot_h
        for batch in Batch:
            h = plot_h * by_batch.get(batch, 0) / ceiling
            if h:
                draw.rectangle([x0, y - h, x0 + bar, y], fill=BATCH_COLOURS[batch])
            y -= h
        draw.text((x0 + bar / 2, y - 8), str(sum(by_batch.values())), fill=(40, 40, 40), font=small, anchor="md")
        if index % every == 0:
            draw.text((x0 + bar / 2, top + plot_h + 16), labels[index], fill=(40, 40, 40), font=label_font, anchor="mt")
    if chinese:
        draw.text((left, 30), "各期“三个一批”项目数（个）", fill=(20, 20, 20), font=font, anchor="lm")
        x = width - right
        for batch in reversed(Batch):
            text = reports.BATCH_ZH[batch]
            x -= draw.textlength(text, font=small) + 10
            draw.text((x, 30), text, fill=(40, 40, 40), font=small, anchor="lm")
            x -= 34
            draw.rectangle([x, 20, x + 24, 40], fill=BATCH_COLOURS[batch])
            x -= 24
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _phase_labels(draw, numbers, slot, chinese):
    """(font, labels, draw every n-th): 第十四期 in a smaller face while it fits under its bar,
    then the bare numbers, then every n-th number — never labels running into each other."""
    room = slot * 0.94
    if chinese:
        names = [f"第{chinese_number(n)}期" for n in numbers]
        for size in (27, 24, 21, 19):
            font, _ = chart_font(size)
            if max((draw.textlength(name, font=font) for name in names), default=0) <= room:
                return font, names, 1
    font, _ = chart_font(27)
    labels = [str(n) for n in numbers]
    widest = max((draw.textlength(label, font=font) for label in labels), default=0) + 8
    return font, labels, max(1, -(-int(widest) // max(int(room), 1)))


def _nice_step(peak):
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak / step <= 8:
            return step
    return 10000


def _set_fonts(document):
    def east_asian(style, face):
        style.font.name = face
        r_pr = style.element.get_or_add_rPr()
        r_fonts = r_pr.find(qn("w:rFonts"))
        if r_fonts is None:
            r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
            r_pr.append(r_fonts)
        r_fonts.set(qn("w:eastAsia"), face)

    normal = document.styles["Normal"]
    east_asian(normal, BODY_FONT)
    normal.font.size = Pt(14)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        east_asian(style, TITLE_FONT)
        style.font.color.rgb = RGBColor(0, 0, 0)


def _table(document, headings, rows, widths=None, numeric=()):
    """A bordered table; `numeric` are the positions of right-aligned figure columns."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(11)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for values in rows:
        cells = table.add_row().cells
        for position, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(value))
            run.font.size = Pt(10.5)
            if position and position in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:  # Word reads the cells' widths, LibreOffice the grid's: set both
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _batch_tables(document, summaries):
    for position, batch_summary in enumerate(summaries, 1):
        heading = f"（{chinese_number(position)}）“{batch_summary.name_zh}”项目"
        document.add_heading(heading, level=2)
        if not batch_summary.rows:
            document.add_paragraph("本批次暂无项目。")
            continue
        rows = [
            (r.label, r.count, display.grouped(r.total_yi), display.grouped(r.planned_yi)) for r in batch_summary.rows
        ]
        s = batch_summary.subtotal
        rows.append((s.label, s.count, display.grouped(s.total_yi), display.grouped(s.planned_yi)))
        _table(
            document,
            ["县区", "项目数（个）", "总投资（亿元）", "年度计划投资（亿元）"],
            rows,
            [5, 3, 3.5, 4],
            (1, 2, 3),
        )


def _rate(value):
    return "—" if value is None else f"{value}%"


def briefing_docx(user, *, year, month, phase=None):
    """The briefing as docx bytes: cumulative to the end of `year`-`month`; with `phase`, its
    section on projects is that phase's lists, otherwise the cumulative lists."""
    end = reports.month_end(year, month)
    cumulative = indicators.entries_for(user).filter(phase__date__lte=end)
    document = Document()
    _set_fonts(document)
    for section in document.sections:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    if phase is not None:
        title = f"第{chinese_number(phase.number)}期“三个一批”项目建设活动简报"
    else:
        title = "“三个一批”项目建设活动情况简报"
    heading = document.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dated = document.add_paragraph(f"（截至{year}年{month}月底）")
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(
        reports.summary_sentence(
            indicators.entries_for(user), year=year, month=month, subject=reports.subject_for(user)
        )
    )

    if phase is not None:
        entries = indicators.entries_for(user, phase=phase)
        document.add_heading("二、本期项目情况", level=1)
        totals = indicators.summary(entries, phases=False)
        document.add_paragraph(
            f"第{chinese_number(phase.number)}期共安排“三个一批”项目{totals['entries']}个，总投资{display.amount(totals['total_investment'])}亿元，"
            f"年度计划投资{display.amount(totals['planned_investment'])}亿元。其中“签约一批”项目{totals['sign']}个、"
            f"“开工一批”项目{totals['start']}个、“投产一批”项目{totals['produce']}个。"
        )
    else:
        entries = cumulative
        document.add_heading("二、分县区项目情况（累计）", level=1)
    _batch_tables(document, reports.phase_summary(entries))

    document.add_heading("三、转化指标", level=1)
    document.add_paragraph("以下指标按累计批次入列计算，“入列数”为达成数/应计数，“项目数”按项目去重。")
    with reports.zh():
        figures = indicators.compute(cumulative, as_of=end)
        rows = []
        for figure in figures.values():
            counted = f"{figure.numerator_entries}/{figure.denominator_entries}"
            projects = f"{figure.numerator_projects}/{figure.denominator_projects}"
            if figure.indicator.is_sum:
                counted = f"{display.amount(figure.numerator_sum)}/{display.amount(figure.denominator_sum)}亿元"
            rows.append(
                (str(figure.indicator.label), _rate(figure.rate), counted, projects, str(figure.indicator.description))
            )
    _table(document, ["指标", "完成值", "入列数", "项目数", "指标口径"], rows, [3.2, 1.9, 3.0, 2.0, 5.4], (1, 2, 3))

    document.add_heading("四、各期项目数", level=1)
    counts = reports.per_phase_counts(cumulative)
    document.add_picture(io.BytesIO(phase_chart_png(counts)), width=Cm(15.5))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    colours = "、".join(f"{COLOUR_WORDS[b]}为“{reports.BATCH_ZH[b]}”" for b in Batch)
    caption = document.add_paragraph(f"图1  各期“三个一批”项目数（{colours}）")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
