from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """项目全生命周期: the stages in order; TERMINATED can follow any of them."""

    PLANNED = "planned", _("Planned")  # 谋划 / 储备
    NEGOTIATING = "negotiating", _("Negotiating")  # 在谈 / 招引
    SIGNED = "signed", _("Signed")  # 签约
    STARTED = "started", _("Started")  # 开工
    PRODUCING = "producing", _("Producing")  # 投产
    AT_CAPACITY = "at_capacity", _("At capacity")  # 达效
    TERMINATED = "terminated", _("Terminated")  # 终止 / 退库


LIFECYCLE = [Stage.PLANNED, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING, Stage.AT_CAPACITY]
# From signing on a project is counted by its total investment, which may be blank before.
SIGNED_OR_LATER = frozenset(LIFECYCLE[LIFECYCLE.index(Stage.SIGNED) :])
# The date field on Project that records the day a stage was reached (actual), and planned.
STAGE_DATES = {
    Stage.SIGNED: ("planned_sign_date", "actual_sign_date"),
    Stage.STARTED: ("planned_start_date", "actual_start_date"),
    Stage.PRODUCING: ("planned_production_date", "actual_production_date"),
    Stage.AT_CAPACITY: ("planned_capacity_date", "actual_capacity_date"),
}
# The node a stage change marks as reached in the default template.
STAGE_NODES = {Stage.STARTED: "开工", Stage.PRODUCING: "投产", Stage.AT_CAPACITY: "达效"}


class Field(models.TextChoices):
    """领域."""

    INDUSTRY = "industry", _("Industry")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    SERVICES = "services", _("Modern services")
    AGRICULTURE = "agriculture", _("Agriculture")
    SOCIAL = "social", _("Social welfare")
    ECOLOGY = "ecology", _("Ecology and environment")
    URBAN = "urban", _("Urban construction")


class Nature(models.TextChoices):
    """建设性质."""

    NEW = "new", _("New build")  # 新建
    EXPANSION = "expansion", _("Expansion")  # 扩建
    RENOVATION = "renovation", _("Renovation and technical upgrade")  # 改建和技术改造
    RELOCATION = "relocation", _("Relocation")  # 迁建
    RESTORATION = "restoration", _("Restoration")  # 恢复


class AttractionSource(models.TextChoices):
    """招引来源 for 招商引资 projects."""

    NONE = "", _("Not an attracted investment")
    OUT_OF_PROVINCE = "out_of_province", _("From outside the province")  # 省外
    FOREIGN = "foreign", _("Foreign investment")  # 外资
    LOCAL = "local", _("From within the province")


class Tier(models.TextChoices):
    """百亿级 / 五十亿级 / 十亿级, derived from total investment (万元), never typed."""

    HUNDRED = "100", _("≥ 10 billion yuan")  # 百亿级
    FIFTY = "50", _("≥ 5 billion yuan")  # 五十亿级
    TEN = "10", _("≥ 1 billion yuan")  # 十亿级
    OTHER = "0", _("Below 1 billion yuan")


# Thresholds in 万元 (1 亿元 = 10,000 万元).
TIER_FLOORS = [(Tier.HUNDRED, 1_000_000), (Tier.FIFTY, 500_000), (Tier.TEN, 100_000)]


class Light(models.TextChoices):
    """红 / 黄 / 绿灯, ordered worst first."""

    RED = "red", _("Red")
    YELLOW = "yellow", _("Yellow")
    GREEN = "green", _("Green")


LIGHT_RANK = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


# Reports the county has put its name to (submitted, or accepted by the city): what every figure
# counts, from a project's completed investment and lights to indicators and rankings. A draft or
# a returned report is work in progress; its own cumulative figure shows what it will add.
REPORTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class EventType(models.TextChoices):
    STAGE = "stage", _("Stage changed")
    CORRECTION = "correction", _("Stage date corrected")
    TERMINATED = "terminated", _("Terminated")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    REPORT_RETURNED = "report_returned", _("Report returned")
    SIGNBOARD = "signboard", _("Signboard published or withdrawn")
    STAGE_REQUESTED = "stage_requested", _("Stage change requested")
    STAGE_REQUEST_REJECTED = "stage_rejected", _("Stage change request rejected")
    REPLANNED = "replanned", _("Re-planned")


