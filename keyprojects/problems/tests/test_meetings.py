"""The weekly meeting: numbered, its agenda built from what is late, decisions followed to the
end and back on every next agenda until closed, its documents as Word files."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from keyprojects.core.notifications import Notification
from keyprojects.problems import services
from keyprojects.problems.choices import DecisionStatus, ItemKind, Level
from keyprojects.problems.models import Decision, Meeting

from .factories import assigned, project_of, raise_one

pytestmark = pytest.mark.django_db


def meeting(by, day=date(2026, 10, 26)):
    return services.create_meeting(Meeting(date=day, place="市政府三楼会议室", chair="常务副市长"), by=by)


def agenda(m):
    return {(item.kind, item.problem_id or item.project_id or item.decision_id) for item in m.items.all()}


def test_meetings_are_numbered_in_order(users):
    first, second = meeting(users["office"]), meeting(users["office"])
    assert (first.number, second.number) == (1, 2) and str(second) == "第2次重点项目建设周例会"


def test_the_agenda_holds_late_problems_and_red_projects_once(users, department):
    from keyprojects.projects.models import Project

    project = project_of(users)
    Project.objects.filter(pk=project.pk).update(light="red")
    late = services.start_problem(
        assigned(raise_one(users["enterprise"], project=project), users["office"], department),
        by=users["department"],
        note="办理中",
    )  # overdue since 2026-10-15
    escalated = services.escalate_problem(
        assigned(raise_one(users["enterprise"], project=project, title="征迁阻工"), users["office"], department),
        by=users["office"],
        note="提交周例会",
        level=Level.MEETING,
    )
    m = meeting(users["office"])
    services.build_agenda(m, by=users["office"])
    services.build_agenda(m, by=users["office"])  # again: nothing twice
    assert agenda(m) == {
        (ItemKind.PROBLEM, late.pk),
        (ItemKind.PROBLEM, escalated.pk),
        (ItemKind.PROJECT, project.pk),
    }


def test_a_decision_is_followed_to_the_end_and_reappears_until_closed(users, department):
    problem = assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department)
    first = meeting(users["office"])
    services.build_agenda(first, by=users["office"])
    with pytest.raises(ValidationError):
        services.add_decision(
            first, by=users["office"], text="限期解决", owner_department=department, deadline=date(2026, 10, 1)
        )
    services.add_decision(
        first,
        by=users["office"],
        text="市自然资源规划局10月底前落实用地指标",
        owner_department=department,
        deadline=date(2026, 10, 30),
        problems=[problem],
    )
    decision = Decision.objects.get()
    assert Notification.objects.filter(recipient=users["department"], kind="problems.decision").exists()
    assert problem.actions.filter(note__contains="议定").exists()
    services.hold_meeting(first, by=users["office"], minutes="会议听取了问题办理情况。")
    second = meeting(users["office"], date(2026, 11, 2))
    services.build_agenda(second, by=users["office"])
    assert (ItemKind.DECISION, decision.pk) in agenda(second)
    with pytest.raises(ValidationError, match="not reported"):
        services.close_decision(decision, by=users["office"])
    decision = services.report_decision(decision, by=users["department"], report="指标已下达")
    decision = services.send_back_decision(decision, by=users["office"], note="请附批复文件")
    assert decision.status == DecisionStatus.OPEN
    decision = services.report_decision(decision, by=users["department"], report="已附批复")
    decision = services.close_decision(decision, by=users["office"])
    assert decision.status == DecisionStatus.CLOSED
    third = meeting(users["office"], date(2026, 11, 9))
    services.build_agenda(third, by=users["office"])
    assert (ItemKind.DECISION, decision.pk) not in agenda(third)
    with pytest.raises(ValidationError, match="held"):
        services.build_agenda(first, by=users["office"])


def test_overdue_decisions_are_marked_by_the_daily_job(users, department):
    m = meeting(users["office"])
    services.add_decision(
        m, by=users["office"], text="限期解决", owner_department=department, deadline=date(2026, 10, 27)
    )
    assert services.mark_overdue_decisions(date(2026, 10, 30)) == 1
    assert Decision.objects.get().overdue_days == 3
    assert services.send_digests(date(2026, 10, 30)) == 1  # the owner department is reminded
    digest = Notification.objects.get(kind="problems.digest", recipient=users["department"])
    assert (digest.params["decisions"], digest.params["overdue"]) == (1, 0)
    assert services.send_digests(date(2026, 10, 30)) == 0


def test_agenda_minutes_and_decisions_export_as_word(users, department, client_for):
    problem = services.escalate_problem(
        assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department),
        by=users["office"],
        note="提交周例会",
        level=Level.MEETING,
    )
    m = meeting(users["office"])
    services.build_agenda(m, by=users["office"])
    services.add_decision(
        m, by=users["office"], text="限期落实用地指标", owner_department=department, deadline=date(2026, 11, 30)
    )
    services.hold_meeting(m, by=users["office"], minutes="一、听取汇报。\n二、研究部署。")
    client = client_for("leader")
    page = client.get(m.get_absolute_url()).content.decode()
    assert problem.title in page and 'data-testid="docx-agenda"' in page
    texts = {}
    for part in ("agenda", "minutes", "decisions"):
        response = client.get(f"/problems/meetings/{m.pk}/{part}.docx")
        assert response.status_code == 200
        document = Document(io.BytesIO(response.content))
        texts[part] = "\n".join(p.text for p in document.paragraphs) + "\n".join(
            c.text for t in document.tables for row in t.rows for c in row.cells
        )
    assert "第1次重点项目建设周例会议程" in texts["agenda"] and problem.title in texts["agenda"]
    assert "研究部署" in texts["minutes"] and "限期落实用地指标" in texts["minutes"]
    assert "限期落实用地指标" in texts["decisions"]
    assert client_for("county_b").get(f"/problems/meetings/{m.pk}/nothing.docx").status_code == 404
