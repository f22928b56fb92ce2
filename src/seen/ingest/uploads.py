"""An agency extract received over HTTP: counted as it streams in (Django's upload handlers) and
unpacked file by file into Seen's temporary folder, each within its bounds
(seen.ingest.limits), so that neither memory nor disk holds more than the bounds allow."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from seen.ingest.errors import ExtractError, TooLarge
from seen.ingest.limits import Deadline, Limits
from seen.ingest.schema import MANIFEST_FILE

MAX_EXTRACT_FILES = 64
_BLOCK = 1 << 20
_REFUSED = "_seen_upload_refused"


def upload_refusal(request: HttpRequest) -> str | None:
    """Why the request's upload was refused as it arrived (too large), if it was."""
    return getattr(request, _REFUSED, None)


def _too_large(limit: int) -> str:
    return f"the upload is more than {limit} bytes; send the extract in smaller parts"


class BoundedUploadHandler(FileUploadHandler):
    """First of the upload handlers: counts the bytes of the files in a request and stops the
    upload (the files received so far are closed and deleted) once they pass
    SEEN_UPLOAD_MAX_BYTES. A body whose declared length is already beyond the bound (and the
    form's allowance, DATA_UPLOAD_MAX_MEMORY_SIZE) is not read at all. The view asks
    upload_refusal(request) and answers 413."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = int(settings.SEEN_UPLOAD_MAX_BYTES or 0)
        self.received = 0

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, _REFUSED, _too_large(self.limit))

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        # the form's other fields are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
        room = self.limit + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        if self.limit and content_length > room:
            self._refuse()
            return QueryDict(), MultiValueDict()  # parsed as empty: nothing is read
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.limit and self.received > self.limit:
            self._refuse()
            # the rest of the body (at most the form's allowance beyond the bound, see above) is
            # read and dropped, not kept, so that the client is sure to read the answer
            raise StopUpload(connection_reset=False)
        return raw_data  # to the next handler, which keeps it

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def unpack_zip(upload: Any, folder: Path, limits: Limits, deadline: Deadline) -> Path:
    """The extract's folder: the zip's files written under `folder` (never outside it), counted
    as they are unpacked, since a zip's own sizes cannot be trusted."""
    if upload is None or upload.file is None:
        raise ExtractError("the upload is empty")
    if limits.upload_bytes and (upload.size or 0) > limits.upload_bytes:
        raise TooLarge(_too_large(limits.upload_bytes))
    try:
        archive = zipfile.ZipFile(upload.file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExtractError("the upload is not a zip file") from None
    with archive:
        wanted = _members(archive)
        declared = 0
        for name, member in wanted:
            _check_file(name, member.file_size, limits)
            declared += member.file_size
            _check_total(declared, limits)
        unpacked = 0
        for name, member in wanted:
            deadline.check(f"unpacking {name}")
            unpacked += _unpack_member(archive, member, name, folder / name, limits, unpacked)
    if not (folder / MANIFEST_FILE).exists():
        raise ExtractError(f"the zip holds no {MANIFEST_FILE} (at its top or in one folder)")
    return folder


def _members(archive: zipfile.ZipFile) -> list[tuple[str, zipfile.ZipInfo]]:
    """The files to unpack, by the name each takes: those at the top of the zip, or all in its
    one folder. Sub-folders are not read (docs/extract-format.md)."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_EXTRACT_FILES:
        raise ExtractError(f"the zip holds more than {MAX_EXTRACT_FILES} files")
    tops = {PurePosixPath(m.filename).parts[0] for m in members if m.filename}
    nested = len(tops) == 1 and all(len(PurePosixPath(m.filename).parts) == 2 for m in members)
    wanted = []
    for member in members:
        parts = PurePosixPath(member.filename).parts
        if nested:
            parts = parts[1:]
        if len(parts) != 1 or parts[0] in ("", ".", ".."):
            continue
        wanted.append((parts[0], member))
    return wanted


def _check_file(name: str, size: int, limits: Limits) -> None:
    if limits.file_bytes and size > limits.file_bytes:
        raise TooLarge(f"{name} unpacks to more than {limits.file_bytes} bytes")


def _check_total(size: int, limits: Limits) -> None:
    if limits.total_bytes and size > limits.total_bytes:
        raise TooLarge(f"the zip unpacks to more than {limits.total_bytes} bytes in all")


def _unpack_member(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    name: str,
    target: Path,
    limits: Limits,
    before: int,
) -> int:
    """Write one member block by block, stopping at its bound or the total's."""
    written = 0
    try:
        with archive.open(member) as source, target.open("wb") as sink:
            while block := source.read(_BLOCK):
                written += len(block)
                _check_file(name, written, limits)
                _check_total(before + written, limits)
                sink.write(block)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        RuntimeError,
        NotImplementedError,
        EOFError,
    ) as error:
        raise ExtractError(f"{name} cannot be read from the zip: {error}") from None
    return written
