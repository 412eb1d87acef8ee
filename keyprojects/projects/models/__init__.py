from .progress import Milestone, ProgressReport, ProjectEvent, YearPlan
from .project import ListMembership, Project, ProjectList, ProjectMember, Tag

__all__ = [
    "ListMembership",
    "Milestone",
    "ProgressReport",
    "Project",
    "ProjectEvent",
    "ProjectList",
    "ProjectMember",
    "Tag",
    "YearPlan",
]
