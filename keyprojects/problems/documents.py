"""The weekly meeting's documents as Word files (python-docx, as the campaign's briefing): the
agenda (议程), the minutes (会议纪要) and the decision list (议定事项清单). Chinese government
documents: their fixed words are Chinese literals, as in campaigns/briefing.py, whose fonts and
table helper they reuse."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from keyprojects.campaigns.briefing import _set_fonts, _table
from keyprojects.core import display

DOCUMENTS = {"agenda": "议程", "minutes": "会议纪要", "decisions": "议定事项清单"}


def _start(meeting, part):
    document = Document()
    _set_fonts(document)
    title = document.add_heading(f"{meeting}{DOCUMENTS[part]}", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    where = "，".join(
        filter(None, [f"时间：{meeting.date:%Y年%-m月%-d日}", meeting.place and f"地点：{meeting.place}"])
    )
    line = document.add_paragraph(where + (f"，主持：{meeting.chair}" if meeting.chair else ""))
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def _decisions(document, meeting):
    rows = [
        (
            str(i),
            decision.text,
            str(decision.owner_department),
            f"{decision.deadline:%Y-%m-%d}",
            decision.get_status_display(),
        )
        for i, decision in enumerate(
            meeting.decisions.filter(archived_at__isnull=True).select_related("owner_department"), 1
        )
    ]
    if not rows:
        document.add_paragraph("本次会议暂无议定事项。")
        return
    _table(document, ["序号", "议定事项", "责任单位", "完成时限", "状态"], rows, widths=[1.2, 8, 3.5, 2.5, 2])


def meeting_document(meeting, part) -> tuple[bytes, str]:
    """(docx bytes, file name)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        document = _start(meeting, part)
        if part == "agenda":
            items = meeting.items.filter(archived_at__isnull=True)
            for kind, heading in (
                ("problem", "一、逾期及提级督办问题"),
                ("decision", "二、往期议定事项跟踪"),
                ("project", "三、亮红灯项目"),
                ("other", "四、其他事项"),
            ):
                chosen = [item for item in items if item.kind == kind]
                if not chosen:
                    continue
                document.add_heading(heading, level=1)
                for n, item in enumerate(chosen, 1):
                    document.add_paragraph(f"{n}. {item.text}")
        elif part == "minutes":
            document.add_heading("会议纪要", level=1)
            for paragraph in (meeting.minutes or "（尚未记录）").splitlines():
                if paragraph.strip():
                    document.add_paragraph(paragraph.strip())
            document.add_heading("议定事项", level=1)
            _decisions(document, meeting)
        else:
            _decisions(document, meeting)
        document.add_paragraph(f"生成于{display.day(meeting.updated)}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
        handle = io.BytesIO()
        document.save(handle)
    return handle.getvalue(), f"{meeting}{DOCUMENTS[part]}.docx"


def circular_document(user, today) -> tuple[bytes, str]:
    """督办通报: the departments ranked by their overdue problems, then every overdue problem with
    its department, deadline, working days late and 督办 level, over the user's scope."""
    from django.utils import translation

    from . import board
    from .choices import OPEN

    with translation.override("zh-hans"):
        figures = board.board(user, "department")
        total = figures["total"]
        document = Document()
        _set_fonts(document)
        title = f"重点项目问题督办通报（截至{today:%Y年%-m月%-d日}）"
        document.add_heading(title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph(
            f"截至{today:%-m月%-d日}，问题台账共有未销号问题{total['open']}个，其中超过办理时限{total['overdue']}个；"
            f"已销号{total['closed']}个，按期办结率{display.percent(total['on_time_rate'])}，"
            f"满意率{display.percent(total['satisfaction'])}。"
        )
        document.add_heading("一、各责任单位逾期情况", level=1)
        rows = [
            (str(i), row["name"], str(row["open"]), str(row["overdue"]), display.percent(row["on_time_rate"]))
            for i, row in enumerate(figures["rows"], 1)
        ]
        _table(document, ["排名", "责任单位", "未销号", "已逾期", "按期办结率"], rows, numeric=(2, 3, 4))
        document.add_heading("二、逾期问题清单", level=1)
        late = (
            board.problems_for(user)
            .filter(status__in=OPEN, overdue_days__gt=0)
            .select_related("lead_department", "region")
            .order_by("-overdue_days", "pk")
        )
        items = [
            (
                str(i),
                problem.title,
                str(problem.lead_department or problem.region),
                f"{problem.due:%Y-%m-%d}" if problem.due else "",
                str(problem.overdue_days),
                problem.get_escalation_display(),
            )
            for i, problem in enumerate(late, 1)
        ]
        if items:
            _table(document, ["序号", "问题", "牵头部门", "时限", "逾期工作日", "督办级别"], items, numeric=(4,))
        else:
            document.add_paragraph("无逾期问题，实现动态清零。")
        handle = io.BytesIO()
        document.save(handle)
    return handle.getvalue(), f"{title}.docx"
