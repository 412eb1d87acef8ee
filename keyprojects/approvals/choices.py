from django.db import models
from django.utils.translation import gettext_lazy as _


class ReformStage(models.TextChoices):
    """工程建设项目审批制度改革的四个阶段: matters of one stage run in parallel (分阶段并联办理)."""

    LAND_PLANNING = "1_land", _("Project approval and land-use planning permit")  # 立项用地规划许可
    CONSTRUCTION_PERMIT = "2_works", _("Construction-works permit")  # 工程建设许可
    BUILDING_PERMIT = "3_building", _("Building permit")  # 施工许可
    COMPLETION = "4_completion", _("Completion acceptance")  # 竣工验收


class ApprovalMode(models.TextChoices):
    """办理方式: the ordinary way or one of the green channel's modes."""

    REGULAR = "regular", _("Regular")  # 常规
    COMMITMENT = "commitment", _("Commitment (承诺制)")  # 企业投资项目承诺制
    TOLERANCE = "tolerance", _("Accepted with documents missing (容缺受理)")  # 容缺受理
    PRE_APPROVAL = "pre_approval", _("Pre-review opinion (预审批)")  # 预审批, non-binding
    REGIONAL = "regional", _("Zone assessment reused (区域评估)")  # 区域评估复用


class ApprovalStatus(models.TextChoices):
    """事项状态 in the BLDS spirit: each change is a dated line with the previous status."""

    NOT_STARTED = "not_started", _("Not started")  # 未启动
    APPLIED = "applied", _("Applied")  # 已申请
    ACCEPTED = "accepted", _("Accepted")  # 已受理
    IN_REVIEW = "in_review", _("Under review")  # 审查中
    AWAITING_APPLICANT = "awaiting", _("Awaiting documents (待补正)")  # 待补正: the clock pauses
    APPROVED = "approved", _("Approved")  # 已批准
    REFUSED = "refused", _("Refused")  # 不予批准
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 撤回
    TERMINATED = "terminated", _("Terminated (supplement missed)")  # 终止办理: 容缺 deadline missed
    SKIPPED = "skipped", _("Covered by zone assessment")  # 区域评估覆盖, not applied for


S = ApprovalStatus
# The clock runs in these; it is paused in AWAITING_APPLICANT; every other status has no clock.
RUNNING = frozenset({S.ACCEPTED, S.IN_REVIEW})
OPEN = frozenset({S.NOT_STARTED, S.APPLIED, S.ACCEPTED, S.IN_REVIEW, S.AWAITING_APPLICANT})
DONE = frozenset({S.APPROVED, S.REFUSED, S.WITHDRAWN, S.TERMINATED, S.SKIPPED})
# Counts as cleared for "ready to start": approved, or covered by a zone assessment.
CLEARED = frozenset({S.APPROVED, S.SKIPPED})


class ProjectKind(models.TextChoices):
    """项目类型 that chooses the plan's template (备案类 / 核准类 / 政府投资)."""

    FILED = "filed", _("Enterprise project, filed (备案类)")
    CONFIRMED = "confirmed", _("Enterprise project, confirmed (核准类)")
    GOVERNMENT = "government", _("Government-invested (政府投资)")


class AssessmentKind(models.TextChoices):
    """区域评估事项: what a zone assesses once for every project in it."""

    LAND_SURVEY = "land_survey", _("Land survey")  # 土地勘测
    MINERALS = "minerals", _("Overlying mineral resources")  # 压覆矿产
    GEOHAZARD = "geohazard", _("Geological hazards")  # 地质灾害
    ENERGY = "energy", _("Energy saving")  # 节能
    SOIL = "soil", _("Soil and water conservation")  # 水土保持
    RELICS = "relics", _("Cultural relics")  # 文物
    FLOOD = "flood", _("Flood impact")  # 洪水影响
    SEISMIC = "seismic", _("Seismic safety")  # 地震安全性
    CLIMATE = "climate", _("Climate feasibility")  # 气候可行性
    ENVIRONMENT = "environment", _("Environmental impact")  # 环评


class EventType(models.TextChoices):
    PLANNED = "planned", _("Added to the plan")
    STATUS = "status", _("Status changed")
    SUPPLIED = "supplied", _("Missing documents supplied")
    OVERDUE = "overdue", _("Overdue")
    TERMINATED = "terminated", _("Terminated: supplement deadline missed")
