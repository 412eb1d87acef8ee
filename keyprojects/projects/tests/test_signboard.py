"""公示牌: the public page, the printable A3 PDF and the QR code show the same public fields,
only to whom they should, and the QR code really opens the public page."""

import io
import os
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pypdf
import pytest

from keyprojects.orgs.models import Contact, Department, Region
from keyprojects.projects import services
from keyprojects.projects.models import Milestone, ProgressReport, Project
from keyprojects.projects.signboard import public_fields, qr_png

from .factories import make_project, start_project

MM = 72 / 25.4  # PDF points per millimetre
SECRET = {
    "termination": "内部：终止原因不得公开",
    "event_note": "内部：阶段备注不得公开",
    "problems": "内部：月报问题不得公开",
    "progress": "内部：形象进度不得公开",
    "person": "内部责任人甲",
}


def tool(name):
    """A command-line decoder the checks need; CI installs them (.ci/run), elsewhere they may be
    missing, and then the test says so rather than pass without looking."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("KEYPROJECTS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{name} is missing (apt-get install zbar-tools poppler-utils)")
        pytest.skip(f"{name} is not installed (apt-get install zbar-tools poppler-utils)")
    return path


def decode_qr(png):
    """What a phone's camera reads from the image: zbarimg's decoding, not our own payload."""
    with tempfile.NamedTemporaryFile(suffix=".png") as handle:
        handle.write(png)
        handle.flush()
        out = subprocess.run(
            [tool("zbarimg"), "--quiet", "--raw", handle.name], capture_output=True, text=True, timeout=60
        )
    return out.stdout.strip().splitlines()


def pdf_to_png(content, dpi=100):
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "board.pdf"
        source.write_bytes(content)
        subprocess.run(
            [tool("pdftoppm"), "-r", str(dpi), "-png", "-singlefile", source, Path(directory) / "page"],
            check=True,
            timeout=60,
        )
        return (Path(directory) / "page.png").read_bytes()


def pdf_text(content):
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def squeeze(text):
    return "".join(text.split())


@pytest.fixture
def project(users):
    """A published project with people, nodes and internal records that must stay inside."""
    leader, officer = users["leader"], users["service_officer"]
    leader.first_name = "王建华"  # as the demo accounts: the whole Chinese name in first_name
    leader.save()
    officer.first_name, officer.phone = "孙丽", "13903950009"
    officer.save()
    Contact.objects.create(name="王建华", post="漯河市人民政府副市长", user=leader)
    department = Department.objects.create(region=Region.objects.get(name="郾城区"), name="郾城区发展和改革委员会")
    project = make_project(
        by=users["county_a"],
        name="漯河食品产业园年产10万吨休闲食品智能化生产线",
        code="2401-411102-04-01-123456",
        total="125000",
        construction_content="新建标准化厂房6万平方米，购置智能化生产线12条",
        planned_start_date="2024-03-01",
        planned_production_date="2025-06-30",
        leader=leader.pk,
        service_officer=officer.pk,
        department=department.pk,
        responsible_person=SECRET["person"],
    )
    project = start_project(project, by=users["county_a"])
    services.advance_stage(
        project, to="producing", on=date(2024, 9, 1), by=users["county_a"], note=SECRET["event_note"]
    )
    first, second, third = Milestone.objects.filter(project=project)[:3]
    Milestone.objects.filter(pk__in=[first.pk, second.pk]).update(actual_date=date(2024, 3, 1))
    Milestone.objects.filter(pk=third.pk).update(planned_date=date(2024, 4, 1))  # late: a red light with a reason
    report = ProgressReport(
        project=project,
        month=date(2024, 3, 1),
        investment=500,
        physical_progress=SECRET["progress"],
        problems=SECRET["problems"],
    )
    services.save_report(report, by=users["county_a"])
    Project.objects.filter(pk=project.pk).update(termination_reason=SECRET["termination"])
    project = Project.objects.get(pk=project.pk)
    services.refresh_lights([project])
    services.publish_signboard(project, by=users["county_a"], published=True)
    return Project.objects.get(pk=project.pk)


def internal_texts(project):
    reasons = [services.describe(reason) for reason in project.light_reasons]
    assert reasons, "the fixture should give the project a light reason to keep inside"
    return [*SECRET.values(), *reasons]


def test_printable_board_is_an_a3_pdf_with_the_public_fields(client_for, project):
    response = client_for("county_a").get(f"/projects/projects/{project.pk}/signboard.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (297, 420)  # A3 portrait
    text = squeeze(pdf_text(response.content))
    for shown in [
        project.name,
        "2401-411102-04-01-123456",
        "12.50",
        "新建标准化厂房6万平方米",
        "2024-03-01",
        "2025-06-30",
        "王建华",
        "漯河市人民政府副市长",  # the leader's post, from their contact card
        "孙丽",
        "13903950009",
        "郾城区发展和改革委员会",
        "12345",  # the complaints hotline
        "拿地",
        "基础完工",
    ]:
        assert squeeze(shown) in text, shown


def test_public_page_shows_the_same_fields_and_marks_the_current_node(client, project):
    page = client.get(f"/s/{project.signboard_token}/").content.decode()
    board = public_fields(project)
    assert board.current.name == "基础完工"  # the first node without an actual date
    for shown in [project.name, "漯河市人民政府副市长", "13903950009", "郾城区发展和改革委员会", "12345"]:
        assert shown in page
    assert 'data-testid="signboard-current"' in page and "基础完工" in page.split('data-testid="signboard-current"')[1]


def test_internal_fields_never_reach_the_public_page_or_the_pdf(client, client_for, project):
    page = client.get(f"/s/{project.signboard_token}/").content.decode()
    pdf = squeeze(pdf_text(client_for("county_a").get(f"/projects/projects/{project.pk}/signboard.pdf").content))
    # Some are on the internal project page, so their absence from the board means something.
    inside = client_for("county_a").get(f"/projects/projects/{project.pk}/").content.decode()
    assert SECRET["person"] in inside and SECRET["event_note"] in inside
    assert services.describe(project.light_reasons[0]) in inside
    for text in internal_texts(project):
        assert text not in page, text
        assert squeeze(text) not in pdf, text


def test_qr_png_decodes_to_the_public_page(client_for, project):
    response = client_for("county_a").get(f"/projects/projects/{project.pk}/signboard-qr.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    expected = f"http://testserver/s/{project.signboard_token}/"
    # Our own payload first (needs no decoder), then what a camera reads.
    assert qr_png(expected) == response.content
    assert decode_qr(response.content) == [expected]


def test_qr_on_the_printed_board_decodes_to_the_public_page(client_for, project):
    # The address is the one the request came to (behind the proxy: the public host name).
    pdf = client_for("county_a").get(f"/projects/projects/{project.pk}/signboard.pdf", HTTP_HOST="localhost:8000")
    assert pdf.status_code == 200
    assert decode_qr(pdf_to_png(pdf.content)) == [f"http://localhost:8000/s/{project.signboard_token}/"]


@pytest.mark.parametrize("suffix", ["signboard.pdf", "signboard-qr.png"])
def test_unpublished_board_answers_404(client_for, project, users, suffix):
    services.publish_signboard(project, by=users["county_a"], published=False)
    response = client_for("county_a").get(f"/projects/projects/{project.pk}/{suffix}")
    assert response.status_code == 404
    assert project.name not in response.content.decode(errors="replace")


@pytest.mark.parametrize("suffix", ["signboard.pdf", "signboard-qr.png"])
def test_who_may_download_the_board(client_for, project, suffix):
    url = f"/projects/projects/{project.pk}/{suffix}"
    answers = {role: client_for(role).get(url).status_code for role in ["city_admin", "county_a", "leader", "county_b"]}
    assert answers == {"city_admin": 200, "county_a": 200, "leader": 200, "county_b": 404}
    anonymous = client_for("anonymous").get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_project_page_links_the_board_only_when_published(client_for, project, users):
    client = client_for("county_a")
    page = client.get(f"/projects/projects/{project.pk}/").content.decode()
    assert f"/projects/projects/{project.pk}/signboard.pdf" in page
    assert f"/projects/projects/{project.pk}/signboard-qr.png" in page
    services.publish_signboard(project, by=users["county_a"], published=False)
    page = client.get(f"/projects/projects/{project.pk}/").content.decode()
    assert "signboard.pdf" not in page and "signboard-qr.png" not in page


def test_a_very_long_construction_content_stays_on_one_page(client_for, project):
    Project.objects.filter(pk=project.pk).update(construction_content="新建厂房及配套设施，" * 200)
    response = client_for("county_a").get(f"/projects/projects/{project.pk}/signboard.pdf")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = squeeze(reader.pages[0].extract_text())
    assert "…" in text and "12345" in text and "拿地" in text  # shortened, the rest of the board intact
