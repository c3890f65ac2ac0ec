"""`storyline serve` as an attacker on a shared network would try it: real requests to a real server.

The server runs in its own process on 127.0.0.1 (``web_fixtures.running_server``); a second HTTP
server on 127.0.0.1 stands in for an intranet host the attacker wants the app to fetch from. Requests
are written on a raw socket where a client library would correct them (Host headers, lying or chunked
bodies, file names no browser sends).
"""

from __future__ import annotations

import json
import select
import socket
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytest.importorskip("fastapi", reason="the web app needs the 'web' extra: pip install 'storyline[web]'")

from conftest import EXAMPLES, REPO, local_http_server  # noqa: E402
from storyline.errors import ConfigError  # noqa: E402
from storyline.web import MAX_REQUEST_BYTES, allowed_hosts_for  # noqa: E402
from web_fixtures import copy_store, running_server  # noqa: E402

SECRET = "Quarterly salary bands for the Greywater plant are attached for the board only"


class IntranetPage(BaseHTTPRequestHandler):
    """An intranet page: what SSRF would publish. Logs every path asked in ``server.requests``."""

    def do_GET(self):  # noqa: N802
        self.server.requests.append(self.path)
        paragraphs = "".join(f"<p>{SECRET}, the finance office wrote in paragraph {i} of its memo to staff.</p>"
                             for i in range(6))
        body = f"<html><head><title>Internal memo</title></head><body><article>{paragraphs}</article></body></html>"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def feed_linking_to(url: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour wire</title><link>https://wire.example/</link>
<item><title>Harbour board meets on Friday</title><link>{url}</link>
<description>The harbour board meets on Friday to discuss the dredging plan, its secretary said.</description>
<pubDate>Mon, 03 Mar 2025 09:00:00 GMT</pubDate></item>
</channel></rss>""".encode()


# --- raw HTTP -------------------------------------------------------------------------------------------


def http_request(base: str, method: str, path: str, *, host: str | None = None, headers: dict | None = None,
                 body: bytes = b"") -> tuple[int, dict, bytes]:
    """One request exactly as written (Host included); (status, headers, body) of the answer."""
    parts = urlparse(base)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host if host is not None else parts.netloc}", "Connection: close"]
    headers = dict(headers or {})
    if body and "Transfer-Encoding" not in headers:
        headers.setdefault("Content-Length", str(len(body)))
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        return read_response(connection)


def read_response(connection: socket.socket) -> tuple[int, dict, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a response: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    response_headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    length = int(response_headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        rest += chunk
    return int(status_line.split()[1]), response_headers, rest[:length]


def multipart(fields: dict[str, str] = {}, files: list[tuple[bytes, bytes]] = ()) -> tuple[dict, bytes]:
    """A multipart/form-data body; file names are bytes, written as given (NUL and all)."""
    boundary = b"storyline-test-boundary"
    body = b""
    for name, value in fields.items():
        body += b"--" + boundary + f'\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    for filename, content in files:
        body += (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="files"; filename="' + filename
                 + b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + content + b"\r\n")
    body += b"--" + boundary + b"--\r\n"
    return {"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}, body


def api_json(base: str, method: str, path: str, **options) -> tuple[int, dict]:
    status, _, body = http_request(base, method, path, **options)
    return status, json.loads(body)


# --- servers ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_db(tmp_path_factory, analyzer):
    from web_fixtures import build_store

    return build_store(tmp_path_factory.mktemp("security-store"), analyzer)


@pytest.fixture
def server(store_db, tmp_path):
    """A writable `storyline serve` over a private copy of the store; yields (base URL, its log file)."""
    log = tmp_path / "serve.log"
    with running_server(copy_store(store_db, tmp_path), log) as base:
        yield base, log


def assert_no_traceback(log: Path) -> None:
    text = log.read_text()
    assert "Traceback" not in text and "Exception in ASGI application" not in text, text[-3000:]


def stored_articles(base: str) -> int:
    return api_json(base, "GET", "/api/stories")[1]["articles"]


# --- 1. SSRF through an uploaded feed file -------------------------------------------------------------


def test_an_uploaded_feed_cannot_make_the_server_fetch_a_private_address(server):
    base, log = server
    before = stored_articles(base)
    with local_http_server(IntranetPage) as (intranet, httpd):
        feed = feed_linking_to(f"{intranet}/secret.html")
        # Through the API...
        headers, body = multipart(files=[(b"wire.xml", feed)])
        status, result = api_json(base, "POST", "/api/articles", headers=headers, body=body)
        assert status == 200, result
        [error] = result["errors"]
        assert error.startswith(f"{intranet}/secret.html: refused: 127.0.0.1 is a private or local address")
        assert "used the feed entry's own text instead" in error
        # ... and through the form, as a browser posts it.
        headers, body = multipart(files=[(b"wire-again.rss", feed_linking_to(f"{intranet}/payroll.html"))])
        status, _, page = http_request(base, "POST", "/add", body=body,
                                       headers={**headers, "Origin": base, "Sec-Fetch-Site": "same-origin"})
        assert status == 200
        assert b"refused: 127.0.0.1 is a private or local address" in page
        assert httpd.requests == []  # the intranet host was never asked
    # The entry's own text was kept (it is what the reader uploaded: one article, twice); nothing of the page was.
    assert stored_articles(base) == before + 1
    for words in ("salary bands", "Greywater", "finance office"):
        assert api_json(base, "GET", f"/api/stories?q={words.replace(' ', '+')}")[1]["stories"] == [], words
    assert_no_traceback(log)


def test_allow_private_urls_lifts_the_policy_for_every_path(store_db, tmp_path):
    with running_server(copy_store(store_db, tmp_path), tmp_path / "serve.log", "--allow-private-urls") as base, \
            local_http_server(IntranetPage) as (intranet, httpd):
        headers, body = multipart(files=[(b"wire.xml", feed_linking_to(f"{intranet}/memo.html"))])
        status, result = api_json(base, "POST", "/api/articles", headers=headers, body=body)
        assert status == 200 and result["new"] == 1 and result["errors"] == [], result
        assert httpd.requests == ["/memo.html"]
        assert api_json(base, "GET", "/api/stories?q=Greywater")[1]["stories"]


# --- 2. Host header (DNS rebinding) -------------------------------------------------------------------------


def test_only_the_hosts_the_server_was_started_for_are_answered(server):
    base, log = server
    port = urlparse(base).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        assert http_request(base, "GET", "/", host=host)[0] == 200, host
    # A page on attacker.example re-pointed at 127.0.0.1 reaches the server under its own name.
    for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1.attacker.example:{port}",
                 f"127.0.0.1:{port + 1}", "", "not a host"):
        status, headers, page = http_request(base, "GET", "/", host=host)
        assert status == 400, host
        assert b"this server does not answer to the host" in page or b"the request names no host" in page
        assert "default-src 'none'" in headers["content-security-policy"]  # the refusal is a page like any other
    status, error = api_json(base, "GET", "/api/stories", host=f"attacker.example:{port}")
    assert status == 400 and error == {"error": {
        "status": 400, "message": f"this server does not answer to the host 'attacker.example:{port}'",
        "fix": "open it at the address it was started for; its operator can add names with --allowed-host NAME"}}
    # A POST under a rebound name is refused before anything is read, whatever its Origin says.
    headers, body = multipart(fields={"urls": "https://news.example/a"})
    status, _, _ = http_request(base, "POST", "/api/articles", host=f"attacker.example:{port}", body=body,
                                headers={**headers, "Origin": f"http://attacker.example:{port}"})
    assert status == 400
    assert_no_traceback(log)


def test_posts_must_come_from_an_allowed_origin(server):
    base, _ = server
    port = urlparse(base).port
    headers, body = multipart(fields={"urls": ""})
    for origin in (f"http://attacker.example:{port}", "null", f"http://127.0.0.1:{port + 1}"):
        status, error = api_json(base, "POST", "/api/articles", body=body, headers={**headers, "Origin": origin})
        assert status == 403 and error["error"]["message"] == "cross-site submissions are refused", origin
    for origin in (base, f"http://localhost:{port}"):  # the server's own pages
        status, error = api_json(base, "POST", "/api/articles", body=body, headers={**headers, "Origin": origin})
        assert status == 400 and error["error"]["message"] == "nothing to add", origin


def test_allowed_host_adds_names_and_every_address_needs_them(store_db, tmp_path):
    with running_server(copy_store(store_db, tmp_path), tmp_path / "serve.log",
                        "--allowed-host", "news.example.org", "--allowed-host", ".intranet.example") as base:
        port = urlparse(base).port
        for host in ("news.example.org", f"news.example.org:{port}", "intranet.example", "desk.intranet.example:443",
                     f"127.0.0.1:{port}"):
            assert http_request(base, "GET", "/api/stories", host=host)[0] == 200, host
        for host in ("example.org", "news.example.org.attacker.example", "evilintranet.example"):
            assert http_request(base, "GET", "/api/stories", host=host)[0] == 400, host
    # Listening on every address: the names readers use cannot be guessed, so they must be given.
    with pytest.raises(ConfigError, match="--host 0.0.0.0 listens on every address"):
        allowed_hosts_for("0.0.0.0", 8000)
    assert allowed_hosts_for("0.0.0.0", 8000, ["news.example.org"]) == [
        "127.0.0.1:8000", "localhost:8000", "[::1]:8000", "news.example.org"]
    assert allowed_hosts_for("192.0.2.7", 8000) == ["192.0.2.7:8000"]
    assert allowed_hosts_for("::1", 8000)[0] == "127.0.0.1:8000"
    assert allowed_hosts_for("2001:db8::7", 8000) == ["[2001:db8::7]:8000"]


def test_a_bad_allowed_host_is_one_error_at_start(tmp_path):
    import subprocess
    import sys

    from storyline.bench.web import free_port

    run = subprocess.run([sys.executable, "-m", "storyline", "serve", "--db", str(tmp_path / "s.db"),
                          "--port", str(free_port()), "--allowed-host", "not a host"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith("storyline: error: --allowed-host 'not a host' is not a host name")


# --- 4. The request body, upload names, server paths ------------------------------------------------------


def test_a_body_declared_too_large_is_refused_before_it_is_sent(server):
    base, log = server
    parts = urlparse(base)
    for path, kind in (("/api/articles", "application/json"), ("/add", "text/html")):
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
            connection.sendall((f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                                "Content-Type: multipart/form-data; boundary=x\r\n"
                                f"Content-Length: {MAX_REQUEST_BYTES + 1}\r\n\r\n").encode())
            status, headers, body = read_response(connection)  # answered with no byte of the body sent
        assert status == 413 and headers["content-type"].startswith(kind)
        assert b"the request is too large (over 50 MB)" in body
    assert_no_traceback(log)


def test_a_chunked_body_is_cut_off_at_the_cap(server):
    base, log = server
    parts = urlparse(base)
    chunk = b"a" * (1 << 20)
    sent = 0
    preamble = b'--x\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as connection:
        # No Content-Length: only the bytes received can tell the size.
        connection.sendall(f"POST /api/articles HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                           "Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
                           + b"%x\r\n" % len(preamble) + preamble + b"\r\n")
        answered = False
        while sent < 3 * MAX_REQUEST_BYTES:
            if select.select([connection], [], [], 0)[0]:  # the server has answered: stop sending
                answered = True
                break
            connection.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            sent += len(chunk)
        status, _, body = read_response(connection)
    assert answered and status == 413, (sent, status, body)
    assert json.loads(body)["error"]["message"] == "the request is too large (over 50 MB)"
    assert sent < MAX_REQUEST_BYTES + 16 * len(chunk)  # cut off at the cap, not after the whole body
    assert stored_articles(base) > 0  # and the server goes on
    assert_no_traceback(log)


@pytest.mark.parametrize("name, problem", [
    (b"..", "'..' is not a file name"), (b".", "'.' is not a file name"), (b"/", "'/' has folders in it"),
    (b"../../etc/cron.d/x", "has folders in it"), (b"", "no file name"),
    (b"n" * 296 + b".txt", "the name is 300 characters long"),
    (b"report\x00.txt", r"'report\x00.txt' has control characters in it"),
    (b"bell\x07.txt", "has control characters in it"), (b"tab\there.txt", "has control characters in it"),
])
def test_a_bad_upload_name_is_one_clear_400(server, name, problem):
    base, log = server
    before = stored_articles(base)
    good = (EXAMPLES / "brackenford-courier.txt").read_bytes()
    headers, body = multipart(files=[(b"fine.txt", good), (name, good)])
    status, error = api_json(base, "POST", "/api/articles", headers=headers, body=body)
    assert status == 400
    assert error["error"]["message"].startswith("uploaded file 2: ") and problem in error["error"]["message"]
    status, _, page = http_request(base, "POST", "/add", headers=headers, body=body)
    assert status == 400 and b"uploaded file 2: " in page
    assert stored_articles(base) == before  # the submission is refused whole, before anything is read
    assert_no_traceback(log)


def test_pages_and_the_api_name_files_never_server_paths(server):
    base, _ = server
    text = (EXAMPLES / "tarne-gazette.txt").read_bytes().replace(b"Tarne Gazette", b"Fenwick Almanac")
    headers, body = multipart(files=[(b"fenwick-almanac.txt", text)])
    status, added = api_json(base, "POST", "/api/articles", headers=headers, body=body)
    assert status == 200 and added["new"] == 1
    story_id = added["stories"][0]["id"]
    story = api_json(base, "GET", f"/api/stories/{story_id}")[1]
    sources = {s["outlet"]: s for s in story["briefing"]["sources"]}
    assert sources["fenwick-almanac"]["source"] == "upload:fenwick-almanac.txt"
    # Articles ingested from files on the server (the examples) are named by their file, not its folders.
    assert sources["tarne-gazette"]["source"] == "tarne-gazette.txt"
    for source in story["briefing"]["sources"]:
        article = api_json(base, "GET", f"/api/articles/{source['article_id']}")[1]
        _, _, page = http_request(base, "GET", f"/articles/{source['article_id']}")
        for shown in (json.dumps(article), json.dumps(story), page.decode()):
            assert str(REPO) not in shown and "storyline-upload-" not in shown and "/tmp/" not in shown
