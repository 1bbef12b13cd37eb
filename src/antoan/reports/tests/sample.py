"""A realistic `Report` built by hand, for renderer tests (DOCX, PDF, HTML, XLSX) that need no database.

The figures are Hàm Thuận Bắc's 2020 year-end review as the press reported it (shared seeds): criminal cases
44 (2019: 49), traffic accidents 54 (2019: 57), 17 communes and towns recognised "An toàn về ANTT", 75 regular
police officers deployed to the communes, 9 individuals awarded the Kỷ niệm chương Bảo vệ ANTQ. Other figures
(dead, injured, patrols, violations) are invented but plausible; the signer is a made-up name.

`sample_report(**overrides)` returns that report with any `Report` field replaced, e.g.
`sample_report(empty=True, sections=(...))`. Keep the signature stable: other renderer tests import it.
"""

from dataclasses import replace
from datetime import date

from antoan.reports.document import Chart, Report, Section, Signature, Table

# Sentences the tests look for verbatim.
CRIME_SENTENCE = "Số vụ phạm pháp hình sự giảm còn 44 vụ (năm 2019: 49 vụ), giảm 5 vụ (10,2%)."
TRAFFIC_SENTENCE = "Số vụ tai nạn giao thông giảm còn 54 vụ so với năm 2019 (là 57 vụ), giảm 3 vụ (5,3%)."

SECURITY_TABLE = Table(
    key="an_ninh",
    title="Bảng 1. Tình hình tội phạm, tệ nạn xã hội",
    columns=("Chỉ tiêu", "Năm 2020", "Năm 2019", "Tăng, giảm", "Tỷ lệ tăng, giảm"),
    rows=(
        ("Số vụ phạm pháp hình sự", 44, 49, -5, -10.2),
        ("Số vụ điều tra, khám phá", 38, 41, -3, -7.3),
        ("Tỷ lệ điều tra, khám phá (%)", 86.4, 83.7, 2.7, None),
        ("Số vụ tệ nạn xã hội", 12, 15, -3, -20.0),
        ("Số đối tượng ma túy bị xử lý", 23, 19, 4, 21.1),
    ),
    number_format=("", "int", "int", "int", "pct"),
    note="Nguồn: Công an huyện Hàm Thuận Bắc, số liệu từ 15/12/2019 đến 14/12/2020.",
)

TRAFFIC_TABLE = Table(
    key="giao_thong",
    title="Bảng 2. Tình hình tai nạn giao thông và công tác tuần tra, kiểm soát",
    columns=("Chỉ tiêu", "Năm 2020", "Năm 2019", "Tăng, giảm", "Tỷ lệ tăng, giảm"),
    rows=(
        ("Số vụ tai nạn giao thông", 54, 57, -3, -5.3),
        ("Số người chết", 21, 24, -3, -12.5),
        ("Số người bị thương", 47, 52, -5, -9.6),
        ("Số lượt tuần tra, kiểm soát", 1234, 1102, 132, 12.0),
        ("Số trường hợp vi phạm bị xử lý", 5678, 5150, 528, 10.3),
    ),
    number_format=("", "int", "int", "int", "pct"),
    note="Nguồn: Ban An toàn giao thông huyện.",
)

MOVEMENT_TABLE = Table(
    key="phong_trao",
    title="Bảng 3. Phong trào Toàn dân bảo vệ ANTQ và khen thưởng",
    columns=("Chỉ tiêu", "Năm 2020", "Năm 2019"),
    rows=(
        ("Số xã, thị trấn đạt tiêu chuẩn “An toàn về ANTT”", 17, 16),
        ("Số cán bộ, chiến sĩ công an chính quy tăng cường về xã", 75, None),
        ("Số cá nhân được tặng Kỷ niệm chương Bảo vệ ANTQ", 9, 6),
        ("Kinh phí hỗ trợ mô hình tự quản (đồng)", 125000000, 98500000),
    ),
    number_format=("", "int", "int"),
)

COMPARISON_CHART = Chart(
    key="so_sanh_2019_2020",
    title="Biểu đồ 1. So sánh số vụ năm 2020 với năm 2019",
    kind="bar",
    labels=("Phạm pháp hình sự", "Tệ nạn xã hội", "Tai nạn giao thông"),
    series=(("Năm 2019", (49, 15, 57)), ("Năm 2020", (44, 12, 54))),
    y_label="Số vụ",
)


