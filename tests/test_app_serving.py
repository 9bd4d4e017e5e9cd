"""The app's server answers static files compressed from memory: compressed once, not per request.

Unit tests of :class:`webapp.static_cache.StaticCache` around a fake ASGI app that serves a few
files the way Starlette's ``StaticFiles`` does (etag, last-modified, 304 on ``If-None-Match``) and
counts what it is asked; then around Solara's own app, and how ``suqian-abm app`` starts it.
How long a page takes is measured by ``benchmarks/app_pageload.py``, not here.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import os
import warnings
from pathlib import Path

import pytest

from abm import cli
from webapp import server as app_server
from webapp.static_cache import StaticCache, accepts_gzip, compressible, gzip_bytes

SCRIPT = b"function answer() { return 42; }\n" * 2000  # 66 kB of JavaScript
STYLE = b".sq-card { color: #333; }\n" * 100
PAGE = b"<html><body>" + b"<p>the page</p>" * 200 + b"</body></html>"


class FakeStatic:
    """A fake inner app: static files as Starlette serves them, the page's HTML, and a websocket.

    ``files`` maps a path to (content-type, body); ``asked`` records (method, path, headers) of
    every HTTP request.
    """

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {
            "/_solara/cdn/lib@1/dist/app.min.js": ("text/javascript; charset=utf-8", SCRIPT),
            "/static/assets/style.css": ("text/css; charset=utf-8", STYLE),
            "/static/assets/logo.png": ("image/png", b"\x89PNG" + bytes(5000)),
            "/static/assets/tiny.js": ("text/javascript; charset=utf-8", b"var a = 1;"),
        }
        self.asked: list[tuple[str, str, dict[str, str]]] = []
        self.lifespan_started = False

    def gets(self, path: str) -> int:
        return sum(1 for method, p, _ in self.asked if method == "GET" and p == path)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self.lifespan_started = True
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})
            message = await receive()
            await send({"type": "websocket.send", "text": "echo " + message["text"]})
            await send({"type": "websocket.close"})
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.asked.append((scope["method"], scope["path"], headers))
        if scope["path"] == "/":
            await self._answer(send, 200, [(b"content-type", b"text/html; charset=utf-8")], PAGE, scope)
            return
        if scope["path"] not in self.files:
            await self._answer(send, 404, [(b"content-type", b"text/plain")], b"Not Found", scope)
            return
        content_type, body = self.files[scope["path"]]
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        file_headers = [(b"etag", etag.encode()), (b"last-modified", b"Thu, 03 Dec 2026 06:02:16 GMT")]
        if headers.get("if-none-match") == etag:
            await self._answer(send, 304, file_headers, b"", scope)
            return
        file_headers += [(b"content-type", content_type.encode()), (b"accept-ranges", b"bytes")]
        await self._answer(send, 200, [*file_headers, (b"content-length", str(len(body)).encode())], body, scope)

    @staticmethod
    async def _answer(send, status: int, headers: list, body: bytes, scope) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if scope["method"] == "HEAD":
            body = b""
        for start in range(0, max(len(body), 1), 64 * 1024):  # in chunks, as a file response
            more = start + 64 * 1024 < len(body)
            await send({"type": "http.response.body", "body": body[start : start + 64 * 1024], "more_body": more})


class Answer:
    """An HTTP answer as the client sees it: status, headers (lower-case names) and the raw body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def content(self) -> bytes:
        """The body with its content-encoding undone."""
        return gzip.decompress(self.body) if self.headers.get("content-encoding") == "gzip" else self.body


async def _ask(app, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8765),
    }
    start, chunks, received = {}, [], []

    async def receive():  # the request's (empty) body, then nothing: the client stays connected
        if received:
            await asyncio.Event().wait()
        received.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            start.update(message)
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    names = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return Answer(start["status"], names, b"".join(chunks))


def ask(app, path: str, method: str = "GET", **headers: str) -> Answer:
    """One request to ``app`` (header names with ``_`` for ``-``: ``Accept_Encoding="gzip"``)."""
    return asyncio.run(_ask(app, path, method, {k.replace("_", "-"): v for k, v in headers.items()}))


JS = "/_solara/cdn/lib@1/dist/app.min.js"


@pytest.fixture
def inner() -> FakeStatic:
    return FakeStatic()


@pytest.fixture
def cache(inner) -> StaticCache:
    return StaticCache(inner)


# --- compressed once, then from memory ------------------------------------------------------------


