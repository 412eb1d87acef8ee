"""Demo problems: about 200 enterprise problems over eight months (the seed article's "收集办结
各类企业问题202个") and some 80 raised for projects, with a realistic mix of categories, most
solved and closed on time, some in work, a few overdue and escalated, then the daily job run once,
so that the queues, the timeline and the board look real on `make run`. Deterministic: the same
rows each run (relative to today), written once."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from keyprojects.core.calendar import CalendarMissing, working_calendar
from keyprojects.core.context import acting

from .choices import CATEGORY_OFFICE, DEFAULT_OFFICE, ActionType, Category, ProblemClass, Source, Status
from .models import Problem, ProblemAction

MARKER = "demo-problem-"  # the intake key of the demo's rows

C = Category
# category -> (weight, department short name or None for the county's 自然资源局, titles)
MIX = {
    C.LAND: (
        20,
        "市自然资源规划局",
        ["二期用地指标未落实", "土地征收补偿款未到位", "项目用地尚未完成挂牌出让", "用地红线与规划不一致"],
    ),
    C.APPROVALS: (
        15,
        "市审批局",
        ["施工许可证办理进度慢", "消防设计审查未通过", "节能审查意见待出具", "竣工联合验收排期晚"],
    ),
    C.FUNDING: (
        12,
        "市财政局",
        ["项目贷款审批周期长", "专项债资金未拨付到位", "技改奖补资金未兑现", "流动资金周转困难"],
    ),
    C.POWER: (10, "供电公司", ["施工临时用电未接入", "专用变压器增容申请未批", "双回路供电方案未落实"]),
    C.LABOUR: (8, "市工信局", ["熟练技工招聘困难", "员工子女就近入学问题", "员工宿舍配套不足"]),
    C.PLANNING: (7, "市自然资源规划局", ["规划条件调整审批慢", "厂区容积率调整", "建设工程规划许可待核发"]),
    C.ENVIRONMENT: (7, "市生态环境局", ["排污总量指标不足", "环评批复待出具", "重污染天气管控影响施工"]),
    C.DEMOLITION: (6, None, ["地上附着物未清表", "周边群众阻工", "杆线迁改未完成"]),
    C.POLICY: (5, "市发改委", ["研发费用加计扣除政策咨询", "高新技术企业认定政策咨询", "设备更新贷款贴息政策咨询"]),
    C.WATER: (4, "市住建局", ["工业用水管网未接通", "污水管网未接入园区"]),
    C.GAS: (3, "市住建局", ["天然气管道未接入厂区", "用气价格政策咨询"]),
    C.OTHER: (3, "市住建局", ["厂区周边道路未打通", "物流车辆通行受限"]),
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 20)))


class Builder:
    """One problem at a time: its fields and the lines of its timeline, dated as they happened."""

    def __init__(self, today, users, departments, offices):
        self.today, self.users, self.departments, self.offices = today, users, departments, offices
        self.calendar = working_calendar()
        self.random = random.Random(202)
        self.problems, self.lines = [], []

    def add(self, n, *, enterprise=None, project=None, source, by):
        rnd = self.random
        category = rnd.choices(list(MIX), weights=[w for w, _d, _t in MIX.values()])[0]
        _weight, short, titles = MIX[category]
        problem_class = (
            ProblemClass.ENQUIRY
            if "咨询" in (title := rnd.choice(titles))
            else (ProblemClass.COMPLEX if rnd.random() < 0.25 else ProblemClass.SIMPLE)
        )
        stuck = n % 23 == 0  # one in 23 is stuck: raised in the last months and still not solved
        days = rnd.randint(20, 75) if stuck else int(240 * rnd.random()) + 1
        raised = self.today - datetime.timedelta(days=days)
        region = (project or enterprise).region
        department = self.departments.get(short) or self.departments.get(f"{region.name}自然资源局")
        department = department or self.departments["市自然资源规划局"]
        problem = Problem(
            title=title,
            description=f"{(project or enterprise).name}反映：{title}，影响项目推进，请协调解决。",
            category=category,
            problem_class=problem_class,
            source=source,
            project=project,
            enterprise=enterprise or (project.owner if project else None),
            region=region,
            office=self.offices[CATEGORY_OFFICE.get(category, DEFAULT_OFFICE)],
            raised_by=by,
            raised_on=raised,
            intake_key=f"{MARKER}{n}",
        )
        try:
            self.life(problem, department, stuck)
        except CalendarMissing:  # a deadline in a year whose holidays are not published yet
            return
        self.problems.append(problem)

    def wd(self, day, n):
        return self.calendar.add_working_days(day, n)

    def life(self, problem, department, stuck=False):
        from .services import current_due, rule_days

        rnd, today = self.random, self.today
        assign, progress, resolve = rule_days(problem.category, problem.problem_class)
        raised = problem.raised_on
        problem.assign_due = self.wd(raised, assign)
        problem.progress_due = self.wd(raised, progress)
        problem.resolve_due = self.wd(raised, resolve)
        lines = [(ActionType.RAISED, raised, problem.raised_by, problem.description)]
        problem.status = Status.SUBMITTED
        assigned = self.wd(raised, rnd.choice([1, 1, 1, 2]))
        if assigned <= today:
            problem.lead_department, problem.assigned_on, problem.status = department, assigned, Status.ASSIGNED
            lines.append((ActionType.ASSIGNED, assigned, self.users["tongchou"], ""))
        started = self.wd(raised, rnd.choice([1, 2, 3, 3]))
        if problem.assigned_on and started <= today:
            problem.progress_on, problem.status = started, Status.IN_PROGRESS
            lines.append((ActionType.STARTED, started, self.users["ziran"], "已对接企业，正在协调办理。"))
        # Most are solved within their time; one in ten takes longer; a few stay open past it.
        share = rnd.random()
        if share < 0.88:
            spent = max(1, round((resolve - 1) * rnd.random()))
        else:  # late, and the latest of them still open weeks past their time
            spent = resolve + (rnd.randint(2, 12) if share < 0.95 else rnd.randint(15, 60))
        proposed = self.wd(raised, spent)
        if problem.progress_on and proposed <= today and not stuck:
            problem.proposed_on, problem.status = proposed, Status.PROPOSED
            problem.resolution = "已协调相关部门办理完毕。"
            lines.append((ActionType.PROPOSED, proposed, self.users["ziran"], problem.resolution))
            confirmed = self.wd(proposed, rnd.choice([1, 1, 2]))
            if confirmed <= today:
                problem.satisfied = rnd.random() < 0.94
                problem.status = Status.CONFIRMED
                kind = ActionType.SATISFIED if problem.satisfied else ActionType.NOT_SATISFIED
                lines.append((kind, confirmed, problem.raised_by, "" if problem.satisfied else "仍需跟进"))
                if not problem.satisfied:
                    problem.satisfied = True  # solved on the second round
                closed = self.wd(confirmed, rnd.choice([1, 1, 2]))
                if closed <= today:
                    problem.status, problem.closed_on = Status.CLOSED, closed
                    problem.on_time = proposed <= problem.resolve_due
                    problem.working_days = self.calendar.working_days_between(raised, closed)
                    lines.append((ActionType.CLOSED, closed, self.users["tongchou"], ""))
        if problem.status == Status.IN_PROGRESS and share > 0.97:
            problem.status, problem.unresolvable_reason = (
                Status.UNRESOLVABLE_PENDING,
                "涉及上位规划调整，短期内无法解决。",
            )
            lines.append((ActionType.UNRESOLVABLE, today, self.users["ziran"], problem.unresolvable_reason))
        problem.due = current_due(problem)
        self.lines.append(lines)


def seed_problems(stdout=None, *, today=None):
    from keyprojects.enterprises.models import Enterprise
    from keyprojects.orgs.models import Department, Office, User
    from keyprojects.projects.models import Project

    from .services import escalate_overdue, mark_overdue

    today = today or timezone.localdate()
    if Problem.objects.filter(intake_key__startswith=MARKER).exists():
        if stdout:
            stdout.write(f"Demo problems: already there, nothing created ({Problem.objects.count()} in all).")
        return {}
    users = {u.username: u for u in User.objects.filter(username__in=["enterprise", "officer", "tongchou", "ziran"])}
    enterprises = list(Enterprise.objects.filter(archived_at__isnull=True).order_by("pk"))
    projects = list(Project.objects.filter(archived_at__isnull=True, stage__in=["signed", "started"]).order_by("pk"))
    if len(users) < 4 or not enterprises or not projects:
        return {}
    departments = {d.short_name or d.name: d for d in Department.objects.all()}
    departments.update({d.name: d for d in Department.objects.all()})
    offices = {o.kind: o for o in Office.objects.all()}
    builder = Builder(today, users, departments, offices)
    rnd = builder.random
    own = users["enterprise"].enterprises.first()
    for n in range(205):  # 万人助万企: raised on visits by the service officer, or by the enterprise itself
        enterprise = own if n % 25 == 0 and own else rnd.choice(enterprises)
        by = users["enterprise"] if enterprise == own else users["officer"]
        builder.add(
            n, enterprise=enterprise, source=Source.ENTERPRISE if by == users["enterprise"] else Source.VISIT, by=by
        )
    for n in range(205, 290):
        builder.add(
            n,
            project=rnd.choice(projects),
            source=rnd.choice([Source.PROJECT, Source.MEETING, Source.INSPECTION]),
            by=users["tongchou"],
        )
    with acting(None, "seed_demo"), transaction.atomic():
        Problem.objects.bulk_create(builder.problems)
        actions = []
        for problem, lines in zip(builder.problems, builder.lines, strict=True):
            for kind, day, actor, note in lines:
                actions.append(
                    ProblemAction(problem=problem, type=kind, actor=actor, note=note, data={}, time=_at(day, 10))
                )
        for action in actions:
            if action.type == ActionType.RAISED:
                action.data = {"category": action.problem.category}
            elif action.type == ActionType.ASSIGNED:
                action.data = {
                    "department": str(action.problem.lead_department),
                    "due": action.problem.resolve_due.isoformat(),
                }
        times = {id(a): a.time for a in actions}  # bulk_create stamps `time` with now (auto_now_add)
        written = ProblemAction.objects.bulk_create(actions)
        for action in written:
            action.time = times[id(action)]
        ProblemAction.objects.bulk_update(written, ["time"])
        overdue = mark_overdue(today)
        escalated = escalate_overdue(today)
        meetings = seed_meetings(today, builder, users["tongchou"])
    counts = {"problems": len(builder.problems), "overdue": overdue, "escalated": escalated, "meetings": meetings}
    if stdout:
        stdout.write(f"Demo problems: {counts}")
    return counts


DECISIONS = [
    "{department}牵头，{days}个工作日内协调解决{title}问题",
    "{department}于本周内拿出{title}的解决方案，报大项目统筹办",
    "请{department}主要负责同志到现场办公，限期解决{title}",
]


def seed_meetings(today, builder, by) -> int:
    """A weekly meeting every Monday of the eight months, held, with minutes and two or three
    decisions on that week's problems (the older ones closed, the last weeks' still open), and
    next Monday's meeting in preparation with its agenda built from what is late now."""
    from .choices import DecisionStatus, MeetingStatus
    from .models import Decision, Meeting
    from .services import build_agenda, create_meeting

    rnd, calendar = builder.random, builder.calendar
    monday = today - datetime.timedelta(days=today.weekday())
    day = monday - datetime.timedelta(weeks=34)
    number, decisions, links = 0, [], []
    while day < monday:
        number += 1
        meeting = Meeting.objects.create(
            number=number,
            date=day,
            place="市政府三楼会议室",
            chair="常务副市长",
            status=MeetingStatus.HELD,
            minutes=f"{day:%-m月%-d日}，市政府召开第{number}次重点项目建设周例会，听取重点项目建设和问题办理情况汇报，研究部署下步工作。",
        )
        week = [
            p for p in builder.problems if p.lead_department and day - datetime.timedelta(days=10) <= p.raised_on < day
        ]
        for problem in rnd.sample(week, min(len(week), rnd.randint(2, 3))):
            deadline = calendar.add_working_days(day, rnd.choice([5, 10, 15]))
            text = rnd.choice(DECISIONS).format(department=problem.lead_department, days=10, title=problem.title)
            decision = Decision(meeting=meeting, text=text, owner_department=problem.lead_department, deadline=deadline)
            if deadline < today - datetime.timedelta(days=14):
                reported = calendar.add_working_days(day, rnd.randint(3, 14))
                decision.status, decision.reported_on = DecisionStatus.CLOSED, reported
                decision.closed_on, decision.report = calendar.add_working_days(reported, 1), "已按要求落实。"
            decisions.append(decision)
            links.append(problem)
        day += datetime.timedelta(weeks=1)
    Decision.objects.bulk_create(decisions)
    Decision.problems.through.objects.bulk_create(
        Decision.problems.through(decision_id=d.pk, problem_id=p.pk) for d, p in zip(decisions, links, strict=True)
    )
    from .services import mark_overdue_decisions

    mark_overdue_decisions(today)
    upcoming = create_meeting(Meeting(date=monday + datetime.timedelta(weeks=1), place="市政府三楼会议室"), by=by)
    build_agenda(upcoming, by=by)
    return number + 1
