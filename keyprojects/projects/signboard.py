"""公示牌 (signboard): the public fields of a project, its QR code and a printable A3 board.

One function picks the public fields (`public_fields`), so the page behind the QR code, the PDF
and anything later show the same things and nothing internal (light reasons, termination
reason, notes, reports). One QR implementation (segno, pure Python) draws both the PNG and
the PDF's code, so the two can never point at different addresses. reportlab writes the PDF
with its built-in CID font STSong-Light: Chinese prints without shipping a font file (the
viewer supplies the glyphs, as every PDF reader in China does for the Adobe-GB1 fonts).
"""

import io
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.access import Action

from .models import Project

A3 = (297, 420)  # millimetres, portrait
FONT = "STSong-Light"


@dataclass
class Person:
    name: str = ""
    post: str = ""
    phone: str = ""


@dataclass
class Node:
    name: str
    planned_date: object = None
    actual_date: object = None
    current: bool = False


@dataclass
class PublicFields:
    """Exactly what the public may read about a project; nothing else leaves through a signboard."""

    name: str
    code: str
    owner: str
    total_investment_yi: object
    construction_content: str
    planned_start_date: object
    planned_production_date: object
    leader: Person
    service_officer: Person
    responsible_unit: str
    hotline: str
    nodes: list = field(default_factory=list)

    @property
    def current(self):
        return next((node for node in self.nodes if node.current), None)


def _person(user):
    """Name, post and phone of a leader or officer. The post and a fallback phone come from the
    person's contact card (联系人, linked to the account), which is where posts are kept."""
    if user is None:
        return Person()
    contact = user.contacts.filter(archived_at__isnull=True).exclude(post="").order_by("pk").first()
    return Person(
        name=user.get_full_name() or user.username,
        post=contact.post if contact else "",
        phone=user.phone or (contact.phone if contact else ""),
    )


def public_fields(project):
    milestones = list(project.milestones.filter(archived_at__isnull=True))
    current = next((m for m in milestones if not m.actual_date), None)
    unit = project.department.name if project.department else ""
    return PublicFields(
        name=project.name,
        code=project.code or "",
        owner=str(project.owner) if project.owner else "",
        total_investment_yi=project.total_investment_yi,
        construction_content=project.construction_content,
        planned_start_date=project.planned_start_date,
        planned_production_date=project.planned_production_date,
        leader=_person(project.leader),
        service_officer=_person(project.service_officer),
        responsible_unit=unit,
        hotline=settings.KEYPROJECTS_COMPLAINTS_HOTLINE,
        nodes=[Node(m.name, m.planned_date, m.actual_date, m is current) for m in milestones],
    )


def public_url(request, project):
    """The absolute address of the public page: what the QR code on the site board opens."""
    return request.build_absolute_uri(reverse("signboard", args=[project.signboard_token]))


def qr_code(url):
    # Error correction M survives a weathered board; boost_error raises it when the URL allows.
    return segno.make(url, error="m", micro=False)


def qr_png(url, scale=10):
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


# --- the printable board -----------------------------------------------------------------


def _date(day):
    return day.strftime("%Y-%m-%d") if day else "—"


