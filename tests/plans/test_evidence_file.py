"""Evidence as a file (issue 16 §3): PDF, image or office document, at most 10 MB, its type
told by its content; kept in the database; downloaded only by those who may see the task, as
an attachment that a browser does not sniff; a decided year locks it like the other inputs.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from evaluation.accounts.models import AccountRole
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import evidence
from evaluation.plans.models import EVIDENCE_FILE_MAX_BYTES, EvidenceFile, Plan, PlanStatus
from evaluation.plans.models import Task as TaskModel
from evaluation.plans.periods import Period, PeriodKind
from tests.scoring.test_decided_record_locked import LOCKED, decided, org  # noqa: F401

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def xlsx() -> bytes:
    stream = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "Biên bản"
    book.save(stream)
    return stream.getvalue()


def office_zip(parts: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return stream.getvalue()


DOCX = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = office_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("data", "name", "content_type", "stored_as"),
    [
        (PDF, "bao-cao.pdf", "application/pdf", "bao-cao.pdf"),
        (PDF, "bao-cao.txt", "application/pdf", "bao-cao.pdf"),  # the content decides
        (PNG, "anh.PNG", "image/png", "anh.png"),
        (JPEG, "ảnh hiện trường.jpeg", "image/jpeg", "ảnh hiện trường.jpg"),
        (b"GIF89a" + b"\x00" * 20, "a.gif", "image/gif", "a.gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a.webp", "image/webp", "a.webp"),
        (None, "so-lieu.xlsx", evidence.XLSX.content_type, "so-lieu.xlsx"),
        (DOCX, "to-trinh.docx", evidence.DOCX.content_type, "to-trinh.docx"),
        (ODT, "to-trinh.odt", evidence.ODT.content_type, "to-trinh.odt"),
        (OLE, "cu.doc", "application/msword", "cu.doc"),
        (OLE, "cu.xls", "application/vnd.ms-excel", "cu.xls"),
        (PDF, "../../etc/passwd", "application/pdf", "passwd.pdf"),  # no folders kept
    ],
)
def test_accepted_kinds_are_told_by_their_content(data, name, content_type, stored_as):
    kind = evidence.detect(data if data is not None else xlsx(), name)
    assert kind is not None and kind.content_type == content_type
    assert evidence.safe_name(name, kind) == stored_as


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "bao-cao.pdf"),  # a page named as a PDF
        (b"MZ\x90\x00\x03", "anh.png"),  # a program
        (b"%!PS-Adobe-3.0", "in.pdf"),
        (office_zip({"a.txt": b"x"}), "so-lieu.xlsx"),  # a zip, not an office document
        (b"PK\x03\x04 not really a zip", "so-lieu.docx"),
        (OLE, "cu.exe"),  # an OLE container of no office kind
        (b"", "rong.pdf"),
    ],
)
def test_other_content_is_refused_whatever_its_name(data, name):
    assert evidence.detect(data, name) is None


@pytest.fixture
def world(session, make_unit, make_person):
    agency = make_unit("Sở Tư pháp", UnitKind.AGENCY)
    division = make_unit("Phòng Hành chính", parent=agency)
    other = make_unit("Phòng Bổ trợ", parent=agency)
    people = {
        "owner": make_person(division, name="Phạm Minh Châu"),
        "colleague": make_person(division, name="Vũ Thị Lan"),
        "head": make_person(division, role=LeadershipRole.HEAD, name="Trưởng phòng"),
        "other_head": make_person(other, role=LeadershipRole.HEAD, name="Trưởng phòng khác"),
        "personnel": make_person(
            make_unit("Văn phòng", parent=agency),
            account_role=AccountRole.PERSONNEL,
            served_unit=agency,
        ),
    }
    outsider_unit = make_unit("Xã Bình An", UnitKind.COMMUNE)
    people["outsider"] = make_person(outsider_unit, role=LeadershipRole.HEAD)
    plan = Plan(person=people["owner"], unit_id=division.id, status=PlanStatus.APPROVED)
    plan.period = Period(PeriodKind.WEEK, 2026, 11)
    task = TaskModel(
        plan=plan,
        title="Báo cáo tuần",
        target_quantity=Decimal(1),
        unit_of_measure="báo cáo",
        weight=Decimal(1),
        deadline=date(2026, 3, 13),
    )
    session.add(plan)
    session.flush()
    return people, plan, task


def upload(client, task, data: bytes, name: str, version: int | None = None):
    """Post the file as a browser would; the body is built in memory (the test client's own
    encoder spools large bodies to a temporary file it never closes)."""
    fields: dict[str, object] = {"file": FileStorage(io.BytesIO(data), name)}
    if version is not None:
        fields["version"] = str(version)
    boundary, body = encode_multipart(fields)
    return client.post(
        f"/tasks/{task.id}/evidence",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def files_of(session, task) -> list[tuple[str, str, int]]:
    rows = session.execute(
        sa.select(EvidenceFile.file_name, EvidenceFile.content_type, EvidenceFile.size_bytes)
        .where(EvidenceFile.task_id == task.id)
        .order_by(EvidenceFile.id)
    )
    return [(name, kind, size) for name, kind, size in rows]


def test_the_owner_attaches_a_pdf_and_it_is_kept_in_the_database(session, client, login_as, world):
    people, plan, task = world
    login_as(people["owner"])
    response = upload(client, task, PDF, "biên bản.pdf")
    assert response.status_code == 302
    assert files_of(session, task) == [("biên bản.pdf", "application/pdf", len(PDF))]
    stored = session.scalars(sa.select(EvidenceFile).where(EvidenceFile.task_id == task.id)).one()
    assert stored.content == PDF
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert f"/evidence/{stored.id}" in page and "biên bản.pdf" in page
    actions = session.scalars(
        sa.select(AuditRecord.action).where(
            AuditRecord.object_type == "task", AuditRecord.object_id == task.id
        )
    ).all()
    assert actions == ["add_evidence"]


@pytest.mark.parametrize(
    ("size", "accepted"),
    [(5, True), (EVIDENCE_FILE_MAX_BYTES, True), (EVIDENCE_FILE_MAX_BYTES + 1, False)],
)
def test_ten_megabytes_at_most(session, client, login_as, world, size, accepted):
    people, _plan, task = world
    login_as(people["owner"])
    data = (PDF + b"0" * size)[:size]  # a PDF's header, padded to the size
    response = upload(client, task, data, "lon.pdf")
    if accepted:
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert [row[2] for row in files_of(session, task)] == [len(data)]
    else:
        assert response.status_code == 422
        assert "Tệp lớn hơn 10 MB." in response.get_data(as_text=True)
        assert files_of(session, task) == []


def test_a_page_named_as_a_pdf_is_refused_and_nothing_is_kept(session, client, login_as, world):
    people, _plan, task = world
    login_as(people["owner"])
    response = upload(client, task, b"<html><script>alert(1)</script>", "bao-cao.pdf")
    assert response.status_code == 422
    assert "Chỉ nhận tệp PDF, ảnh" in response.get_data(as_text=True)
    response = upload(client, task, b"", "rong.pdf")
    assert response.status_code == 422
    assert files_of(session, task) == []


def test_the_download_is_an_attachment_that_is_not_sniffed(session, client, login_as, world):
    people, _plan, task = world
    stored = evidence.add_file(session, task, "ảnh.png", PNG, actor_id=None)
    session.flush()
    login_as(people["owner"])
    response = client.get(f"/evidence/{stored.id}")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E1%BA%A3nh.png" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


# Who may download: whoever may open the plan (its owner, the managers above, the personnel
# office serving the unit); who may attach or remove: the owner, while reporting.
MATRIX = [
    # actor, download, attach
    ("owner", 200, 302),
    ("colleague", 403, 403),
    ("head", 200, 403),
    ("other_head", 403, 403),
    ("personnel", 200, 403),
    ("outsider", 403, 403),
]


@pytest.mark.parametrize(("actor", "download", "attach"), MATRIX)
def test_only_those_who_may_see_the_task_download_it(
    session, client, login_as, world, actor, download, attach
):
    people, _plan, task = world
    stored = evidence.add_file(session, task, "bien-ban.pdf", PDF, actor_id=None)
    session.flush()
    login_as(people[actor])
    assert client.get(f"/evidence/{stored.id}").status_code == download
    before = files_of(session, task)
    assert upload(client, task, PDF, "them.pdf").status_code == attach
    removed = client.post(f"/evidence/{stored.id}/delete", data={})
    assert removed.status_code == attach
    if attach != 302:
        assert files_of(session, task) == before  # a refusal keeps everything as it was
    else:
        assert [name for name, _kind, _size in files_of(session, task)] == ["them.pdf"]


def test_a_missing_file_is_404(client, login_as, world):
    people, _plan, _task = world
    login_as(people["owner"])
    assert client.get("/evidence/999999").status_code == 404
    assert client.post("/evidence/999999/delete", data={}).status_code == 404


def test_a_decided_year_locks_the_files(session, client, login_as, org, decided):  # noqa: F811
    """A decided year's task results are read-only: its evidence files too (plans.decided)."""
    staff, march = org["staff"], decided["march"]
    task = march.tasks[0]
    kept = EvidenceFile(
        task_id=task.id,
        file_name="cu.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
        content=PDF,
    )
    session.add(kept)
    session.flush()
    login_as(staff)
    page = upload(client, task, PDF, "moi.pdf", version=march.version)
    assert page.status_code == 422 and LOCKED in page.get_data(as_text=True)
    client.post(f"/evidence/{kept.id}/delete", data={"version": str(march.version)})
    assert files_of(session, task) == [("cu.pdf", "application/pdf", len(PDF))]
    form = client.get(f"/tasks/{task.id}/result").get_data(as_text=True)
    assert "cu.pdf" in form and f"/tasks/{task.id}/evidence" not in form  # no upload offered
