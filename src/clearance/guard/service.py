"""`POST /v1/check` over HTTP (FastAPI), to sit in front of a model.

Requests: ``{"text": "...", "id": "optional"}`` or a batch ``{"outputs": [{"id", "text"}...]}``.
Replies: ``{"verdict": worst, "results": [{"id", "verdict", "reasons", "spans", "findings"}]}``.
A body over ``max_request_bytes`` gets 413 (read no further), malformed JSON or a wrong shape
422, a check over ``timeout_s`` 503. Checks run in worker threads (``Guard.check`` is
thread-safe: it only reads the memory-mapped index).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from clearance.guard.check import Guard
from clearance.guard.policy import VERDICT_ORDER
from clearance.model.errors import MissingDependency

try:
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, Field, ValidationError
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingDependency("clearance guard serve (fastapi)", "serve") from exc


@dataclass(frozen=True)
class ServiceConfig:
    max_request_bytes: int = 1 << 20
    max_outputs: int = 256
    timeout_s: float = 10.0


class Output(BaseModel):
    id: str = Field("0", max_length=256)
    text: str


class CheckRequest(BaseModel):
    text: str | None = None
    id: str | None = Field(None, max_length=256)
    outputs: list[Output] | None = None

    def items(self) -> list[Output]:
        if (self.text is None) == (self.outputs is None):
            raise ValueError("give either `text` or `outputs`")
        if self.text is not None:
            return [Output(id=self.id or "0", text=self.text)]
        return list(self.outputs or [])


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(guard: Guard, config: ServiceConfig | None = None) -> FastAPI:
    config = config or ServiceConfig()
    app = FastAPI(title="clearance guard", version="1")

    @app.get("/healthz")
    def health() -> dict[str, Any]:
        info = guard.manifest.to_json()
        return {
            "status": "ok",
            "documents": info["documents"],
            "segments": len(info["segments"]),
            "mode": info["mode"],
            "detectors": [d.name for d in guard.detectors],
            "claims": guard.claims is not None,
        }

    @app.post("/v1/check")
    async def check(request: Request) -> JSONResponse:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > config.max_request_bytes:
            return _error(413, f"request over {config.max_request_bytes} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > config.max_request_bytes:
                return _error(413, f"request over {config.max_request_bytes} bytes")
        try:
            parsed = CheckRequest.model_validate_json(bytes(body))
            outputs = parsed.items()
        except (ValidationError, ValueError) as exc:
            detail = exc.errors(include_url=False) if isinstance(exc, ValidationError) else str(exc)
            return JSONResponse(
                {
                    "error": "malformed request",
                    "detail": json.loads(json.dumps(detail, default=str)),
                },
                status_code=422,
            )
        if len(outputs) > config.max_outputs:
            return _error(413, f"more than {config.max_outputs} outputs in one request")

        def run() -> list[dict[str, Any]]:
            return [{"id": o.id, **guard.check(o.text, output_id=o.id).to_json()} for o in outputs]

        try:
            results = await asyncio.wait_for(asyncio.to_thread(run), timeout=config.timeout_s)
        except TimeoutError:
            return _error(503, f"check took longer than {config.timeout_s}s")
        worst = max((r["verdict"] for r in results), key=VERDICT_ORDER.__getitem__, default="pass")
        return JSONResponse({"verdict": worst, "results": results})

    return app


def run(guard: Guard, config: ServiceConfig, *, host: str, port: int) -> None:
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingDependency("clearance guard serve (uvicorn)", "serve") from exc
    uvicorn.run(create_app(guard, config), host=host, port=port, log_level="info")
