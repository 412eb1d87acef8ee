from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyprojects.orgs.choices import OfficeKind


class Source(models.TextChoices):
    """来源: where a problem was raised."""

    PROJECT = "project", _("Project page")
    ENTERPRISE = "enterprise", _("Enterprise")
    MEETING = "meeting", _("Weekly meeting")
    INSPECTION = "inspection", _("Site inspection")
    VISIT = "visit", _("Enterprise-help visit")  # 万人助万企
    HOTLINE = "hotline", _("12345 hotline")
    PLATFORM = "platform", _("Provincial platform")
    LEDGER = "ledger", _("Ledger import")


class Category(models.TextChoices):
    """问题类别: the twelve kinds of obstacle the ledger counts."""

    LAND = "land", _("Land")  # 用地
    PLANNING = "planning", pgettext_lazy("problem category", "Planning")  # 规划
    APPROVALS = "approvals", _("Approvals")  # 审批手续
    FUNDING = "funding", _("Funding")  # 资金
    POWER = "power", _("Power")  # 用电
    WATER = "water", _("Water")  # 用水
    GAS = "gas", _("Gas")  # 用气
    ENVIRONMENT = "environment", _("Environment")  # 环保
    LABOUR = "labour", _("Labour")  # 用工
    DEMOLITION = "demolition", _("Demolition")  # 征迁
    POLICY = "policy", _("Policy")  # 政策
    OTHER = "other", _("Other")


# The office (四大办) that answers for a category unless the problem names another.
CATEGORY_OFFICE = {
    Category.FUNDING: OfficeKind.FINANCE,
    Category.POWER: OfficeKind.CONSTRUCTION,
    Category.WATER: OfficeKind.CONSTRUCTION,
    Category.GAS: OfficeKind.CONSTRUCTION,
    Category.LABOUR: OfficeKind.SUPERVISION,
    Category.POLICY: OfficeKind.SUPERVISION,
    Category.OTHER: OfficeKind.SUPERVISION,
}
DEFAULT_OFFICE = OfficeKind.COORDINATION  # land, planning, approvals, environment, demolition


class ProblemClass(models.TextChoices):
    """问题分类: how much work it is, which sets its deadline (13710)."""

    ENQUIRY = "enquiry", _("Policy enquiry")  # 政策咨询
    SIMPLE = "simple", _("Simple")  # 一般问题
    COMPLEX = "complex", _("Complex")  # 复杂问题


# The 13710 rule (working days): assign in 1, first progress in 3, simple solved in 7, complex
# in 30; a policy enquiry is answered within the first-progress time. DeadlineRule rows override.
DEFAULT_DAYS = {
    ProblemClass.ENQUIRY: (1, 3, 3),
    ProblemClass.SIMPLE: (1, 3, 7),
    ProblemClass.COMPLEX: (1, 3, 30),
}


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")  # 已提交
    RETURNED = "returned", _("Returned for information")  # 退回补充
    ACCEPTED = "accepted", pgettext_lazy("problem", "Accepted")  # 已受理
    ASSIGNED = "assigned", _("Assigned")  # 已交办
    IN_PROGRESS = "in_progress", _("In progress")  # 办理中
    PROPOSED = "proposed", _("Resolution proposed")  # 已办结待确认
    CONFIRMED = "confirmed", _("Confirmed by the raiser")  # 已确认
    CLOSED = "closed", _("Closed")  # 已销号
    UNRESOLVABLE_PENDING = "unresolvable_asked", _("Unresolvable, awaiting approval")
    UNRESOLVABLE = "unresolvable", _("Unresolvable (approved)")


# Open: counted by 动态清零 (an unresolvable problem leaves the count only once approved).
DONE = frozenset({Status.CLOSED, Status.UNRESOLVABLE})
OPEN = frozenset(Status) - DONE
# Handed to a department: the department's queue and the overdue count follow these.
WORKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.PROPOSED, Status.UNRESOLVABLE_PENDING})
# Waiting for the office: accept and assign.
INTAKE = frozenset({Status.SUBMITTED, Status.ACCEPTED})


class Level(models.IntegerChoices):
    """督办 levels, raised automatically when overdue and by hand."""

    NONE = 0, _("Not escalated")
    DEPARTMENT_HEAD = 1, _("Department head")  # 部门负责人
    LEADER = 2, _("Project leader")  # 分包领导
    MEETING = 3, _("Weekly meeting")  # 周例会
    CITY = 4, _("City leadership")  # 市领导


# Working days overdue at which the daily job raises a problem to each level (a setting may override).
ESCALATE_AFTER = {Level.DEPARTMENT_HEAD: 1, Level.LEADER: 3, Level.MEETING: 5, Level.CITY: 10}


class ActionType(models.TextChoices):
    """问题动态: a line of a problem's timeline."""

    RAISED = "raised", _("Raised")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    RETURNED = "returned", _("Returned for information")
    ACCEPTED = "accepted", pgettext_lazy("problem", "Accepted")
    ASSIGNED = "assigned", _("Assigned")
    STARTED = "started", _("First progress")
    COMMENT = "comment", _("Comment")
    PROPOSED = "proposed", _("Resolution proposed")
    SATISFIED = "satisfied", _("Confirmed: satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", _("Escalated")
    OVERDUE = "overdue", _("Overdue")
    DEADLINE = "deadline", _("Deadline changed")
    TRANSFERRED = "transferred", _("Transferred to discipline inspection")
    UNRESOLVABLE = "unresolvable", _("Declared unresolvable")
    APPROVED = "approved", _("Unresolvable approved")
    REJECTED = "rejected", _("Unresolvable not approved")
    REOPENED = "reopened", _("Reopened")
    INSTRUCTION = "instruction", _("Leader's instruction")
    EDITED = "edited", _("Edited")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("In preparation")  # 筹备中
    HELD = "held", _("Held")  # 已召开


class ItemKind(models.TextChoices):
    """议题: what an agenda item is about."""

    PROBLEM = "problem", _("Overdue or escalated problem")
    PROJECT = "project", _("Red-light project")
    DECISION = "decision", _("Open decision")
    OTHER = "other", _("Other")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("In progress")  # 办理中
    DONE = "done", _("Reported done")  # 已办结待确认
    CLOSED = "closed", _("Closed")  # 已销号


class DecisionEventType(models.TextChoices):
    DECIDED = "decided", _("Decided")
    REPORTED = "reported", _("Reported done")
    SENT_BACK = "sent_back", _("Sent back")
    CLOSED = "closed", _("Closed")
    OVERDUE = "overdue", _("Overdue")
