"""ASGI middleware: a hard body-size limit and an access log that never shows secrets.

Why own access log: uvicorn's logs the raw path, and a card token is part of
/cards/by-token/{token}. Ours logs the route template (`/api/v1/cards/by-token/{token}`)
and never headers, so neither bearer tokens nor card tokens reach a log file.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from refserver.problems import problem_body, problem_response

log = logging.getLogger("refserver.access")


class BodyLimit:
    """Buffer the request body up to `limit` bytes; beyond it answer 413 at once."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await _reply(
                    scope,
                    receive,
                    send,
                    problem_body("validation_error", "bad Content-Length", status=400),
                )
                return
            if too_big:
                await _reply(scope, receive, send, self._too_big())
                return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await _reply(scope, receive, send, self._too_big())
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body, sent = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_big(self) -> dict:
        return problem_body(
            "payload_too_large", f"the limit is {self.limit} bytes", limit=self.limit
        )


async def _reply(scope: Scope, receive: Receive, send: Send, body: dict) -> None:
    await problem_response(body)(scope, receive, send)


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "<unmatched>"
            log.info(
                "%s %s %d %.1fms",
                scope.get("method"),
                path,
                status,
                (time.perf_counter() - start) * 1000,
            )