def _sections() -> tuple[Section, ...]:
    security = Section(
        number="1",
        title="Tình hình an ninh, trật tự",
        paragraphs=(
            "Năm 2020, tình hình an ninh chính trị, trật tự, an toàn xã hội trên địa bàn huyện được giữ vững; "
            "bảo đảm an toàn tuyệt đối trong thời gian diễn ra các ngày lễ, kỷ niệm, đại hội Đảng các cấp cũng "
            "như trong các đợt phòng, chống dịch bệnh Covid-19.",
            CRIME_SENTENCE + " Tỷ lệ điều tra, khám phá đạt 86,4% (năm 2019: 83,7%).",
        ),
        tables=(SECURITY_TABLE,),
        subsections=(
            Section(
                number="a",
                title="Tội phạm về trật tự xã hội",
                paragraphs=("Phát hiện, bắt giữ 38 vụ, xử lý 52 đối tượng; không để xảy ra tội phạm có tổ chức.",),
            ),
            Section(
                number="b",
                title="Tệ nạn xã hội",
                paragraphs=(
                    "Phát hiện 12 vụ tệ nạn xã hội (năm 2019: 15 vụ), trong đó 7 vụ cờ bạc, 3 vụ ma túy, "
                    "2 vụ tín dụng đen.",
                ),
            ),
        ),
    )
    traffic = Section(
        number="2",
        title="Công tác bảo đảm trật tự, an toàn giao thông",
        paragraphs=(
            TRAFFIC_SENTENCE + " Số người chết giảm còn 21 người, số người bị thương giảm còn 47 người.",
            "Lực lượng chức năng tổ chức 1.234 lượt tuần tra, kiểm soát, phát hiện và xử lý 5.678 trường hợp vi "
            "phạm; sửa chữa 46 và lắp đặt bổ sung 32 biển báo trên các tuyến đường.",
        ),
        tables=(TRAFFIC_TABLE,),
        charts=(COMPARISON_CHART,),
    )
    movement = Section(
        number="3",
        title="Phong trào Toàn dân bảo vệ an ninh Tổ quốc",
        paragraphs=(
            "Huyện tăng cường 75 cán bộ, chiến sĩ công an chính quy về các xã theo chủ trương của Trung ương. "
            "100% cơ quan, đơn vị huyện, doanh nghiệp nhà nước và 17 xã, thị trấn đạt tiêu chuẩn "
            "“An toàn về an ninh, trật tự”.",
            "Có 9 cá nhân được Bộ Công an tặng Kỷ niệm chương Bảo vệ an ninh Tổ quốc.",
        ),
        tables=(MOVEMENT_TABLE,),
    )
    results = Section(
        number="I",
        title="Kết quả thực hiện năm 2020",
        subsections=(security, traffic, movement),
    )
    shortcomings = Section(
        number="II",
        title="Tồn tại, hạn chế và nguyên nhân",
        paragraphs=(
            "Phong trào Toàn dân bảo vệ ANTQ ở một số xã chưa đồng đều; công tác hướng dẫn, kiểm tra chất lượng "
            "hoạt động của các mô hình, điển hình chưa thường xuyên.",
            "Một số cơ quan, đơn vị chưa tích cực, thiếu chủ động phối hợp với lực lượng công an trong công tác "
            "bảo đảm an ninh, trật tự.",
        ),
        editable="shortcomings",
    )
    tasks = Section(
        number="III",
        title="Phương hướng, nhiệm vụ năm 2021",
        paragraphs=(
            "Bảo đảm tuyệt đối an ninh, an toàn Đại hội Đảng toàn quốc lần thứ XIII, Tết Nguyên đán Tân Sửu và "
            "cuộc bầu cử đại biểu Quốc hội khóa XV, đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2021 - 2026.",
            "Tiếp tục đấu tranh phòng, chống tệ nạn xã hội; phát hiện, xử lý hành vi vi phạm liên quan đến ma túy, "
            "tín dụng đen, cờ bạc; tăng cường tuần tra, xử lý nghiêm vi phạm để kéo giảm tai nạn giao thông.",
            "Nâng cao chất lượng xây dựng, duy trì và nhân rộng các mô hình, điển hình tiên tiến trong Phong trào "
            "Toàn dân bảo vệ ANTQ; kiểm tra định kỳ hoạt động của các mô hình tự quản.",
        ),
        editable="tasks",
    )
    return (results, shortcomings, tasks)


def sample_report(**overrides) -> Report:
    """Hàm Thuận Bắc's 2020 annual review as a `Report`; `overrides` replace any field (dataclasses.replace)."""
    report = Report(
        kind="annual",
        unit_code="593",
        unit_name="Huyện Hàm Thuận Bắc",
        period_code="2020",
        period_label="năm 2020",
        comparison_label="năm 2019",
        issuer_lines=("UBND TỈNH BÌNH THUẬN", "UBND HUYỆN HÀM THUẬN BẮC"),
        number="Số: 05/BC-UBND",
        place_date="Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021",
        title="BÁO CÁO",
        subject=(
            "Tổng kết công tác bảo đảm an ninh, trật tự, phong trào Toàn dân bảo vệ an ninh Tổ quốc, bảo đảm "
            "trật tự, an toàn giao thông năm 2020; phương hướng, nhiệm vụ năm 2021"
        ),
        sections=_sections(),
        recipients=(
            "UBND tỉnh Bình Thuận (b/c);",
            "Công an tỉnh Bình Thuận (b/c);",
            "TT. Huyện ủy, TT. HĐND huyện;",
            "Chủ tịch, các PCT UBND huyện;",
            "Công an huyện;",
            "UBND các xã, thị trấn;",
            "Lưu: VT, CA.",
        ),
        signature=Signature(form="TM.", body="Ủy ban nhân dân", title="Chủ tịch", signer="Nguyễn Văn An"),
        issued_on=date(2021, 1, 27),
        opening=(
            "Thực hiện Kế hoạch số 15/KH-UBND ngày 20/01/2020 của UBND huyện, Ủy ban nhân dân huyện Hàm Thuận Bắc báo "
            "cáo tổng kết công tác bảo đảm an ninh, trật tự năm 2020 (số liệu tính từ ngày 15/12/2019 đến ngày "
            "14/12/2020); phương hướng, nhiệm vụ năm 2021 như sau:",
        ),
        admin_notes=("Số liệu của xã cũ bị chia tách được tính cho xã mới mặc định.",),
    )
    return replace(report, **overrides) if overrides else report
