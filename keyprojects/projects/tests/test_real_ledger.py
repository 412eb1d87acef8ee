"""A ledger built like a real one: a merged title row, headings with spaces, line breaks and
(亿元), amounts typed with 亿元/億元/万元, a 合计 row with a SUM formula, blank bordered rows, rows
from other Henan cities, new builders, a blank county and an approximate amount. It previews with
every decision explained, stores amounts exactly, round-trips through the export; the same ledger
with ten injected faults reports exactly those ten, at the file's row and heading."""

from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from django.utils import translation

from keyprojects.core.imports import read_rows
from keyprojects.core.testing.cases import read_xlsx
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects.importers import ProjectImporter
from keyprojects.projects.models import Project

pytestmark = pytest.mark.django_db

TITLE = "漯河市重点项目台账（2024年9月）"
HEADER = [
    "序号",
    "项目名称",
    "建设单位",
    "所属\n县区",
    "总投资\n(亿元)",
    "建设性质",
    "所属行业",
    "计划开工 时间",
    "签约日期",
    "期次",
    "备注",
]
SHUANGHUI = "漯河双汇实业集团有限责任公司"


def rows():
    return [
        [
            1,
            "漯河食品产业园",
            "漯河市卫龙食品有限公司",
            "郾城区",
            50,
            "新建",
            "食品制造业",
            "2025.3",
            "2024-03-05",
            "第十三期",
            "",
        ],
        [
            2,
            "冷链物流中心",
            "漯河冷链物流有限公司",
            "市城乡一体化示范区",
            "12.5亿元",
            "扩建",
            "",
            "2025年5月",
            "",
            "第十三期",
            "",
        ],
        [3, "智能包装项目", "漯河市衛龍食品有限責任公司", "漯河经开区", "1.2億元", "新建", "", "", "", "", "繁体"],
        [4, "市本级项目", "漯河市城市投资控股集团有限公司", "", "3000万元", "新建", "", "", "", "", "市本级"],
        [5, "双汇肉制品扩建", SHUANGHUI, "召陵区", 8, "改建和技术改造", "农副食品加工业", "", "", "", ""],
        [6, "谋划储备项目", "", "临颍县", "", "新建", "", "", "", "", "总投资待定"],
        [7, "舞钢特钢项目", "舞钢公司", "舞钢市", 20, "新建", "", "", "", "", "外市"],
        [8, "约数项目", "漯河某公司", "舞阳县", "约5亿", "新建", "", "", "", "", ""],
    ]


