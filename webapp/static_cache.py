"""Static files served gzip-compressed from memory: each file is compressed once, not on every request.

Solara's server compresses every response again on every request (its ``GZipMiddleware``), in the
event loop that also draws the pages: the 3.5 MB ``solara-vuetify-app8.min.js`` alone costs about
0.3 s of server CPU per page load. :class:`StaticCache` is an ASGI wrapper around Solara's app that
answers a ``GET`` of a static file (under ``/_solara/cdn/``, ``/static/`` or
``/jupyter/nbextensions/``) from a cache of compressed bodies:

- per request it only asks the inner app for the file's headers (a ``HEAD``: a ``stat``, no body),
  so a changed file is compressed again and a conditional request still gets the inner app's 304;
- on a miss it reads the plain file through the inner app and compresses it in a worker thread
  (zlib releases the interpreter lock), once per file version even when many requests miss at once;
- the compressed response keeps the file's ``content-type``, ``etag`` and ``last-modified`` and
  says ``content-encoding: gzip``, ``content-length`` and ``vary: Accept-Encoding``;
- the cache holds at most :data:`CACHE_BYTES` of compressed bodies (least recently used go first),
  of files of at most :data:`LARGEST_FILE` bytes and of types worth compressing.

Everything else (the page's HTML, the websocket, other methods, ranges, non-200 answers, clients
that do not accept gzip) goes to the inner app unchanged, except that a client refusing gzip
(``gzip;q=0``) is answered uncompressed.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import anyio.to_thread

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATIC_PREFIXES = ("/_solara/cdn/", "/static/", "/jupyter/nbextensions/")  # Solara's static mounts
CACHE_BYTES = 48 * 1024 * 1024  # compressed bodies held at most
LARGEST_FILE = 16 * 1024 * 1024  # plain bytes: larger files are left to the inner app
SMALLEST_FILE = 1000  # plain bytes: smaller files are not worth compressing (as Solara's middleware)
COMPRESS_LEVEL = 9  # as Solara's middleware; paid once per file
COMPRESSIBLE_TYPES = (
    "text/",
    "application/javascript",
    "application/x-javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "application/wasm",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "font/ttf",
    "font/otf",
    "application/vnd.ms-fontobject",
)
_KEPT_HEADERS = (b"content-type", b"etag", b"last-modified", b"cache-control")
_CONDITIONAL_HEADERS = (b"if-none-match", b"if-modified-since", b"range", b"if-range")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Compressed:
    """A file's compressed response: its headers (as ASGI pairs) and its gzip body."""

    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


def accepts_gzip(accept_encoding: str) -> bool | None:
    """Whether an ``Accept-Encoding`` value accepts gzip: True, False (refused with ``q=0``), or None.

    None when it names neither gzip nor ``*`` (or cannot be read): the inner app then decides.
    """
    qualities: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    return None
                if not 0.0 <= quality <= 1.0:
                    return None
        qualities[coding] = quality
    for coding in ("gzip", "x-gzip", "*"):
        if coding in qualities:
            return qualities[coding] > 0.0
    return None


def compressible(content_type: str) -> bool:
    """Whether a response of this ``content-type`` gains from gzip (text, scripts, styles, svg, fonts)."""
    media = content_type.partition(";")[0].strip().lower()
    return any(media.startswith(t) if t.endswith("/") else media == t for t in COMPRESSIBLE_TYPES)