def test_a_second_request_is_answered_from_memory_without_reading_the_file(inner, cache):
    first = ask(cache, JS, Accept_Encoding="gzip, deflate, br")
    second = ask(cache, JS, Accept_Encoding="gzip, deflate, br")
    assert first.content == second.content == SCRIPT
    assert first.body == second.body == gzip_bytes(SCRIPT)
    assert inner.gets(JS) == 1  # the second only asked for the file's headers (a HEAD)
    assert cache.compressions == 1


def test_the_compressed_answer_keeps_the_files_headers_and_says_its_encoding(inner, cache):
    plain = ask(inner, JS)
    answer = ask(cache, JS, Accept_Encoding="gzip")
    assert answer.status == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.headers["content-length"] == str(len(answer.body))
    assert len(answer.body) < len(SCRIPT) / 10
    assert answer.headers["vary"] == "Accept-Encoding"
    for name in ("etag", "last-modified", "content-type"):
        assert answer.headers[name] == plain.headers[name]
    assert "accept-ranges" not in answer.headers  # ranges of the plain file do not apply


def test_a_request_with_the_files_etag_still_gets_304(inner, cache):
    etag = ask(cache, JS, Accept_Encoding="gzip").headers["etag"]
    answer = ask(cache, JS, Accept_Encoding="gzip", If_None_Match=etag)
    assert answer.status == 304 and answer.body == b""
    assert answer.headers["etag"] == etag


def test_a_changed_file_is_compressed_again(inner, cache):
    ask(cache, JS, Accept_Encoding="gzip")
    inner.files[JS] = ("text/javascript", SCRIPT + b"// a new version\n")
    answer = ask(cache, JS, Accept_Encoding="gzip")
    assert answer.content == SCRIPT + b"// a new version\n"
    assert cache.compressions == 2


def test_many_requests_missing_at_once_compress_the_file_once(inner, cache):
    async def crowd():
        return await asyncio.gather(*(_ask(cache, JS, headers={"Accept-Encoding": "gzip"}) for _ in range(8)))

    answers = asyncio.run(crowd())
    assert all(a.status == 200 and a.content == SCRIPT for a in answers)
    assert cache.compressions == 1 and inner.gets(JS) == 1


# --- what is left to the inner app ----------------------------------------------------------------


def test_the_page_html_is_left_to_the_inner_app_every_time(inner, cache):
    for _ in range(2):
        answer = ask(cache, "/", Accept_Encoding="gzip")
        assert answer.status == 200 and answer.content == PAGE
        assert "content-encoding" not in answer.headers  # the fake app does not compress; nor does the cache
    assert inner.gets("/") == 2 and cache.compressions == 0


def test_the_websocket_is_left_to_the_inner_app(cache):
    sent = []
    incoming = iter([{"type": "websocket.connect"}, {"type": "websocket.receive", "text": "hello"}])

    async def receive():
        return next(incoming)

    async def send(message):
        sent.append(message)

    scope = {"type": "websocket", "path": "/jupyter/api/kernels/k/channels", "headers": [], "query_string": b""}
    asyncio.run(cache(scope, receive, send))
    assert [m["type"] for m in sent] == ["websocket.accept", "websocket.send", "websocket.close"]
    assert sent[1]["text"] == "echo hello"


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/static/assets/missing.js", "GET", {"Accept_Encoding": "gzip"}),  # 404
        (JS, "HEAD", {"Accept_Encoding": "gzip"}),
        (JS, "POST", {"Accept_Encoding": "gzip"}),
        (JS, "GET", {"Accept_Encoding": "gzip", "Range": "bytes=0-99"}),
        ("/static/assets/logo.png", "GET", {"Accept_Encoding": "gzip"}),  # not worth compressing
        ("/static/assets/tiny.js", "GET", {"Accept_Encoding": "gzip"}),  # too small
        ("/elsewhere/app.min.js", "GET", {"Accept_Encoding": "gzip"}),  # not a static mount
    ],
)
def test_other_requests_are_passed_on_unchanged_and_nothing_is_cached(inner, cache, path, method, headers):
    answer = ask(cache, path, method, **headers)
    direct = ask(inner, path, method, **headers)
    assert (answer.status, answer.body) == (direct.status, direct.body)
    assert cache.entries == {} and cache.compressions == 0
    asked = [(m, p, h) for m, p, h in inner.asked if m != "HEAD" or method == "HEAD"]
    assert asked[-2][2] == asked[-1][2]  # the inner app saw the client's own headers


