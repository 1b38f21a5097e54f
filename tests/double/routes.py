"""The double's HTTP routes (CONTRACT §3). Every request is recorded before it is answered."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .server import Fault, Job, NemoDouble, fixture_json
from .sse import DROP, SetState, adk2_end_of_agent, adk2_text, text

SUPPORTED = {
    "mp4",
    "mov",
    "avi",
    "webm",
    "mkv",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "mp3",
    "wav",
    "m4a",
    "aac",
}
KINDS = {
    **dict.fromkeys(("mp4", "mov", "avi", "webm", "mkv"), "video"),
    **dict.fromkeys(("mp3", "wav", "m4a", "aac"), "audio"),
}
SKILL_HEADERS = ("x-skill-source", "x-skill-version", "x-skill-platform")
Handler = Callable[[Request], Awaitable[Response]]


class _Dropped(Exception):
    """Raised inside a streaming body: uvicorn aborts the connection mid-response."""


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "success", "data": data})


def answer(fault: Fault) -> Response:
    if fault.reset:

        async def broken() -> AsyncIterator[bytes]:
            yield b'{"code": 0, "da'
            raise _Dropped

        return StreamingResponse(broken(), media_type="application/json")
    if isinstance(fault.body, bytes):
        return Response(fault.body, fault.status, fault.headers, media_type="text/html")
    return JSONResponse(fault.body, fault.status, fault.headers)


def build_app(double: NemoDouble) -> Starlette:
    def endpoint(name: str, handler: Handler, *, auth: bool = True) -> Handler:
        async def wrapped(request: Request) -> Response:
            body = await request.body()
            headers = {k.lower(): v for k, v in request.headers.items()}
            double.record(name, request.method, request.url.path, headers, body)
            fault = double.take_fault(name)
            if fault is not None:
                return answer(fault)
            if auth and not _authorized(double, headers):
                bad = Fault.for_code(1001)
                return JSONResponse(bad.body, double.auth_failure_status)
            return await handler(request)

        return wrapped

    async def token(request: Request) -> Response:
        client_id = request.headers.get("x-client-id", "").strip()
        if not client_id:
            return answer(Fault.for_code(400))
        data = dict(fixture_json("auth_token.json")["data"])
        data["token"] = double.issue_token(client_id)
        data["expires_at"] = (datetime.now(UTC) + timedelta(days=7)).isoformat().replace("+00:00", "Z")
        return ok(data)

    async def session(request: Request) -> Response:
        session_id = double.new_session()
        return ok({"task_id": f"task_{session_id}", "session_id": session_id, "user_id": "anon_0000example0001"})

    async def credits(request: Request) -> Response:
        return ok(double.credits)

    async def state(request: Request) -> Response:
        session_id = request.path_params["sid"]
        if session_id not in double.sessions:
            return answer(Fault.for_code(1002))
        return ok(
            {
                "session_id": session_id,
                "task_id": f"task_{session_id}",
                "task_name": "project",
                "state": double.sessions[session_id],
            }
        )

    async def upload(request: Request) -> Response:
        session_id = request.path_params["sid"]
        if session_id not in double.sessions:
            return answer(Fault.for_code(1002))
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form(max_part_size=double.max_upload_bytes + 1)
            files = [(f.filename or "file", await f.read()) for f in form.getlist("files") if not isinstance(f, str)]
            items = []
            for name, content in files:
                problem = _upload_problem(double, name, len(content))
                if problem:
                    return problem
                items.append(_item(double, session_id, name, content))
        else:
            urls = json.loads(await request.body()).get("urls") or []
            items = []
            for url in urls:
                name = url.rsplit("/", 1)[-1]
                if problem := _upload_problem(double, name, 0):
                    return problem
                items.append(_item(double, session_id, name, url.encode()))
        double.sessions[session_id].setdefault("video_infos", []).extend(items)
        return ok({"files": items, "session_state_applied": True})

    async def run_sse(request: Request) -> Response:
        body = json.loads(await request.body() or b"{}")
        session_id = str(body.get("session_id"))
        if session_id not in double.sessions:
            return answer(Fault.for_code(404 if double.missing_session == "404" else 1002))
        if not body.get("new_message"):
            return answer(Fault.for_code(422))
        script = double.take_script()
        if script is None:
            said = "".join(p.get("text", "") for p in body["new_message"].get("parts", []))
            reply = [text(f"OK: {said}")] if double.adk == "1.x" else [adk2_text(f"OK: {said}"), adk2_end_of_agent()]
            return _stream(double, session_id, reply, None)
        return _stream(double, session_id, script.steps, script.state_after)

    async def render_submit(request: Request) -> Response:
        if problem := _skill_headers_missing(request):
            return problem
        body = json.loads(await request.body() or b"{}")
        job_id = str(body.get("id") or "")
        if job_id in double.jobs:
            return answer(Fault.for_code(409))
        if not job_id or not isinstance(body.get("draft"), dict):
            return JSONResponse({"success": False, "error": "id and draft are required"}, 400)
        double.submit_job(job_id, str(body.get("sessionId")), body["draft"], body.get("output"))
        submitted = fixture_json("render_submitted.json")
        submitted["data"]["id"] = job_id
        return JSONResponse(submitted)

    async def render_status(request: Request) -> Response:
        if problem := _skill_headers_missing(request):
            return problem
        job = double.jobs.get(request.path_params["rid"])
        if job is None:
            return JSONResponse({"success": False, "error": "render not found"}, 404)
        job.polls += 1
        return JSONResponse(_status_body(double, job, str(request.base_url).rstrip("/")))

    async def render_download(request: Request) -> Response:
        if problem := _skill_headers_missing(request):
            return problem
        if request.path_params["rid"] not in double.jobs:
            return JSONResponse({"success": False, "error": "render not found"}, 404)
        return Response(double.mp4, media_type="video/mp4")

    async def output(request: Request) -> Response:
        if request.path_params["rid"] not in double.jobs:
            return Response(b"not found", 404)
        return Response(double.mp4, media_type="video/mp4")

    routes = [
        Route("/api/auth/anonymous-token", endpoint("token", token, auth=False), methods=["POST"]),
        Route("/api/tasks/me/with-session/nemo_agent", endpoint("session", session), methods=["POST"]),
        Route("/run_sse", endpoint("run_sse", run_sse), methods=["POST"]),
        Route("/api/upload-video/nemo_agent/me/{sid}", endpoint("upload", upload), methods=["POST"]),
        Route("/api/credits/balance/simple", endpoint("credits", credits), methods=["GET"]),
        Route("/api/state/nemo_agent/me/{sid}/latest", endpoint("state", state), methods=["GET"]),
        Route("/api/render/proxy/lambda", endpoint("render_submit", render_submit), methods=["POST"]),
        Route("/api/render/proxy/lambda/{rid}", endpoint("render_status", render_status), methods=["GET"]),
        Route("/api/render/proxy/{rid}/download", endpoint("render_download", render_download), methods=["GET"]),
        Route("/cdn/render-result/{rid}.mp4", endpoint("output", output, auth=False), methods=["GET"]),
    ]
    return Starlette(routes=routes)


def _authorized(double: NemoDouble, headers: dict[str, str]) -> bool:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return scheme == "Bearer" and token in double.tokens


def _skill_headers_missing(request: Request) -> Response | None:
    if all(request.headers.get(name, "").strip() for name in SKILL_HEADERS):
        return None
    return answer(Fault.for_code(402))


def _upload_problem(double: NemoDouble, name: str, size: int) -> Response | None:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in SUPPORTED:
        return answer(Fault.for_code(4001))
    if size > double.max_upload_bytes:
        return answer(Fault.for_code(4002))
    return None


def _item(double: NemoDouble, session_id: str, name: str, content: bytes) -> dict[str, Any]:
    ext = name.rsplit(".", 1)[-1].lower()
    item: dict[str, Any] = {
        "filename": name,
        "file_type": KINDS.get(ext, "image"),
        "cdn_url": f"{double.url}/cdn/uploads/{session_id}/{name}",
        "size": len(content),
        "hash": hashlib.md5(content).hexdigest(),
    }
    if item["file_type"] == "image":
        try:
            from PIL import Image

            with Image.open(io.BytesIO(content)) as image:
                item["width"], item["height"] = image.size
        except Exception:  # not decodable (e.g. a URL import): leave the size out
            pass
    return item


def _stream(double: NemoDouble, session_id: str, steps: list[Any], state_after: dict[str, Any] | None) -> Response:
    async def body() -> AsyncIterator[bytes]:
        for step in steps:
            if isinstance(step, str):
                yield step.encode("utf-8")
            elif isinstance(step, int | float):
                await anyio.sleep(step)
            elif isinstance(step, SetState):
                double.set_state(session_id, step.state)
            elif step is DROP:
                if state_after is not None:  # the agent keeps working after the client is gone
                    double.set_state(session_id, state_after)
                raise _Dropped
        if state_after is not None:
            double.set_state(session_id, state_after)

    return StreamingResponse(body(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


def _status_body(double: NemoDouble, job: Job, base: str) -> dict[str, Any]:
    script = double.render
    if job.fail:
        status, progress = "failed", 40
    elif job.polls >= script.polls_to_complete:
        status, progress = "completed", 100
    else:
        status = "pending" if job.polls == 1 and script.polls_to_complete > 2 else "processing"
        progress = int(100 * job.polls / script.polls_to_complete)
    url = None
    if status == "completed" and script.output != "no_url":
        folder = "render-result" if script.output == "url" else "missing"
        url = f"{base}/cdn/{folder}/{job.id}.mp4"
    error = "Render failed: could not load media for segment seg_img_0002" if status == "failed" else None
    if script.shape == "toplevel":
        body: dict[str, Any] = {"taskId": job.id, "status": status, "progress": progress}
        if url:
            body["output"] = {"url": url, "duration": 1.0, "size": len(double.mp4)}
        if error:
            body["error"] = error
        return body
    data: dict[str, Any] = {"id": job.id, "status": status, "progress": progress, "createdAt": 1767225600000}
    if url:
        data["outputUrl"] = url
    if error:
        data["error"] = error
    return {"success": True, "data": data}
