from keyprojects.projects.tests.factories import make_project, start_project

from .. import services
from ..models import Camera


def site(name="漯河中心医院新院区", region="郾城区", *, by, **values):
    return start_project(make_project(region, name=name, by=by, **values), by=by)


def camera(project, *, by, url="", source="http", password=None, **values):
    found = Camera(project=project, name=values.pop("name", "1号塔吊"), source=source, url=url, **values)
    return services.save_camera(found, by=by, password=password)