@pytest.mark.parametrize("value", ["br", "identity", "", "gzip;q=abc", "gzip;q=2", "deflate, br;q=0.5"])
def test_clients_that_do_not_ask_for_gzip_get_the_inner_apps_answer(inner, cache, value):
    answer = ask(cache, JS, Accept_Encoding=value)
    assert answer.status == 200 and answer.body == SCRIPT
    assert "content-encoding" not in answer.headers
    assert inner.asked[-1][2].get("accept-encoding") == value  # passed on as it came
    assert cache.compressions == 0


@pytest.mark.parametrize("value", ["gzip;q=0", "gzip;q=0, br", "*, gzip;q=0.0", "x-gzip;q=0"])
def test_a_client_refusing_gzip_gets_plain_bytes(inner, cache, value):
    answer = ask(cache, JS, Accept_Encoding=value)
    assert answer.status == 200 and answer.body == SCRIPT
    assert "content-encoding" not in answer.headers
    assert "accept-encoding" not in inner.asked[-1][2]  # the inner app cannot compress it either
    assert cache.compressions == 0


def test_accept_encoding_is_read_with_its_qualities():
    assert accepts_gzip("gzip") and accepts_gzip("gzip, deflate, br, zstd") and accepts_gzip("GZip;Q=0.5")
    assert accepts_gzip("*") and accepts_gzip("br;q=1.0, *;q=0.1") and accepts_gzip("x-gzip")
    assert accepts_gzip("gzip;q=0") is False and accepts_gzip("*;q=0") is False
    assert accepts_gzip("br") is None and accepts_gzip("") is None and accepts_gzip("gzip;q=x") is None


def test_only_text_scripts_styles_and_svg_are_compressed():
    assert compressible("text/javascript; charset=utf-8") and compressible("text/css")
    assert compressible("application/json") and compressible("image/svg+xml")
    assert not compressible("image/png") and not compressible("font/woff2") and not compressible("")


# --- bounded memory -------------------------------------------------------------------------------


def test_the_cache_holds_at_most_its_size_dropping_the_least_recently_used(inner):
    paths = [f"/static/assets/f{i}.js" for i in range(4)]
    for i, path in enumerate(paths):  # incompressible bytes: each body about 20 kB compressed
        inner.files[path] = ("text/javascript", hashlib.sha512(str(i).encode()).digest() * 300)
    size = len(gzip_bytes(inner.files[paths[0]][1]))
    cache = StaticCache(inner, cache_bytes=int(size * 2.5))
    for path in paths[:3]:
        ask(cache, path, Accept_Encoding="gzip")
    assert cache.held <= cache.cache_bytes and len(cache.entries) == 2
    assert [k[0] for k in cache.entries] == paths[1:3]  # the oldest went first
    ask(cache, paths[1], Accept_Encoding="gzip")  # used again: now the newest
    ask(cache, paths[3], Accept_Encoding="gzip")
    assert [k[0] for k in cache.entries] == [paths[1], paths[3]]
    answer = ask(cache, paths[0], Accept_Encoding="gzip")  # dropped files are still served, compressed anew
    assert answer.content == inner.files[paths[0]][1]


def test_files_larger_than_the_limit_are_left_to_the_inner_app(inner):
    cache = StaticCache(inner, largest_file=len(SCRIPT) - 1)
    assert ask(cache, JS, Accept_Encoding="gzip").body == SCRIPT
    assert cache.entries == {}


# --- warmed at start ------------------------------------------------------------------------------


def test_the_files_named_for_warming_are_compressed_at_start(inner):
    cache = StaticCache(inner, warm=lambda: [JS, "/static/assets/style.css", "/static/assets/missing.js"])
    sent = []
    incoming = asyncio.Queue()

    async def receive():
        return await incoming.get()

    async def send(message):
        sent.append(message["type"])

    async def serve():
        running = asyncio.create_task(cache({"type": "lifespan"}, receive, send))
        await incoming.put({"type": "lifespan.startup"})
        while cache._warming is None or not cache._warming.done():
            await asyncio.sleep(0.01)
        warmed = cache._warming.result()
        await incoming.put({"type": "lifespan.shutdown"})
        await running
        return warmed

    assert asyncio.run(serve()) == 2  # the missing file is skipped
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    gets = inner.gets(JS)
    answer = ask(cache, JS, Accept_Encoding="gzip")
    assert answer.content == SCRIPT and inner.gets(JS) == gets  # the first visitor reads from memory
    assert cache.compressions == 2


