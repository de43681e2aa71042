"""A ruled 预算项目(政策)绩效自评表 of the Liaoning family, read box by box (pdf_performance) like the Xi'an forms.

No PDF of that family is in the corpus: its text dump (the seed, 辽宁省数据局 2024, lines 1322–1357) is. The fixture
draws the seed's first project form as a ruled grid with reportlab — its fields, a 年度目标值 group over 运算符号 /
内容 / 度量单位, merged 一级/二级 boxes, wrapped 三级指标 names and the score line (指标自评得分小计 … 绩效自评总得分)
— and expects the values tests/test_performance.py reads from the seed's text.
"""

from __future__ import annotations

import pytest

from gongkai.extract.pdf_document import read_pdf_document
from gongkai.extract.performance import read_performance
from tests.test_performance import PROJECT_HEADERS, PROJECT_INDICATORS

pytest.importorskip("reportlab")

KEY = ("辽宁省政务服务大厅运转经费", "辽宁省数据局本级")
TARGET = "保障政务服务中心工作正常开展，提供业务工作所需设备、办公耗材。"
ACHIEVED = "2024年，按部就班、统筹规划、保质保量完成了办公用品及耗材采购领用。"
# x of the column rules of the indicator block: 绩效指标 | 一级 | 二级 | 三级 | 符号 | 内容 | 单位 | 完成值 | 程度 | 分值 | 得分 | 原因
X = (40, 70, 115, 165, 245, 275, 310, 340, 380, 415, 445, 475, 555)
ROWS = (  # 一级, 二级, 三级 as printed on its lines, then the cells right of it
    ("产出指标", "数量指标", ["消防维保次数"], [">=", "12", "次", "12", "100%", "12.5", "12.5"]),
    ("产出指标", "数量指标", ["物业服务人数"], [">=", "90", "人", "90", "100%", "12.5", "12.5"]),
    ("产出指标", "质量指标", ["水质浑浊度"], ["<=", "1", "度", "1", "100%", "12.5", "12.5"]),
    ("产出指标", "质量指标", ["邮件送达率"], [">=", "98", "%", "100", "100%", "12.5", "12.5"]),
    ("效益指标", "社会效益指标", ["减少相对人办", "事跑动次数"], [">=", "3000", "次", "3000", "100%", "20", "20"]),
    ("效益指标", "社会效益指标", ["提供免费服务", "项目"], [">=", "2", "项", "2", "100%", "20", "20"]),
)


class _Sheet:
    def __init__(self, path):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        self.height = A4[1]
        self.pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.pdf.setFont("STSong-Light", 7)

    def text(self, x: float, top: float, line: str) -> None:
        self.pdf.drawString(x, self.height - top, line)

    def cell(self, x0: float, x1: float, top: float, bottom: float, lines: list[str] = ()) -> None:
        for (a, b), (c, d) in (((x0, top), (x1, top)), ((x0, bottom), (x1, bottom)), ((x0, top), (x0, bottom)),
                               ((x1, top), (x1, bottom))):
            self.pdf.line(a, self.height - b, c, self.height - d)
        for n, line in enumerate(lines):
            self.text(x0 + 2, top + 9 + 9 * n, line)

    def save(self) -> None:
        self.pdf.showPage()
        self.pdf.save()


def _draw(path) -> None:
    s = _Sheet(path)
    s.text(230, 40, "预算项目(政策)绩效自评表")
    s.text(260, 52, "(2024年度)")
    for top, label, value in ((60, "项目(政策)名称", KEY[0]), (75, "主管部门", "辽宁省数据局"), (90, "实施单位", KEY[1])):
        s.cell(40, 165, top, top + 15, [label])
        s.cell(165, 555, top, top + 15, [value])
    for x0, x1, text in ((40, 165, "项目预算金额（万元）"), (165, 245, "1079.03"), (245, 340, "全年执行数（万元）"),
                         (340, 415, "1004.87"), (415, 475, "执行率"), (475, 555, "93.13%")):
        s.cell(x0, x1, 105, 120, [text])
    s.cell(40, 70, 120, 165, ["年度总体", "目标"])
    s.cell(70, 310, 120, 135, ["年初设定目标"])
    s.cell(310, 555, 120, 135, ["全年实际完成情况"])
    s.cell(70, 310, 135, 165, [TARGET[:24], TARGET[24:]])
    s.cell(310, 555, 135, 165, [ACHIEVED[:28], ACHIEVED[28:]])
    top = 165
    heads = ("一级指标", "二级指标", "三级指标")
    for n, head in enumerate(heads):
        s.cell(X[n + 1], X[n + 2], top, top + 30, [head])
    s.cell(X[4], X[7], top, top + 15, ["年度目标值"])
    for n, head in enumerate(("运算符号", "内容", "度量单位")):
        s.cell(X[4 + n], X[5 + n], top + 15, top + 30, [head])
    for n, head in enumerate(("全年完成值", "完成程度", "分值", "得分")):
        s.cell(X[7 + n], X[8 + n], top, top + 30, [head])
    s.cell(X[11], X[12], top, top + 15, ["未完成原因分析改进措施"])
    s.cell(X[11], X[12], top + 15, top + 30, ["原因说明"])
    body = top + 30
    height = 20
    s.cell(X[0], X[1], top, body + height * len(ROWS), ["绩效指标"])
    for level, column in ((0, 1), (1, 2)):  # merged 一级 / 二级 boxes
        start = 0
        for n in range(1, len(ROWS) + 1):
            if n == len(ROWS) or ROWS[n][level] != ROWS[start][level]:
                s.cell(X[column], X[column + 1], body + height * start, body + height * n, [ROWS[start][level]])
                start = n
    for n, (_, _, names, cells) in enumerate(ROWS):
        y = body + height * n
        s.cell(X[3], X[4], y, y + height, names)
        for k, value in enumerate(cells):
            s.cell(X[4 + k], X[5 + k], y, y + height, [value])
        s.cell(X[11], X[12], y, y + height)
    y = body + height * len(ROWS)
    for x0, x1, text in ((40, 165, "指标自评得分小计"), (165, 245, "90"), (245, 340, "预算执行率得分"), (340, 380, "9.31"),
                         (380, 415, "减分项"), (415, 445, "0"), (445, 515, "绩效自评总得分"), (515, 555, "99.31")):
        s.cell(x0, x1, y, y + 15, [text])
    s.save()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    path = tmp_path_factory.mktemp("ruled") / "liaoning_form.pdf"
    _draw(path)
    projects, units, _ = read_performance(read_pdf_document(path))
    assert len(projects) == 1 and not units
    return projects[0]


def test_header_funds_and_scores(project):
    department, budget, actual, rate, subtotal, execution, deduction, total = PROJECT_HEADERS[KEY]
    assert (project.name, project.implementing_unit, project.department) == (*KEY, department)
    assert (project.budget, project.actual, project.execution_rate_pct) == (budget, actual, rate)
    assert (project.indicator_subtotal, project.execution_score, project.deduction, project.total_score) == (
        subtotal, execution, deduction, total)
    assert (project.target_text, project.achievement_text) == (TARGET, ACHIEVED)


def test_indicators_with_operator_and_unit_columns(project):
    got = [(i.level1, i.level2, i.level3, i.operator, i.target, i.unit, i.actual, i.completion, i.weight, i.score)
           for i in project.indicators]
    assert got == PROJECT_INDICATORS[KEY]