class RequestStatus(models.TextChoices):
    """A stage change an enterprise or service officer asks for, until its county decides."""

    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class DocumentKind(models.TextChoices):
    """What a project document is (文件资料)."""

    CONTRACT = "contract", _("Contract or agreement")
    PERMIT = "permit", _("Permit or approval")
    PHOTO = "photo", _("Site photo")
    OTHER = "other", _("Other document")


class MemberRole(models.TextChoices):
    """指挥部 + 工作专班 roles, and the owner's contacts."""

    COMMANDER = "commander", _("Commander")  # 指挥长
    DEPUTY = "deputy", _("Deputy commander")
    TASK_FORCE = "task_force", _("Task force member")  # 专班成员
    OWNER_CONTACT = "owner_contact", _("Owner's contact")


# Words real ledgers use for the choices, besides the translated labels.
NATURE_WORDS = {
    "新建": Nature.NEW,
    "扩建": Nature.EXPANSION,
    "改扩建": Nature.EXPANSION,
    "改建": Nature.RENOVATION,
    "技改": Nature.RENOVATION,
    "技术改造": Nature.RENOVATION,
    "改建和技术改造": Nature.RENOVATION,
    "迁建": Nature.RELOCATION,
    "恢复": Nature.RESTORATION,
}
FIELD_WORDS = {
    "工业": Field.INDUSTRY,
    "产业": Field.INDUSTRY,
    "基础设施": Field.INFRASTRUCTURE,
    "服务业": Field.SERVICES,
    "现代服务业": Field.SERVICES,
    "农业": Field.AGRICULTURE,
    "社会民生": Field.SOCIAL,
    "民生": Field.SOCIAL,
    "生态环保": Field.ECOLOGY,
    "城建": Field.URBAN,
    "城市建设": Field.URBAN,
}


class InvestmentCategory(models.TextChoices):
    """The categories of fixed-asset investment the province appraises (固投 and its parts).
    How each is read from a project is `dashboards.investment.CATEGORY_RULES`."""

    TOTAL = "total", _("Fixed-asset investment")  # 固定资产投资
    INDUSTRY = "industry", _("Industrial investment")  # 工业投资
    HIGH_TECH = "high_tech", _("High-tech manufacturing investment")  # 高技术制造业投资
    EMERGING = "emerging", _("Strategic emerging industries investment")  # 战略性新兴产业投资
    PRIVATE = "private", _("Private investment")  # 民间投资
    ATTRACTED = "attracted", _("Attracted investment")  # 招商引资


# The tags that put a project in a category (GLOSSARY 项目标签); 招商引资 also by its source.
CATEGORY_TAGS = {
    InvestmentCategory.HIGH_TECH: "高技术制造业",
    InvestmentCategory.EMERGING: "战略性新兴产业",
    InvestmentCategory.PRIVATE: "民间投资",
    InvestmentCategory.ATTRACTED: "招商引资",
}


class ReplanReason(models.TextChoices):
    """Why a project's plan changed (重新计划的原因); baseline 1 is the plan at first listing."""

    FIRST = "first", _("First listing")  # 首次列入名单时的计划
    LAND = "land", _("Land")  # 土地
    APPROVALS = "approvals", _("Approvals")  # 审批手续
    FUNDING = "funding", _("Funding")  # 资金
    DESIGN = "design", _("Design change")  # 设计变更
    INVESTOR = "investor", _("Investor")  # 投资方
    POLICY = "policy", _("Policy")  # 政策
    FORCE_MAJEURE = "force_majeure", _("Force majeure")  # 不可抗力
    OTHER = "other", _("Other")


class BaselineStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the county's approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