def test_a_failing_warm_list_does_not_stop_the_server(inner):
    def broken():
        raise RuntimeError("no page")

    cache = StaticCache(inner, warm=broken)
    assert asyncio.run(cache.warm_up()) == 0
    assert ask(cache, JS, Accept_Encoding="gzip").content == SCRIPT


# --- around Solara's own app ----------------------------------------------------------------------


def starlette_app():
    """Solara's Starlette app (its module imports a deprecated part of ``websockets``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import solara.server.starlette

    return solara.server.starlette.app


def test_solaras_files_are_served_compressed_with_their_etag_and_304():
    import solara.server.settings

    solara_app = starlette_app()
    folder = Path(solara.server.settings.assets.proxy_cache_dir)
    script = next(folder.glob("requirejs@*/require.js"))
    path = "/_solara/cdn/" + script.relative_to(folder).as_posix()
    cache = StaticCache(solara_app)
    plain = ask(cache, path)
    first = ask(cache, path, Accept_Encoding="gzip")
    second = ask(cache, path, Accept_Encoding="gzip")
    assert plain.body == script.read_bytes() and "content-encoding" not in plain.headers
    assert first.headers["content-encoding"] == "gzip" and first.content == script.read_bytes()
    assert second.body == first.body and cache.compressions == 1
    assert first.headers["etag"] == plain.headers["etag"]
    assert first.headers["last-modified"] == plain.headers["last-modified"]
    assert ask(cache, path, Accept_Encoding="gzip", If_None_Match=plain.headers["etag"]).status == 304
    assert ask(cache, "/_solara/cdn/requirejs@2.3.6/no-such-file.js", Accept_Encoding="gzip").status == 404


# --- how the app command starts it ----------------------------------------------------------------


def test_the_app_command_runs_the_apps_server_with_host_and_port(monkeypatch):
    seen = {}

    def fake_execve(path, argv, env):
        seen.update(path=path, argv=argv, env=env)
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "execve", fake_execve)
    with pytest.raises(SystemExit):
        cli.main(["app", "--host", "0.0.0.0", "--port", "8799"])
    argv = seen["argv"]
    assert argv[1:3] == ["-m", "webapp.server"] and Path(argv[3]).name == "app.py"
    assert argv[4:] == ["--host", "0.0.0.0", "--port", "8799"]
    assert seen["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_the_server_runs_solaras_app_wrapped_in_production_mode(monkeypatch):
    import solara.server.settings as settings
    import uvicorn

    solara_app = starlette_app()
    for name in ("SOLARA_APP", "SERVER_NAME", "SERVER_PORT", "SOLARA_TELEMETRY_MIXPANEL_ENABLE"):
        monkeypatch.setenv(name, "before")  # restored after the test
    monkeypatch.setattr(settings.main, "mode", "development")
    monkeypatch.setattr(settings.telemetry, "mixpanel_enable", True)
    ran = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: ran.update(app=app, **kwargs))
    assert app_server.main(["/somewhere/app.py", "--host", "0.0.0.0", "--port", "8799"]) == 0
    assert isinstance(ran["app"], StaticCache) and ran["app"].app is solara_app
    assert ran["app"].warm is app_server.first_page_files
    assert (ran["host"], ran["port"], ran["log_level"]) == ("0.0.0.0", 8799, "error")
    assert settings.main.mode == "production" and settings.telemetry.mixpanel_enable is False
    assert os.environ["SOLARA_APP"] == "/somewhere/app.py"
    assert (os.environ["SERVER_NAME"], os.environ["SERVER_PORT"]) == ("0.0.0.0", "8799")


def test_the_files_warmed_are_the_static_files_the_page_links_and_echarts(monkeypatch):
    import solara.server.server as solara_server

    from webapp.components import echarts

    html = (
        '<link href="/_solara/cdn/app@5/dist/main8.css" rel="stylesheet"><script src="/static/main.js?v=1"></script>'
        '<a href="https://solara.dev">x</a><img src="static/assets/relative.svg"><script src="/static/main.js"></script>'
    )
    monkeypatch.setattr(solara_server, "read_root", lambda path, root_path: html)
    files = app_server.first_page_files()
    assert files[:2] == ["/_solara/cdn/app@5/dist/main8.css", "/static/main.js"]  # once each, no query
    assert f"/_solara/cdn/echarts@{echarts.ECHARTS_VERSION}/dist/{echarts.ECHARTS_FILE}" in files
    assert "/jupyter/nbextensions/jupyter-vue/nodeps.js" in files
    assert all(f.startswith(("/_solara/cdn/", "/static/", "/jupyter/nbextensions/")) for f in files)
