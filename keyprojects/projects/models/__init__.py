from .progress import Milestone, ProgressReport, ProjectEvent, StageRequest, YearPlan
from .project import ListMembership, Project, ProjectList, ProjectMember, Tag

__all__ = [
    "ListMembership",
    "Milestone",
    "ProgressReport",
    "Project",
    "ProjectEvent",
    "ProjectList",
    "ProjectMember",
    "StageRequest",
    "Tag",
    "YearPlan",
]
