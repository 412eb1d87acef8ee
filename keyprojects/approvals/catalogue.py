"""Henan's 联审联批 list: the 17 matters by the four stages of the construction-approval reform,
the department that answers for each, statutory working days, allowed modes, the project kinds
whose template includes it, whether construction needs it and the zone assessment that covers
it. Seeded once by migration 0002; the city administrator edits it afterwards."""

R, C, T, P = "regular", "commitment", "tolerance", "pre_approval"
ALL = ["filed", "confirmed", "government"]
ENTERPRISE = ["filed", "confirmed"]

# code, name, stage, department as listed, working days, modes, kinds, needed to start, zone assessment
MATTERS = [
    ("project_approval", "项目审批/核准/备案", "1_land", "发展改革部门", 20, [R, C, T, P], ALL, True, ""),
    ("site_selection", "用地预审与选址意见书", "1_land", "自然资源部门", 20, [R, T, P], ALL, True, ""),
    ("stability", "社会稳定风险评估", "1_land", "发展改革部门", 15, [R, C], ["confirmed", "government"], True, ""),
    ("relics", "建设工程文物保护和考古许可", "1_land", "文物部门", 20, [R, "regional"], ALL, True, "relics"),
    ("energy", "节能审查", "1_land", "发展改革部门", 15, [R, C, T, "regional"], ALL, True, "energy"),
    ("eia", "环境影响评价", "1_land", "生态环境部门", 30, [R, C, T, P, "regional"], ALL, True, "environment"),
    ("traffic", "交通影响评价", "1_land", "公安交通管理部门", 15, [R, C], ALL, True, ""),
    ("water", "水影响评价", "1_land", "水利部门", 20, [R, C, T, "regional"], ALL, True, "soil"),
    ("seismic", "地震安全性评价", "1_land", "地震工作部门", 15, [R, "regional"], ALL, True, "seismic"),
    ("civil_defence", "防空地下室建设保障", "2_works", "人民防空部门", 10, [R, C], ALL, True, ""),
    ("land_supply", "国有建设用地供地", "2_works", "自然资源部门", 20, [R, T, P], ALL, True, ""),
    ("planning_permit", "建设工程规划许可", "2_works", "自然资源部门", 10, [R, C, T, P], ALL, True, ""),
    ("drawing_review", "施工图审查", "3_building", "住房城乡建设部门", 10, [R, C], ALL, True, ""),
    ("fire_design", "消防设计审查", "3_building", "住房城乡建设部门", 10, [R, C, T], ALL, True, ""),
    ("building_permit", "施工许可证", "3_building", "住房城乡建设部门", 3, [R, C, T], ALL, True, ""),
    ("joint_acceptance", "联合验收", "4_completion", "住房城乡建设部门", 10, [R], ALL, False, ""),
    ("completion_filing", "竣工验收备案", "4_completion", "住房城乡建设部门", 5, [R], ALL, False, ""),
]


def seed(ApprovalMatter) -> int:
    added = 0
    for order, (code, name, stage, department, days, modes, kinds, needed, assessment) in enumerate(MATTERS, 1):
        _matter, created = ApprovalMatter.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "stage": stage,
                "order": order,
                "department_name": department,
                "statutory_days": days,
                "allowed_modes": modes,
                "kinds": kinds,
                "needed_for_start": needed,
                "assessment_kind": assessment,
            },
        )
        added += created
    return added