def ledger(path, data, *, total=True):
    """The workbook as a county keeps it: title, header, rows, a 合计 with its SUM, blank bordered rows."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    border = book.add_format({"border": 1})
    wrap = book.add_format({"border": 1, "text_wrap": True, "bold": True})
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, TITLE)
    sheet.write_row(1, 0, HEADER, wrap)
    for number, row in enumerate(data, 2):
        sheet.write_row(number, 0, row, border)
    last = len(data) + 1
    if total:
        numbers = sum(row[4] for row in data if isinstance(row[4], (int, float)))  # what Excel's SUM counts
        sheet.write(last + 1, 0, "合计", border)
        sheet.write_formula(last + 1, 4, f"=SUM(E3:E{last + 1})", border, numbers)
    for blank in range(last + 2, last + 6):
        sheet.write_row(blank, 0, [""] * len(HEADER), border)
    book.close()
    return read_rows(path)


@pytest.fixture
def shuanghui(regions):
    return Enterprise.objects.create(name=SHUANGHUI, credit_code="91411100MA44A0Q68Y", region=regions["召陵区"])


def preview(user, file_rows):
    with translation.override("en"):
        importer = ProjectImporter(user)
        plan = importer.plan(file_rows)
        return importer, plan, plan.summary()


def test_a_real_ledger_previews_every_decision_stores_amounts_exactly_and_round_trips(
    users, shuanghui, tmp_path, client_for
):
    admin = users["city_admin"]
    importer, plan, summary = preview(admin, ledger(tmp_path / "a.xlsx", rows()))
    # Refused, saying why: a row from another city, an approximate amount.
    assert [(e.row, e.letter, e.column, e.message) for e in plan.errors] == [
        (9, "D", "所属 县区", "舞钢市 is in 平顶山市, outside this platform's area."),
        (
            10,
            "E",
            "总投资 (亿元)",
            "“约5亿” is approximate (“约”): an amount is kept as an exact figure; give the figure.",
        ),
    ]
    # Every other decision said: each heading, the units, the new builders, the 合计 row.
    columns = {c["heading"]: (c["letter"], c["to"], c["note"]) for c in summary["columns"]}
    assert columns["总投资 (亿元)"] == ("E", "总投资（万元）", "amounts in 亿元, as the heading says")
    assert columns["序号"][2] == "not imported: the file's own row number"
    assert columns["备注"][2].startswith("not imported")
    said = {(w.row, w.letter, w.level, w.message) for w in plan.warnings}
    no_batch = "Not listed in a phase: the row gives “第十三期” but not both 期次 and 类别."
    assert {(3, "J", "warning", no_batch), (4, "J", "warning", no_batch)} <= said
    assert (3, "I", "note", "The project becomes Signed on 2024-03-05.") in said
    assert (6, "E", "note", "“3000万元” names its own unit, 万元, used instead of the column's 亿元.") in said
    assert (11, "E", "note", "A 合计 row: skipped, it is not a record.") in said
    assert {w.message for w in plan.warnings if w.letter == "C" and w.row < 9} == {
        "“漯河市卫龙食品有限公司” is not in the enterprise library: it is added with this file (新建企业).",
        "“漯河冷链物流有限公司” is not in the enterprise library: it is added with this file (新建企业).",
        "“漯河市衛龍食品有限責任公司” is not in the enterprise library: it is added with this file (新建企业).",
        "“漯河市城市投资控股集团有限公司” is not in the enterprise library: it is added with this file (新建企业).",
    }
    assert summary["also"] == [
        "3 new enterprises (新建企业) are added to the enterprise library: 漯河冷链物流有限公司、"
        "漯河市卫龙食品有限公司、漯河市城市投资控股集团有限公司."
    ]
    # The good rows, by the user's explicit choice; amounts exact, in 万元.
    importer.commit(plan, partial=True)
    stored = dict(Project.objects.values_list("name", "total_investment"))
    assert stored == {
        "漯河食品产业园": Decimal("500000.00"),
        "冷链物流中心": Decimal("125000.00"),
        "智能包装项目": Decimal("12000.00"),
        "市本级项目": Decimal("3000.00"),
        "双汇肉制品扩建": Decimal("80000.00"),
        "谋划储备项目": None,
    }
    projects = {p.name: p for p in Project.objects.select_related("region", "owner")}
    assert projects["市本级项目"].region.name == "漯河市" and projects["冷链物流中心"].region.name.startswith(
        "城乡一体化"
    )
    assert projects["智能包装项目"].owner == projects["漯河食品产业园"].owner  # 衛龍 is 卫龙: one enterprise
    assert projects["双汇肉制品扩建"].owner == shuanghui and projects["双汇肉制品扩建"].industry_code == "C13"
    assert projects["漯河食品产业园"].actual_sign_date == date(2024, 3, 5) and Enterprise.objects.count() == 4
    # The export, imported back: nothing changes, nothing is added.
    exported = read_xlsx(client_for("city_admin").get("/projects/projects/?export=xlsx"))
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for number, row in enumerate(exported):
        sheet.write_row(number, 0, ["" if v is None else v for v in row])
    book.close()
    _importer, again, _summary = preview(admin, read_rows(path))
    assert again.errors == [] and (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 6)


FAULTS = [  # (row of rows(), column, bad value, the letter and the start of the message)
    (0, 8, "2024-02-30", "I", "“2024-02-30” is not a date"),
    (1, 3, "火星区", "D", "“火星区” is not a region of this platform"),
    (2, 4, "约3亿", "E", "“约3亿” is approximate"),
    (3, 4, "500万美元", "E", "“500万美元” is in 美元"),
    (4, 5, "翻新", "F", "“翻新” is not one of"),
    (5, 4, "10-20亿元", "E", "“10-20亿元” is a range"),
    (0, 7, "明年", "H", "“明年” is not a date"),
    (1, 4, "-3", "E", "An amount cannot be negative."),
    (4, 3, "叶县", "D", "叶县 is in 平顶山市"),
    (2, 1, "", "B", "This field is required."),
]


def test_the_same_ledger_with_ten_faults_reports_exactly_those_ten(users, shuanghui, tmp_path):
    good = [row for row in rows() if row[0] <= 6]
    _importer, plan, _summary = preview(users["city_admin"], ledger(tmp_path / "good.xlsx", good))
    assert plan.errors == []  # no false alarm on the faultless file
    # Excel's SUM skipped the amounts typed as text (12.5亿元, 1.2億元, 3000万元): the 合计 says so.
    [total] = [w for w in plan.warnings if w.level == "warning" and w.column != "期次"]  # 期次 without 类别: said
    assert (total.row, total.letter) == (9, "E") and total.message == (
        "The 合计 row says 580,000.00 万元 for 总投资 (亿元); the 6 rows it closes add up to 720,000.00 万元."
    )
    faulty = [list(row) for row in good]
    for row, column, value, _letter, _message in FAULTS:
        faulty[row][column] = value
    _importer, plan, _summary = preview(users["city_admin"], ledger(tmp_path / "faulty.xlsx", faulty))
    found = sorted((e.row, e.letter, e.column, e.message) for e in plan.errors)
    expected = sorted((row + 3, letter, message) for row, _c, _v, letter, message in FAULTS)
    assert len(found) == 10, found
    for (row, letter, heading, message), (want_row, want_letter, start) in zip(found, expected, strict=True):
        assert (row, letter) == (want_row, want_letter) and message.startswith(start), (row, letter, message)
        assert heading == " ".join(HEADER["ABCDEFGHIJK".index(letter)].split())  # the file's own heading
