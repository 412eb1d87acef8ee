from .progress import Milestone, ProgressReport, ProjectDocument, ProjectEvent, StageRequest, YearPlan
from .project import ListMembership, Project, ProjectList, ProjectMember, Tag

__all__ = [
    "ListMembership",
    "Milestone",
    "ProgressReport",
    "Project",
    "ProjectDocument",
    "ProjectEvent",
    "ProjectList",
    "ProjectMember",
    "StageRequest",
    "Tag",
    "YearPlan",
]
