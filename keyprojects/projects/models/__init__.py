from .baseline import Baseline, BaselineFrozen
from .forecast import RiskForecast, RiskModel
from .progress import Milestone, ProgressReport, ProjectDocument, ProjectEvent, StageRequest, YearPlan
from .project import ListMembership, Project, ProjectList, ProjectMember, Tag
from .statistics import OfficialFigure

__all__ = [
    "Baseline",
    "BaselineFrozen",
    "ListMembership",
    "Milestone",
    "OfficialFigure",
    "ProgressReport",
    "Project",
    "ProjectDocument",
    "ProjectEvent",
    "ProjectList",
    "ProjectMember",
    "StageRequest",
    "RiskForecast",
    "RiskModel",
    "Tag",
    "YearPlan",
]
