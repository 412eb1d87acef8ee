"""Small builders for problem tests: real rows through the real services."""

from datetime import date

from keyprojects.enterprises.models import Enterprise
from keyprojects.orgs.models import Department, Office, Region
from keyprojects.problems import services
from keyprojects.problems.models import Problem
from keyprojects.projects.tests.factories import make_project

RAISED = date(2026, 9, 30)  # a Wednesday before the National Day holiday (10-01 … 10-07, 10-10 worked)


def enterprise_of(users, region="郾城区", name="漯河食品有限公司"):
    enterprise, _ = Enterprise.objects.get_or_create(name=name, defaults={"region": Region.objects.get(name=region)})
    enterprise.users.add(users["enterprise"])
    return enterprise


def project_of(users, department=None, region="郾城区", name="问题项目"):
    enterprise = enterprise_of(users, region)
    return make_project(
        region,
        name=name,
        owner=enterprise.pk,
        leader=users["leader"].pk,
        service_officer=users["service_officer"].pk,
        by=users["county_a"],
    )


def raise_one(by, *, project=None, enterprise=None, region=None, title="用地指标未落实", raised_on=RAISED, **values):
    problem = Problem(
        title=title,
        description=values.pop("description", "项目二期用地指标尚未落实，影响开工。"),
        category=values.pop("category", "land"),
        project=project,
        enterprise=enterprise,
        region=region,
        raised_on=raised_on,
        **values,
    )
    return services.raise_problem(problem, by=by, intake_key=values.get("intake_key"))


def assigned(problem, by, department, **values):
    return services.assign_problem(
        problem, by=by, problem_class=values.pop("problem_class", "simple"), lead_department=department, **values
    )


def office(kind="coordination"):
    return Office.objects.get(kind=kind)


def county_department(region="郾城区", name="郾城区自然资源局"):
    return Department.objects.get_or_create(region=Region.objects.get(name=region), name=name)[0]
