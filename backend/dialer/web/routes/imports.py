"""Contact import pages (admins): upload a CSV, check the preview and confirm the column
mapping, watch the job's progress, read the result and download the bad rows.

Parsing forms and shaping pages only; detection, mapping and the job live in dialer.importer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from dialer.importer import columns as c
from dialer.importer.dialect import DELIMITERS, delimiter_label
from dialer.importer.duplicates import duplicates_path
from dialer.importer.encoding import ENCODINGS
from dialer.importer.jobs import background, create_job, list_named, save_mapping, status_json
from dialer.importer.limits import describe_limits
from dialer.importer.plan import (DEFAULT_REGION, ImportOptions, ImportRefused, choose_mapping, inspect_file,
                                  make_plan)
from dialer.importer.phones import PhoneNormaliser
from dialer.importer.uploads import TooLarge, hand_to_job, pending_path, store_file
from dialer.labels import labels_of
from dialer.models import CallerIdPool, ContactList, DialProfile, ImportJob
from dialer.models.imports import ImportStatus
from dialer.web.auth import ADMINS, guard, template_context
from dialer.web.errors import ApiError

PREVIEW_ROWS = 10
_OPTION_FIELDS = ("region", "encoding", "delimiter", "caller_id", "caller_id_pool", "dial_profile")


def _data_dir(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir)


def _render(request: Request, name: str, http_status: int = 200, **values: Any) -> Response:
    return request.app.state.templates.TemplateResponse(request, f"imports/{name}", template_context(request, **values),
                                                        status_code=http_status)


@guard(roles=ADMINS)
async def index(request: Request) -> Response:
    return await _index(request)


async def _index(request: Request, *, error: str = "", status: int = 200) -> Response:
    jobs = await ImportJob.all().select_related("contact_list").order_by("-created_at").limit(30)
    lists = await ContactList.all().values_list("name", flat=True)
    return _render(request, "index.html", status, jobs=jobs, lists=lists,
                   error=error, limits=describe_limits(), chosen_list=request.query_params.get("list", ""))


@guard(roles=ADMINS)
async def upload(request: Request) -> Response:
    form = await request.form(max_files=1, max_fields=20)
    upload = form.get("file")
    list_name = " ".join(str(form.get("list", "")).split())
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _index(request, error="Choose a CSV file to upload.", status=400)
    try:
        token, _path = store_file(_data_dir(request), upload.file)
    except TooLarge as exc:
        return await _index(request, error=str(exc), status=413)
    finally:
        await upload.close()
    params = {"name": upload.filename[:200], **({"list": list_name} if list_name else {})}
    return RedirectResponse(f"/imports/new/{token}?{urlencode(params)}", 303)


def _options_from(values: Any, mapping: dict[str, str] | None = None) -> ImportOptions:
    return ImportOptions(**{f: str(values.get(f, "") or "").strip() for f in _OPTION_FIELDS},
                         mapping=mapping or {})


async def _mapping_page(request: Request, token: str, path: Path, options: ImportOptions, *,
                        list_name: str, filename: str, chosen: dict[str, str] | None = None,
                        error: str = "", field: str | None = None, mapping_name: str = "",
                        status: int = 200) -> Response:
    shape = None
    mapping: dict[str, str] = {}
    source = ""
    try:
        shape = inspect_file(path, options.encoding, options.delimiter)
        phones = PhoneNormaliser(options.region or DEFAULT_REGION)
        if chosen:
            mapping, source = {label: chosen.get(label, c.CUSTOM + label) for label in shape.labels}, "yours"
        else:
            mapping, source = await choose_mapping(shape, options, phones)
    except ImportRefused as exc:
        if shape is None or exc.field not in {"mapping"}:
            error, field = error or str(exc), field or exc.field
        else:
            mapping = {label: c.CUSTOM + label for label in shape.labels}
            source, error, field = "none", error or str(exc), field or exc.field
    except ValueError as exc:  # an unknown region
        error, field = error or str(exc), field or "region"
    rows = [r for r in (shape.sample if shape else [])][:PREVIEW_ROWS]
    # A guessed encoding in doubt: the preview shows the guess, the select offers no default, and
    # the import waits for the admin to pick (make_plan refuses until then).
    doubt = shape.encoding if shape is not None and not shape.encoding.confident else None
    return _render(
        request, "mapping.html", status, token=token, filename=filename, list_name=list_name, shape=shape,
        doubt=doubt,
        rows=rows, mapping=mapping, mapping_source=source, options=options, error=error, field=field,
        targets=[(t, c.TARGET_LABELS[t]) for t in c.TARGETS], custom_prefix=c.CUSTOM,
        encodings=ENCODINGS, delimiters={d: delimiter_label(d) for d in DELIMITERS},
        lists=await ContactList.all().values_list("name", flat=True),
        pools=await CallerIdPool.all().values_list("name", flat=True),
        profiles=await DialProfile.all().values_list("name", flat=True), mapping_name=mapping_name,
        default_region=options.region or DEFAULT_REGION,
    )


def _pending_or_404(request: Request) -> tuple[str, Path]:
    token = request.path_params["token"]
    path = pending_path(_data_dir(request), token)
    if path is None:
        raise ApiError(404, "This upload is gone (uploads are kept for a day). Upload the file again.")
    return token, path


@guard(roles=ADMINS)
async def mapping_form(request: Request) -> Response:
    token, path = _pending_or_404(request)
    q = request.query_params
    return await _mapping_page(request, token, path, _options_from(q), list_name=q.get("list", ""),
                               filename=q.get("name", ""))


@guard(roles=ADMINS)
async def start(request: Request) -> Response:
    token, path = _pending_or_404(request)
    form = await request.form()
    filename = str(form.get("filename", ""))[:255]
    list_name = " ".join(str(form.get("list", "")).split())
    chosen = {str(k)[len("map:"):]: str(v) for k, v in form.multi_items() if str(k).startswith("map:")}
    options = _options_from(form, chosen)
    mapping_name = str(form.get("save_as", "")).strip()

    async def again(message: str, field: str | None) -> Response:
        return await _mapping_page(request, token, path, options, list_name=list_name, filename=filename,
                                   chosen=chosen, error=message, field=field, mapping_name=mapping_name, status=400)

    if form.get("reread"):  # the user changed the encoding or delimiter: show the preview again
        return await _mapping_page(request, token, path, ImportOptions(**{**options.to_json(), "mapping": {}}),
                                   list_name=list_name, filename=filename, mapping_name=mapping_name)
    try:
        plan = await make_plan(path, options)
        if mapping_name:
            await save_mapping(mapping_name, plan.shape.labels, plan.mapping, options)
        contact_list = await list_named(list_name)
    except ImportRefused as exc:
        return await again(str(exc), exc.field)
    job = await create_job(contact_list, filename or path.name, options, source="web",
                           user=request.state.principal.user, total_bytes=plan.shape.size)
    background(job, hand_to_job(path, _data_dir(request), job.id), _data_dir(request))
    return RedirectResponse(f"/imports/{job.id}", 303)


async def _job_or_404(request: Request) -> ImportJob:
    job = await ImportJob.get_or_none(id=request.path_params["job_id"]).select_related("contact_list")
    if job is None:
        raise ApiError(404, "No such import.")
    return job


@guard(roles=ADMINS)
async def job_page(request: Request) -> Response:
    job = await _job_or_404(request)
    return _render(request, "job.html", job=job, status=status_json(job, _data_dir(request)),
                   status_labels=labels_of(ImportStatus))


@guard(roles=ADMINS)
async def job_status(request: Request) -> Response:
    return JSONResponse(status_json(await _job_or_404(request), _data_dir(request)))


@guard(roles=ADMINS)
async def errors_file(request: Request) -> Response:
    job = await _job_or_404(request)
    if not job.errors_file or not Path(job.errors_file).exists():
        raise ApiError(404, "This import has no bad rows to download.")
    return FileResponse(job.errors_file, media_type="text/csv; charset=utf-8",
                        filename=f"import-{job.id}-bad-rows.csv")


@guard(roles=ADMINS)
async def duplicates_file(request: Request) -> Response:
    job = await _job_or_404(request)
    path = duplicates_path(_data_dir(request), job.id)
    if not job.duplicates or not path.exists():
        raise ApiError(404, "This import skipped no duplicates.")
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=f"import-{job.id}-duplicates.csv")


routes = [
    Route("/imports", index, methods=["GET"]),
    Route("/imports", upload, methods=["POST"]),
    Route("/imports/new/{token}", mapping_form, methods=["GET"]),
    Route("/imports/new/{token}", start, methods=["POST"]),
    Route("/imports/{job_id:id}", job_page, methods=["GET"]),
    Route("/imports/{job_id:id}/status", job_status, methods=["GET"]),
    Route("/imports/{job_id:id}/errors.csv", errors_file, methods=["GET"]),
    Route("/imports/{job_id:id}/duplicates.csv", duplicates_file, methods=["GET"]),
]