def signboard_pdf(fields, url):
    """An A3 portrait PDF: title band, the public fields, the node timeline, the QR code and the hotline."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    red = colors.HexColor("#b71c1c")
    width, height = A3[0] * mm, A3[1] * mm
    margin = 16 * mm
    inner = width - 2 * margin
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{fields.name} · {_('Project signboard')}")
    pdf.setAuthor("KeyProjects")

    def style(size, **extra):
        return ParagraphStyle(f"s{size}", fontName=FONT, fontSize=size, leading=size * 1.35, wordWrap="CJK", **extra)

    # Title band: the board's heading, then the project name as large as a passer-by needs.
    title = Paragraph(fields.name, style(40, alignment=TA_CENTER, textColor=colors.white))
    _w, h = title.wrap(inner, 60 * mm)
    band = 34 * mm + h
    pdf.setFillColor(red)
    pdf.rect(0, height - band, width, band, stroke=0, fill=1)
    pdf.setFillColor(colors.white)
    pdf.setFont(FONT, 24)
    pdf.drawCentredString(width / 2, height - 18 * mm, _("Key project signboard"))
    title.drawOn(pdf, margin, height - band + 9 * mm)

    # The public fields.
    label, value = style(19, textColor=colors.HexColor("#555555")), style(23)

    def person(p):
        return "　".join(filter(None, [p.name, p.post, p.phone])) or "—"

    rows = [
        (_("project code"), fields.code or "—"),
        (_("owner enterprise"), fields.owner or "—"),
        (
            _("total investment"),
            _("not given") if fields.total_investment_yi is None else f"{fields.total_investment_yi} {_('100m yuan')}",
        ),
        (_("construction content"), fields.construction_content or "—"),
        (_("planned start date"), _date(fields.planned_start_date)),
        (_("planned production date"), _date(fields.planned_production_date)),
        (_("leader"), person(Person(fields.leader.name, fields.leader.post))),
        (_("chief service officer"), person(Person(fields.service_officer.name, "", fields.service_officer.phone))),
        (_("responsible unit"), fields.responsible_unit or "—"),
    ]
    table = Table(
        [[Paragraph(a, label), Paragraph(str(b), value)] for a, b in rows],
        colWidths=[70 * mm, inner - 70 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#dddddd")),
                ("TOPPADDING", (0, 0), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
            ]
        )
    )
    bottom_block = 118 * mm  # timeline + QR + hotline, measured from the bottom margin
    available = height - band - 22 * mm - margin - bottom_block  # 10 mm clear above the timeline
    _w, h = table.wrap(inner, available)
    if h < available:  # few or short fields: spread the rows rather than leave a blank band
        pad = 9 + min(14, (available - h) / (2 * len(rows)))
        table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad)]))
        _w, h = table.wrap(inner, available)
    if h > available:  # a very long construction content: shorten it rather than run off the board
        text = fields.construction_content
        while h > available and len(text) > 20:
            text = text[: int(len(text) * 0.85)]
            rows[3] = (rows[3][0], text.rstrip() + "…")
            table._cellvalues[3][1] = Paragraph(rows[3][1], value)
            _w, h = table.wrap(inner, available)
    table.drawOn(pdf, margin, height - band - 10 * mm - h)

    # The node timeline: a line of dots, the current node ringed in red.
    y = margin + bottom_block - 12 * mm
    pdf.setFillColor(colors.black)
    pdf.setFont(FONT, 18)
    pdf.drawString(margin, y + 8 * mm, _("Milestones"))
    nodes = fields.nodes
    if nodes:
        step = inner / len(nodes)
        line_y = y - 6 * mm
        pdf.setStrokeColor(colors.HexColor("#999999"))
        pdf.setLineWidth(1.5)
        pdf.line(margin + step / 2, line_y, margin + inner - step / 2, line_y)
        for i, node in enumerate(nodes):
            x = margin + step * (i + 0.5)
            done = node.actual_date is not None
            pdf.setFillColor(colors.HexColor("#2e7d32") if done else (red if node.current else colors.white))
            pdf.setStrokeColor(red if node.current else colors.HexColor("#666666"))
            pdf.setLineWidth(3 if node.current else 1.2)
            pdf.circle(x, line_y, (4.2 if node.current else 3) * mm, stroke=1, fill=1)
            name = Paragraph(node.name, style(14, alignment=TA_CENTER, textColor=red if node.current else colors.black))
            _w, h = name.wrap(step - 2 * mm, 20 * mm)
            name.drawOn(pdf, x - (step - 2 * mm) / 2, line_y - 8 * mm - h)
            pdf.setFont(FONT, 11)
            pdf.setFillColor(colors.HexColor("#444444"))
            # A reached node shows the day it was reached (its dot is green), the others their plan.
            pdf.drawCentredString(x, line_y - 10 * mm - h - 3 * mm, _date(node.actual_date or node.planned_date))
            if node.current:
                pdf.setFillColor(red)
                pdf.drawCentredString(x, line_y + 7 * mm, _("current node"))

    # QR code on the left, hotline on the right.
    size = 68 * mm
    code = qr_code(url)
    modules = code.symbol_size(border=4)[0]
    cell = size / modules
    left, base = margin, margin
    pdf.setFillColor(colors.white)
    pdf.rect(left, base, size, size, stroke=0, fill=1)
    pdf.setFillColor(colors.black)
    for r, row in enumerate(code.matrix_iter(border=4)):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(left + c * cell, base + size - (r + 1) * cell, cell + 0.05, cell + 0.05, stroke=0, fill=1)
    text_x = left + size + 14 * mm
    pdf.setFillColor(colors.black)
    pdf.setFont(FONT, 20)
    pdf.drawString(text_x, base + size - 12 * mm, _("Scan to see the project's progress"))
    pdf.setFont(FONT, 18)
    pdf.setFillColor(colors.HexColor("#555555"))
    pdf.drawString(text_x, base + size - 32 * mm, _("complaints hotline"))
    pdf.setFillColor(red)
    pdf.setFont(FONT, 44)
    pdf.drawString(text_x, base + size - 52 * mm, fields.hotline)
    pdf.setFont(FONT, 10)
    pdf.setFillColor(colors.HexColor("#777777"))
    printed = timezone.localdate().strftime("%Y-%m-%d")
    pdf.drawString(text_x, base + 2 * mm, _("Printed on %(date)s") % {"date": printed})
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- pages -------------------------------------------------------------------------------


def _published(request, pk):
    """A project the user may view, with its signboard published; otherwise 404 and nothing else."""
    project = get_object_or_404(
        Project.objects.restrict(request.user, Action.VIEW).select_related(
            "owner", "leader", "service_officer", "department"
        ),
        pk=pk,
        archived_at__isnull=True,
    )
    if not project.signboard_published:
        raise Http404
    return project


@login_required
def signboard_pdf_view(request, pk):
    project = _published(request, pk)
    response = HttpResponse(signboard_pdf(public_fields(project), public_url(request, project)), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="signboard-{project.pk}.pdf"'
    return response


@login_required
def signboard_qr_view(request, pk):
    project = _published(request, pk)
    response = HttpResponse(qr_png(public_url(request, project)), "image/png")
    response["Content-Disposition"] = f'inline; filename="signboard-qr-{project.pk}.png"'
    return response