def gzip_bytes(body: bytes) -> bytes:
    """``body`` compressed with gzip (level :data:`COMPRESS_LEVEL`, no timestamp: the same bytes each time)."""
    return gzip.compress(body, compresslevel=COMPRESS_LEVEL, mtime=0)


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _with_headers(scope: Scope, method: str, drop: tuple[bytes, ...]) -> Scope:
    """A copy of ``scope`` for an internal request: ``method``, without the headers in ``drop``.

    The copy asks for plain bytes (no ``accept-encoding``) and declares ASGI spec 2.4, so the inner
    app does not listen for the client's disconnect on the internal request.
    """
    inner = {k: v for k, v in scope.items() if k != "extensions"}
    inner["method"] = method
    inner["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in drop]
    inner["asgi"] = {**scope.get("asgi", {}), "version": "3.0", "spec_version": "2.4"}
    return inner


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _call(app: ASGIApp, scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and whole body of ``app``'s answer to ``scope`` (an internal request)."""
    start: Message = {}
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, _no_body, send)
    return start.get("status", 500), list(start.get("headers", [])), b"".join(chunks)


def _version(headers: Iterable[tuple[bytes, bytes]]) -> tuple[bytes, bytes, bytes] | None:
    """What identifies a file's version in its headers (etag, last-modified, length); None if nothing does."""
    headers = list(headers)
    etag, modified = _header(headers, b"etag"), _header(headers, b"last-modified")
    if etag is None and modified is None:
        return None
    return etag or b"", modified or b"", _header(headers, b"content-length") or b""


class StaticCache:
    """ASGI wrapper of ``app``: static files' gzip responses from memory (see the module's docstring).

    ``warm`` (optional) gives the paths to compress as soon as the server has started, so the first
    visitor does not pay either; it is called in a worker thread after the inner app's startup.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        cache_bytes: int = CACHE_BYTES,
        largest_file: int = LARGEST_FILE,
        warm: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self.app = app
        self.cache_bytes = cache_bytes
        self.largest_file = largest_file
        self.warm = warm
        self.entries: OrderedDict[tuple, Compressed] = OrderedDict()  # least recently used first
        self.held = 0  # bytes of compressed bodies in ``entries``
        self.compressions = 0  # files compressed so far (a measure for tests and logs)
        self._pending: dict[tuple, asyncio.Future[Compressed | None]] = {}
        self._warming: asyncio.Task | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._on_lifespan(send))
            return
        if scope["type"] != "http" or not scope.get("path", "").startswith(STATIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        wants = accepts_gzip((_header(headers, b"accept-encoding") or b"").decode("latin-1"))
        if wants is False:  # refused: plain bytes, whatever the inner app would do with the header
            await self.app(_with_headers(scope, scope["method"], (b"accept-encoding",)), receive, send)
            return
        if wants is None or scope["method"] != "GET" or _header(headers, b"range") is not None:
            await self.app(scope, receive, send)
            return
        status, head, _ = await _call(self.app, _with_headers(scope, "HEAD", (b"accept-encoding",)))
        version = _version(head)
        if status != 200 or version is None or not self._worth_it(head):  # a 304, 404, ... or not ours
            await self.app(scope, receive, send)
            return
        compressed = await self._compressed(scope, (scope["path"], *version))
        if compressed is None:  # changed meanwhile, or not worth it after all
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": list(compressed.headers)})
        await send({"type": "http.response.body", "body": compressed.body, "more_body": False})

    def _worth_it(self, headers: list[tuple[bytes, bytes]]) -> bool:
        if _header(headers, b"content-encoding") is not None:
            return False
        length = _header(headers, b"content-length")
        if length is not None and not SMALLEST_FILE <= int(length) <= self.largest_file:
            return False
        return compressible((_header(headers, b"content-type") or b"").decode("latin-1"))

    async def _compressed(self, scope: Scope, key: tuple) -> Compressed | None:
        """The compressed response of the file version ``key``: from the cache, or made once."""
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        if key in self._pending:  # another request is compressing it
            return await asyncio.shield(self._pending[key])
        future: asyncio.Future[Compressed | None] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            made = await self._make(scope, key)
            future.set_result(made)
            return made
        except BaseException as err:
            future.set_exception(err)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        finally:
            del self._pending[key]

    async def _make(self, scope: Scope, key: tuple) -> Compressed | None:
        drop = (b"accept-encoding", *_CONDITIONAL_HEADERS)
        status, headers, body = await _call(self.app, _with_headers(scope, "GET", drop))
        if status != 200 or (scope["path"], *(_version(headers) or ())) != key or not self._worth_it(headers):
            return None
        packed = await anyio.to_thread.run_sync(gzip_bytes, body)
        self.compressions += 1
        kept = [(k.lower(), v) for k, v in headers if k.lower() in _KEPT_HEADERS]
        vary = _header(headers, b"vary")
        if vary is None:
            vary = b"Accept-Encoding"
        elif b"accept-encoding" not in vary.lower():
            vary += b", Accept-Encoding"
        kept.append((b"vary", vary))
        kept += [(b"content-encoding", b"gzip"), (b"content-length", str(len(packed)).encode())]
        made = Compressed(tuple(kept), packed)
        self._keep(key, made)
        return made

    def _keep(self, key: tuple, made: Compressed) -> None:
        if len(made.body) > self.cache_bytes:
            return
        self.entries[key] = made
        self.held += len(made.body)
        while self.held > self.cache_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.held -= len(dropped.body)

    def _on_lifespan(self, send: Send) -> Send:
        """``send`` of the lifespan: starts warming the cache once the inner app has started."""

        async def lifespan_send(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete" and self.warm is not None:
                self._warming = asyncio.get_running_loop().create_task(self.warm_up())
            elif message["type"].startswith("lifespan.shutdown") and self._warming is not None:
                self._warming.cancel()
            await send(message)

        return lifespan_send

    async def warm_up(self) -> int:
        """Compress the files :attr:`warm` names, one after the other; returns how many are cached.

        A path that fails (missing, not worth compressing, an error) is skipped and logged.
        """
        if self.warm is None:
            return 0
        try:
            paths = list(await anyio.to_thread.run_sync(self.warm))
        except Exception:
            logger.exception("could not list the files to compress at start")
            return 0
        done = 0
        for path in dict.fromkeys(paths):
            scope = {
                "type": "http",
                "asgi": {"version": "3.0", "spec_version": "2.4"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "path": path,
                "raw_path": path.encode(),
                "root_path": "",
                "query_string": b"",
                "headers": [(b"accept-encoding", b"gzip")],
                "client": None,
                "server": None,
            }
            try:
                status, head, _ = await _call(self.app, _with_headers(scope, "HEAD", (b"accept-encoding",)))
                version = _version(head)
                if status == 200 and version is not None and self._worth_it(head):
                    done += await self._compressed(scope, (path, *version)) is not None
            except Exception:
                logger.exception("could not compress %s at start", path)
        return done
