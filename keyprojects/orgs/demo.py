"""Demo organisations and one user per role, deterministic and idempotent. Later modules
add their own demo data through `seed_demo`'s steps."""

from keyprojects.core.access import Role
from keyprojects.core.context import acting

from .models import Contact, Department, Membership, Office, Region, User

DEMO_PASSWORD = "luohe-demo-2024"

DEPARTMENTS = [
    ("漯河市发展和改革委员会", "市发改委"),
    ("漯河市自然资源和规划局", "市自然资源规划局"),
    ("漯河市生态环境局", "市生态环境局"),
    ("漯河市住房和城乡建设局", "市住建局"),
    ("漯河市工业和信息化局", "市工信局"),
    ("漯河市商务局", "市商务局"),
    ("漯河市财政局", "市财政局"),
    ("漯河市统计局", "市统计局"),
    ("漯河市行政审批和政务信息管理局", "市审批局"),
    ("国网漯河供电公司", "供电公司"),
]

# username, name, role, region name / department short name / office kind
USERS = [
    ("cityadmin", "市发改委管理员", Role.CITY_ADMIN, None),
    ("yancheng", "郾城区项目专员", Role.REGION_STAFF, ("region", "郾城区")),
    ("wuyang", "舞阳县项目专员", Role.REGION_STAFF, ("region", "舞阳县")),
    ("ziran", "自然资源规划局专员", Role.DEPARTMENT_STAFF, ("department", "市自然资源规划局")),
    ("tongchou", "大项目统筹办专员", Role.OFFICE_STAFF, ("office", "coordination")),
    ("leader", "分包领导", Role.LEADER, None),
    ("officer", "首席服务官", Role.SERVICE_OFFICER, None),
    ("dispatcher", "视频调度员", Role.DISPATCHER, None),
    ("enterprise", "企业用户", Role.ENTERPRISE, None),
    ("auditor", "审计员", Role.AUDITOR, None),
]


def seed_orgs(stdout=None):
    with acting(None, "seed_demo"):
        city = Region.objects.get(code="411100")
        for name, short in DEPARTMENTS:
            Department.objects.get_or_create(region=city, name=name, defaults={"short_name": short})
        for county in Region.objects.filter(parent=city):
            for name in ("发展和改革委员会", "自然资源局"):
                Department.objects.get_or_create(region=county, name=f"{county.name}{name}")
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.org", DEMO_PASSWORD, first_name="超级管理员")
        for username, name, role, where in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                # a mobile number each: the project page's leader and officer are one tap away
                phone = f"1390395{sum(map(ord, username)) % 10000:04d}"
                user = User.objects.create_user(username, password=DEMO_PASSWORD, first_name=name, phone=phone)
            scope = {}
            if where and where[0] == "region":
                scope["region"] = Region.objects.get(name=where[1])
            elif where and where[0] == "department":
                scope["department"] = Department.objects.get(short_name=where[1])
            elif where and where[0] == "office":
                scope["office"] = Office.objects.get(kind=where[1])
            Membership.objects.get_or_create(user=user, role=role, **scope)
        people = [
            ("张建国", "市发改委副主任", "0395-3100001", "市发改委"),
            ("李明", "市自然资源规划局科长", "0395-3100002", "市自然资源规划局"),
            ("王芳", "供电公司客户经理", "0395-3100003", "供电公司"),
        ]
        for name, post, phone, short in people:
            department = Department.objects.get(short_name=short)
            Contact.objects.get_or_create(
                name=name,
                phone=phone,
                defaults={"post": post, "department": department, "region": department.region},
            )
        for county, name, phone in [("郾城区", "赵磊", "13903950001"), ("舞阳县", "孙丽", "13903950002")]:
            Contact.objects.get_or_create(
                name=name,
                phone=phone,
                defaults={"post": "项目专员", "region": Region.objects.get(name=county)},
            )
    if stdout:
        stdout.write(f"Demo users (password {DEMO_PASSWORD}): admin, " + ", ".join(u[0] for u in USERS))
