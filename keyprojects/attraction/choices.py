from django.db import models
from django.utils.translation import gettext_lazy as _


class Gap(models.TextChoices):
    """What a chain link still needs: 补链 (missing), 延链 (extend), 强链 (strengthen)."""

    NONE = "", _("no gap")
    FILL = "fill", _("fill the gap")
    EXTEND = "extend", _("extend the chain")
    STRENGTHEN = "strengthen", _("strengthen the link")


class Size(models.TextChoices):
    LARGE = "large", _("large")
    MEDIUM = "medium", _("medium")
    SMALL = "small", _("small")


class Post(models.TextChoices):
    """六职: a county's five posts and its zones' leaders; then the task force and everyone else."""

    SECRETARY = "secretary", _("party secretary")
    HEAD = "head", _("county head")
    DEPUTY_SECRETARY = "deputy_secretary", _("deputy secretary")
    EXECUTIVE_DEPUTY = "executive_deputy", _("executive deputy")
    ATTRACTION_DEPUTY = "attraction_deputy", _("deputy in charge of attraction")
    ZONE_LEADER = "zone_leader", _("zone leader")
    TASK_FORCE = "task_force", _("task-force member")
    ALL_STAFF = "all_staff", _("official (all staff)")


SIX_POSTS = frozenset(
    {
        Post.SECRETARY,
        Post.HEAD,
        Post.DEPUTY_SECRETARY,
        Post.EXECUTIVE_DEPUTY,
        Post.ATTRACTION_DEPUTY,
        Post.ZONE_LEADER,
    }
)
# 党政一把手: their trips are approved by the city, not by their own county.
TOP_POSTS = frozenset({Post.SECRETARY, Post.HEAD})


class TeamKind(models.TextChoices):
    SIX_POSTS = "six_posts", _("six posts")
    TASK_FORCE = "task_force", _("attraction task force")
    ALL_STAFF = "all_staff", _("all staff")


class LeadStatus(models.TextChoices):
    FOUND = "found", _("found")
    CONTACTED = "contacted", _("contacted")
    VISITED = "visited", _("visited")
    NEGOTIATING = "negotiating", _("negotiating")
    EVALUATED = "evaluated", _("pre-evaluated")
    SIGNED = "signed", _("agreement signed")
    HANDED_OVER = "handed_over", _("handed over")
    DROPPED = "dropped", _("dropped")


OPEN_STATUSES = (
    LeadStatus.FOUND,
    LeadStatus.CONTACTED,
    LeadStatus.VISITED,
    LeadStatus.NEGOTIATING,
    LeadStatus.EVALUATED,
    LeadStatus.SIGNED,
)
PIPELINE = (*OPEN_STATUSES, LeadStatus.HANDED_OVER)
SIGNED_STATUSES = (LeadStatus.SIGNED, LeadStatus.HANDED_OVER)


class Opinion(models.TextChoices):
    """The committee's opinion in a pre-evaluation (项目预估评审)."""

    RECOMMEND = "recommend", _("recommended")
    CONDITIONAL = "conditional", _("recommended with conditions")
    REJECT = "reject", _("not recommended")


class VisitKind(models.TextChoices):
    OUTGOING = "outgoing", _("we visited them")
    INCOMING = "incoming", _("they visited us")


class TripStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    DONE = "done", _("outcome recorded")


class FundSource(models.TextChoices):
    """到位资金 as the province counts it."""

    OUT_OF_PROVINCE = "out_of_province", _("from outside the province")
    FOREIGN = "foreign", _("from abroad")


class LeadEventType(models.TextChoices):
    FOUND = "found", _("found")
    CONTACTED = "contacted", _("contacted")
    VISIT = "visit", _("visit")
    NEGOTIATING = "negotiating", _("negotiating")
    EVALUATED = "evaluated", _("pre-evaluated")
    SIGNED = "signed", _("agreement signed")
    HANDED_OVER = "handed_over", _("handed over")
    DROPPED = "dropped", _("dropped")
    STALE = "stale", _("stale reminder")
