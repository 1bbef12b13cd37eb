"""A `Report` as PDF: the DOCX from `docx.render_docx`, converted by LibreOffice in headless mode.

One layout, two formats: the PDF is exactly what Word/LibreOffice shows for the DOCX, so the layout rules of
Nghị định 30/2020/NĐ-CP live in one place (`docx.py`).

Each conversion runs `soffice` with its own throw-away user profile (`-env:UserInstallation=…`): two
conversions at the same time would otherwise fight over one profile and one fails or hangs. `soffice` runs in
its own process group, killed as a whole on timeout (the `soffice` script starts `oosplash`, which starts
`soffice.bin`). A batch converts many files in one `soffice` run (`docx_to_pdf_many`), which saves LibreOffice's
start-up (about 1-2 s) per file.

Fonts: documents ask for Times New Roman, which Debian does not ship. LibreOffice substitutes Liberation Serif
(same metrics, so lines and pages break as in Word). Install `fonts-liberation2` (2.x, with the precomposed
Vietnamese letters such as "Ộ", "ặ"; the 1.x package `fonts-liberation` lacks them and LibreOffice would fall
back to another font letter by letter) — see docs/reports.md, "DOCX and PDF layout".
"""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from antoan.core.errors import DomainError

from .document import Report
from .docx import render_docx

TIMEOUT = 60  # seconds for one document
TIMEOUT_PER_EXTRA_FILE = 10  # seconds added per further document in a batch
SOFFICE_NAMES = ("soffice", "libreoffice")


def render_pdf(report: Report) -> bytes:
    """The report as a PDF file (bytes)."""
    data = render_docx(report)
    with tempfile.TemporaryDirectory(prefix="antoan-pdf-") as tmp:
        source = Path(tmp) / "bao-cao.docx"
        source.write_bytes(data)
        (output,) = docx_to_pdf_many([source], Path(tmp))
        return output.read_bytes()


def soffice_binary() -> str | None:
    """The LibreOffice executable: settings.ANTOAN_SOFFICE if set, else `soffice` (or `libreoffice`) on the PATH."""
    configured = settings.ANTOAN_SOFFICE
    if configured:
        return configured if shutil.which(configured) else None
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def docx_to_pdf_many(paths: list[Path], outdir: Path, *, timeout: float | None = None) -> list[Path]:
    """Convert many .docx files to PDF in ONE LibreOffice run; return the PDFs (outdir/<stem>.pdf), in order.

    Raises DomainError (Vietnamese and English) if LibreOffice is missing, fails, times out or leaves a file
    unconverted. Files must have distinct names (the PDF takes the name of the DOCX)."""
    paths = [Path(path).resolve() for path in paths]
    if not paths:
        return []
    stems = [path.stem for path in paths]
    if len(set(stems)) != len(stems):
        raise ValueError("docx_to_pdf_many: two files share a name; their PDFs would overwrite each other")
    binary = soffice_binary()
    if binary is None:
        raise _error(
            "Không tìm thấy LibreOffice (soffice) để xuất PDF; hãy cài gói libreoffice-writer-nogui.",
            "LibreOffice (soffice) was not found, so no PDF can be made; install libreoffice-writer-nogui.",
        )
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    outputs = [outdir / f"{stem}.pdf" for stem in stems]
    for output in outputs:
        output.unlink(missing_ok=True)  # a stale PDF must not pass for a fresh one
    limit = timeout if timeout is not None else TIMEOUT + TIMEOUT_PER_EXTRA_FILE * (len(paths) - 1)

    with tempfile.TemporaryDirectory(prefix="antoan-soffice-") as profile:
        command = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            *(str(path) for path in paths),
        ]
        returncode, stderr = _run(command, limit, env={**os.environ, "HOME": profile})

    missing = [output.name for output in outputs if not output.exists() or output.stat().st_size == 0]
    if returncode != 0 or missing:
        detail = stderr.strip().splitlines()[-3:] if stderr.strip() else []
        reason = f"mã thoát {returncode}" + (f"; chưa tạo: {', '.join(missing)}" if missing else "")
        reason_en = f"exit code {returncode}" + (f"; not produced: {', '.join(missing)}" if missing else "")
        tail = (" — " + " | ".join(detail)) if detail else ""
        raise _error(
            f"LibreOffice không chuyển được báo cáo sang PDF ({reason}){tail}.",
            f"LibreOffice could not convert the report to PDF ({reason_en}){tail}.",
        )
    return outputs


def _run(command: list[str], timeout: float, env: dict[str, str]) -> tuple[int, str]:
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group: a timeout kills soffice.bin too
        )
    except OSError as exc:
        raise _error(
            f"Không chạy được LibreOffice ({exc}).",
            f"LibreOffice could not be started ({exc}).",
        ) from exc
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        raise _error(
            f"LibreOffice chạy quá {timeout:g} giây khi xuất PDF; đã dừng.",
            f"LibreOffice took longer than {timeout:g} s to make the PDF and was stopped.",
        ) from exc
    return process.returncode, stderr.decode("utf-8", "replace")


def _error(vi: str, en: str) -> DomainError:
    return DomainError.single("pdf", vi, en)
