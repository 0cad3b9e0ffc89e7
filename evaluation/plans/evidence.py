"""Evidence files of a task: their type told by their content, and the verbs that keep them.

A browser's Content-Type and a file's name are whatever the sender wrote; an HTML page named
"bao-cao.pdf" would run as a page if served back as it claimed. So the type is read from the
file's first bytes (and, for office documents, from the members of the zip), and a file that
is none of the kinds below is refused. Downloads say what was found here, as an attachment.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from evaluation.core import audit
from evaluation.core.db import utcnow
from evaluation.core.errors import DomainError
from evaluation.core.text import clean_text
from evaluation.plans.decided import ensure_plan_open
from evaluation.plans.models import (
    EVIDENCE_FILE_MAX_BYTES,
    EVIDENCE_FILE_NAME_MAX,
    EvidenceFile,
    Task,
)


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", "pdf")
PNG = Kind("image/png", "png")
JPEG = Kind("image/jpeg", "jpg")
GIF = Kind("image/gif", "gif")
WEBP = Kind("image/webp", "webp")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
ODT = Kind("application/vnd.oasis.opendocument.text", "odt")
ODS = Kind("application/vnd.oasis.opendocument.spreadsheet", "ods")
ODP = Kind("application/vnd.oasis.opendocument.presentation", "odp")
# Word 97–2003, Excel 97–2003, PowerPoint 97–2003 share one container (OLE2); which of
# them it is follows the name, the container itself being checked.
OLE_BY_EXTENSION = {
    "doc": Kind("application/msword", "doc"),
    "xls": Kind("application/vnd.ms-excel", "xls"),
    "ppt": Kind("application/vnd.ms-powerpoint", "ppt"),
}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
ODF_KINDS = {kind.content_type: kind for kind in (ODT, ODS, ODP)}
# Reading a zip's directory is cheap; a directory this long is not an office document.
ZIP_MEMBERS_MAX = 5000


def detect(data: bytes, file_name: str = "") -> Kind | None:
    """The kind of file these bytes are, or None when they are none of the accepted kinds."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(OLE_SIGNATURE):
        return OLE_BY_EXTENSION.get(_extension(file_name))
    if data.startswith(b"PK\x03\x04"):
        return _office_zip(data)
    return None


def _extension(file_name: str) -> str:
    return posixpath.splitext(file_name.lower())[1].lstrip(".")


def _office_zip(data: bytes) -> Kind | None:
    """An Office Open XML or OpenDocument file by its parts; any other zip is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) > ZIP_MEMBERS_MAX:
                return None
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                return ODF_KINDS.get(archive.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, NotImplementedError):
        return None
    return None


def safe_name(file_name: str, kind: Kind) -> str:
    """The name to keep: no folders, no control characters, bounded, ending as its kind."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(char for char in clean_text(base) if char.isprintable())
    stem = posixpath.splitext(base)[0].strip(" .") or _("minh-chung")
    stem = stem[: EVIDENCE_FILE_NAME_MAX - len(kind.extension) - 1]
    return f"{stem}.{kind.extension}"


def add_file(
    session: Session, task: Task, file_name: str, data: bytes, *, actor_id: int | None
) -> EvidenceFile:
    """Keep a file as evidence of the task's result, once its size and kind are checked."""
    ensure_plan_open(session, task.plan)
    if not data:
        raise DomainError(_("Tệp trống."), field="file")
    if len(data) > EVIDENCE_FILE_MAX_BYTES:
        raise DomainError(_("Tệp lớn hơn 10 MB."), field="file")
    kind = detect(data, file_name)
    if kind is None:
        raise DomainError(
            _("Chỉ nhận tệp PDF, ảnh (PNG, JPEG, GIF, WebP) hoặc văn bản Word, Excel, PowerPoint."),
            field="file",
        )
    stored = EvidenceFile(
        task=task,
        file_name=safe_name(file_name, kind),
        content_type=kind.content_type,
        size_bytes=len(data),
        content=data,
        uploaded_by_id=actor_id,
    )
    session.add(stored)
    task.plan.updated_at = stored.uploaded_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="task",
        object_id=task.id,
        action="add_evidence",
        new=stored.file_name,
    )
    return stored


def remove_file(session: Session, stored: EvidenceFile, *, actor_id: int | None) -> None:
    """Take a file off the task's evidence (the year must be open, as for the result)."""
    task = stored.task
    ensure_plan_open(session, task.plan)
    audit.record(
        session,
        actor_id=actor_id,
        object_type="task",
        object_id=task.id,
        action="remove_evidence",
        old=stored.file_name,
    )
    task.evidence_files.remove(stored)
    task.plan.updated_at = utcnow()
    session.flush()
