"""Import API: `POST /api/v1/lists/{list_id}/imports` (a CSV as multipart `file` or as the raw
body, options in the query or form) and `GET /api/v1/imports/{job_id}` for its progress.

The file is checked (encoding, header, mapping, defaults) before the job starts, so a bad
file is a 4xx JSON answer at once; the job then runs in the background (or, with
`wait=true`, before the answer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dialer.accounts.tokens import Scope
from dialer.importer import columns as c
from dialer.importer.jobs import background, create_job, status_json
from dialer.importer.plan import DEFAULT_REGION, ImportOptions, ImportRefused, make_plan
from dialer.importer.uploads import TooLarge, hand_to_job, store_file, store_stream
from dialer.models import ContactList, ImportJob
from dialer.web.auth import ADMINS, guard
from dialer.web.errors import ApiError
from dialer.web.input import text as input_text

# Each option with the longest value it takes (as the OpenAPI document says).
_OPTIONS = {"region": 2, "encoding": 32, "delimiter": 4, "mapping": 2000, "caller_id": 40, "caller_id_pool": 100,
            "dial_profile": 100, "wait": 5}
_RAW_TYPES = ("text/csv", "text/plain", "application/csv", "application/octet-stream", "text/tab-separated-values")


def _options(values: Mapping[str, Any]) -> tuple[ImportOptions, bool]:
    unknown = sorted(set(values) - set(_OPTIONS) - {"file", "filename", "csrf_token"})
    if unknown:
        raise ApiError(422, f"Unknown option(s): {', '.join(unknown)}; known: {', '.join(_OPTIONS)}.", field=unknown[0])
    text = {k: input_text(values.get(k), k, limit) for k, limit in _OPTIONS.items()}
    mapping: dict[str, str] = {}
    mapping_name = ""
    if text["mapping"]:
        if "=" in text["mapping"]:
            try:
                mapping = c.parse_mapping_spec(text["mapping"])
            except c.MappingError as exc:
                raise ApiError(422, f"mapping: {exc}", field="mapping") from None
        elif len(text["mapping"]) > 100:  # the longest name a saved mapping has
            raise ApiError(422, "mapping: no saved mapping has so long a name.", field="mapping")
        else:
            mapping_name = text["mapping"]
    if text["wait"] not in {"", "true", "false", "1", "0"}:
        raise ApiError(422, "wait: true or false.", field="wait")
    options = ImportOptions(region=(text["region"] or DEFAULT_REGION).upper(), encoding=text["encoding"],
                            delimiter=text["delimiter"], mapping=mapping, mapping_name=mapping_name,
                            caller_id=text["caller_id"], caller_id_pool=text["caller_id_pool"],
                            dial_profile=text["dial_profile"])
    return options, text["wait"] in {"true", "1"}


async def _receive_file(request: Request, data_dir: Path) -> tuple[Path, str, dict[str, Any]]:
    """The uploaded file stored as a pending upload, its name, and the options sent with it."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    values: dict[str, Any] = dict(request.query_params)
    try:
        if content_type == "multipart/form-data":
            form = await request.form(max_files=1, max_fields=20)
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(422, "Send the CSV in a multipart field named 'file'.", field="file")
            values.update({k: v for k, v in form.items() if k != "file" and isinstance(v, str)})
            try:
                filename = input_text(upload.filename, "file", 255) or "upload.csv"
                _token, path = store_file(data_dir, upload.file)
            finally:
                await upload.close()
            return path, filename, values
        if content_type in _RAW_TYPES:
            _token, path = await store_stream(data_dir, request.stream())
            return path, input_text(request.query_params.get("filename"), "filename", 255) or "upload.csv", values
    except TooLarge as exc:
        raise ApiError(413, str(exc), field="file") from None
    raise ApiError(415, "Send the CSV as multipart/form-data (field 'file') or as a text/csv body.")


@guard(roles=ADMINS, scope=Scope.CONTACTS_WRITE.value)
async def start_import(request: Request) -> Response:
    contact_list = await ContactList.get_or_none(id=request.path_params["list_id"])
    if contact_list is None:
        raise ApiError(404, "No such contact list.")
    _options(dict(request.query_params))  # a bad option is refused before the file is stored
    data_dir = Path(request.app.state.settings.data_dir)
    path, filename, values = await _receive_file(request, data_dir)
    try:
        options, wait = _options(values)
        if path.stat().st_size == 0:
            raise ApiError(422, "The file is empty.", field="file")
        try:
            plan = await make_plan(path, options)
        except ImportRefused as exc:
            raise ApiError(422, str(exc), field=exc.field) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    job = await create_job(contact_list, filename, options, source="api", user=request.state.principal.user,
                           total_bytes=plan.shape.size)
    task = background(job, hand_to_job(path, data_dir, job.id), data_dir)
    if wait:
        await task
    await job.refresh_from_db()
    body = status_json(job, data_dir) | {"status_url": f"/api/v1/imports/{job.id}"}
    return JSONResponse(body, status_code=200 if wait else 202, headers={"Location": body["status_url"]})


@guard(roles=ADMINS, scope=(Scope.CONTACTS_READ.value, Scope.CONTACTS_WRITE.value))
async def import_status(request: Request) -> Response:
    job = await ImportJob.get_or_none(id=request.path_params["job_id"])
    if job is None:
        raise ApiError(404, "No such import.")
    return JSONResponse(status_json(job, Path(request.app.state.settings.data_dir)))


routes = [
    Route("/api/v1/lists/{list_id:id}/imports", start_import, methods=["POST"]),
    Route("/api/v1/imports/{job_id:id}", import_status, methods=["GET"]),
]
