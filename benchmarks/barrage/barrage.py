"""A seeded barrage of hostile requests against a running CleanUser, and the server's memory around it.

Used by benchmarks/barrage.sh (docs/benchmarks.md#memory-under-a-hostile-barrage); Python 3.11 standard library only.
Every request goes to 127.0.0.1 over its own raw socket (so garbage, truncated bodies and oversized headers can be
sent as they are), CONCURRENCY at a time. Prints the server's RSS before, every 2 500 requests, right after, and
every 10 s of IDLE seconds of idling, and the responses by status and by kind. Exit code 1 when any answer was a
5xx other than 505 (Kestrel's answer to a garbage HTTP version).
"""
import argparse
import asyncio
import base64
import collections
import hashlib
import hmac
import json
import os
import random
import struct
import sys
import time
import zlib

MIB = 1024 * 1024
CAP = 16 * MIB  # the service's request body cap (docs/api.md#request-bodies)


# --- the server process ----------------------------------------------------------------------------------------------

def serving_pid(port):
    """The pid that owns the socket listening on 127.0.0.1:port (not `dotnet run`, which only starts it)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":  # 0A: LISTEN
                    inodes.add(cols[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(pid)
        except OSError:
            continue
    raise SystemExit(f"no process listens on port {port}")


def cpu_seconds(pid):
    """User + system CPU time the process has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid):
    """VmRSS and VmHWM (the peak) in MiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


# --- payloads --------------------------------------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(key, claims, alg="HS256", sign_with=None):
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    signing = f"{head}.{body}".encode()
    sig = b64url(hmac.new(sign_with or key, signing, hashlib.sha256).digest()) if alg == "HS256" else ""
    return f"{head}.{body}.{sig}"


def png(width, height, rows):
    """A greyscale 8-bit PNG; rows(y) gives each row's bytes. Deflate makes a 7000 × 7000 blank image a few dozen KB."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + rows(y) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


class Payloads:
    def __init__(self, key, rng):
        self.key, self.rng = key, rng
        now = int(time.time())
        self.claims = lambda uid: {"token_type": "access", "user_id": uid, "jti": f"b-{uid}-{rng.random()}",
                                   "iat": now, "exp": now + 3600}
        self.tokens = {uid: jwt(key, self.claims(uid)) for uid in (1, 2, 3)}  # user 4 of the demo seed is blocked
        self.noise = rng.randbytes(CAP + MIB)  # sliced for every big body
        blank = bytes(7000)
        self.bomb = png(7000, 7000, lambda y: blank)  # 49 megapixels: just under the limit, a 196 MB bitmap decoded
        self.small_png = png(300, 200, lambda y: bytes((x * y) & 0xFF for x in range(300)))

    def token(self):
        uid = self.rng.choice((1, 2, 3))
        return uid, self.tokens[uid]

    def forged(self):
        uid = self.rng.choice((1, 2, 3, 4, 99999))
        return self.rng.choice([
            lambda: jwt(self.key, self.claims(uid), sign_with=b"not-the-key-" + self.rng.randbytes(24)),
            lambda: jwt(self.key, self.claims(uid), alg="none"),
            lambda: jwt(self.key, {**self.claims(uid), "exp": 1}),
            lambda: jwt(self.key, {**self.claims(uid), "user_id": [uid, 1]}),
            lambda: jwt(self.key, {**self.claims(uid), "token_type": "refresh"}),
            lambda: jwt(self.key, self.claims(uid)) + "x",
            lambda: b64url(self.rng.randbytes(self.rng.randint(1, 4096))),
            lambda: ".".join(b64url(self.rng.randbytes(self.rng.randint(0, 3000))) for _ in range(3)),
            lambda: "a." * self.rng.randint(2, 2000),
        ])()

    def text(self, n):
        return "".join(self.rng.choice("abcdefghij klmnopqrstuvwxyzé€😀\n") for _ in range(n))

    def fields(self):
        r = self.rng
        choices = {
            "bio": lambda: self.text(r.choice((5, 200, 5001))),
            "location": lambda: self.text(r.choice((3, 101))),
            "real_name": lambda: self.text(r.randint(0, 40)),
            "website": lambda: r.choice(("https://example.org/" + self.text(5), "javascript:alert(1)", "")),
            "gender": lambda: r.choice(("Male", "female", "x", None)),
            "date_of_birth": lambda: r.choice(("1990-02-03", "2990-01-01", "1990-02-30", None, "")),
            "location_lat_lng": lambda: r.choice(("45.4642,9.19", "91,0", "a,b", None)),
            "username": lambda: r.choice(("u" + r.randbytes(4).hex(), "admin", "bad name", "")),
            "followers_counter": lambda: 10**9,
        }
        return {k: choices[k]() for k in r.sample(sorted(choices), r.randint(1, 4))}


# --- requests: each method gives the bytes to send --------------------------------------------------------------

def http(method, path, headers=(), body=b"", content_length=None):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    if body or content_length is not None:
        lines.append(f"Content-Length: {len(body) if content_length is None else content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def multipart(parts, boundary="b0undary"):
    out = []
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(out) + f"--{boundary}--\r\n".encode(), f"Content-Type: multipart/form-data; boundary={boundary}"


class Requests:
    def __init__(self, payloads, rng):
        self.p, self.r = payloads, rng
        # kind: weight. Byte-heavy kinds are rarer, so one run stays within a few minutes on 2 shared cores.
        self.kinds = {
            "get": 10, "me": 4, "json": 8, "json_bad": 8, "merge_patch": 5, "json_patch": 5, "form": 5,
            "multipart_text": 4, "multipart_big_ignored": 1.5, "image_small": 4, "bitmap_7000": 0.5, "base64_big": 1,
            "forged_token": 8, "huge_headers": 4, "raw_garbage": 4, "truncated": 4, "declared_too_large": 3,
            "chunked_too_large": 0.3, "wrong_content_type": 3, "media": 3, "methods": 2,
        }

    def next(self):
        kind = self.r.choices(list(self.kinds), weights=list(self.kinds.values()))[0]
        return kind, getattr(self, kind)()

    def write(self, content_type, body, *, own=True, token=None, method=None, extra=()):
        uid, tok = self.p.token()
        target = uid if own or self.r.random() < 0.5 else self.r.choice((1, 2, 3, 4, 404040))
        method = method or self.r.choice(("PATCH", "PATCH", "PATCH", "PUT"))
        headers = [f"Authorization: {self.r.choice(('Bearer', 'Token'))} {token or tok}", *extra]
        if content_type:
            headers.append(content_type if ":" in content_type else f"Content-Type: {content_type}")
        return http(method, f"/api/v2/user/{target}/", headers, body)

    def get(self):
        path = self.r.choice(("1", "2", "3", "4", "0", "-1", "abc", "99999999999999999999", "%00", "1/../2"))
        headers = [f"Authorization: Bearer {self.p.token()[1]}"] if self.r.random() < 0.3 else []
        if self.r.random() < 0.2:
            headers.append(f'If-None-Match: "{path}-1", W/"x", *')
        return http("GET", f"/api/v2/user/{path}/", headers)

    def me(self):
        token = self.p.token()[1] if self.r.random() < 0.5 else self.p.forged()
        return http("GET", "/api/v2/user/me/", [f"Authorization: Bearer {token}"])

    def json(self):
        return self.write("application/json", json.dumps(self.p.fields()).encode(), own=self.r.random() < 0.9)

    def json_bad(self):
        body = self.r.choice([
            lambda: json.dumps(self.p.fields()).encode()[: self.r.randint(1, 40)],
            lambda: b"[" * self.r.randint(100, 100_000),
            lambda: b'{"bio": 5, "gender": [], "location": {}}',
            lambda: b'{"bio": "\\ud800"}',
            lambda: b'{"bio": "\xff\xfe"}',
            lambda: b'{"bio": "a", "bio": "b"}' + b" " * self.r.randint(0, 1000),
            lambda: json.dumps({"bio": "x" * self.r.randint(1, 8 * MIB)}).encode(),
            lambda: json.dumps({f"k{i}": i for i in range(self.r.randint(1, 200_000))}).encode(),
            lambda: b'"just a string"',
            lambda: self.p.noise[: self.r.randint(1, 64 * 1024)],
        ])()
        return self.write("application/json", body)

    def merge_patch(self):
        body = json.dumps({**self.p.fields(), "date_of_birth": None}).encode()
        if self.r.random() < 0.3:
            body = body[: len(body) // 2]
        return self.write("application/merge-patch+json", body)

    def json_patch(self):
        r = self.r
        ops = [r.choice([
            {"op": "replace", "path": "/bio", "value": self.p.text(20)},
            {"op": "add", "path": "/location", "value": "Rome"},
            {"op": "remove", "path": "/website"},
            {"op": "test", "path": "/gender", "value": "Male"},
            {"op": "move", "from": "/bio", "path": "/real_name"},
            {"op": "copy", "from": "/bio", "path": "/id"},
            {"op": "replace", "path": "/tags/0", "value": 1},
            {"op": "bogus"},
        ]) for _ in range(r.choice((1, 3, 10, 20_000)))]
        return self.write("application/json-patch+json", json.dumps(ops if r.random() < 0.9 else {"op": "x"}).encode(),
                          method="PATCH")

    def form(self):
        r = self.r
        if r.random() < 0.2:
            body = "&".join(f"k{i}=v" for i in range(r.randint(1000, 50_000))).encode()
        elif r.random() < 0.2:
            body = b"bio=" + b"%41" * r.randint(1, 3 * MIB)
        else:
            body = "&".join(f"{k}={'' if v is None else v}" for k, v in self.p.fields().items()).encode("utf-8")
        return self.write("application/x-www-form-urlencoded", body)

    def multipart_text(self):
        parts = [(k, None, ("" if v is None else str(v)).encode()) for k, v in self.p.fields().items()]
        parts += [("cover", "", b"")] if self.r.random() < 0.5 else []
        return self.write(*reversed(multipart(parts)))

    def multipart_big_ignored(self):
        """File parts under names the service ignores, 1–16 MiB in all (a tenth over the cap: 413)."""
        total = self.r.randint(MIB, CAP + MIB if self.r.random() < 0.1 else CAP - 4096)
        parts, offset = [("bio", None, b"with attachments")], 0
        while offset < total:
            size = min(total - offset, self.r.randint(64 * 1024, 8 * MIB))
            parts.append((self.r.choice(("junk", "file", "attachment", "avatar2", "x" * 200)), f"f{offset}.bin",
                          self.p.noise[offset:offset + size]))
            offset += size
        return self.write(*reversed(multipart(parts)))

    def image_small(self):
        if self.r.random() < 0.5:
            body, ct = multipart([(self.r.choice(("avatar", "cover")), "a.png", self.p.small_png)])
            return self.write(ct, body, method="PATCH")
        data = base64.b64encode(self.p.small_png).decode()
        return self.write("application/json", json.dumps({self.r.choice(("avatar_base64", "cover_base64")):
                                                          "data:image/png;base64," + data}).encode(), method="PATCH")

    def bitmap_7000(self):
        field = self.r.choice(("avatar", "cover"))
        if self.r.random() < 0.5:
            body, ct = multipart([(field, "bomb.png", self.p.bomb)])
            return self.write(ct, body, method="PATCH")
        return self.write("application/json", json.dumps(
            {f"{field}_base64": "image/png;base64," + base64.b64encode(self.p.bomb).decode()}).encode(), method="PATCH")

    def base64_big(self):
        """Up to 12 MiB decoded (16 MiB of base64): too large for either image, or junk behind a PNG signature."""
        size = self.r.randint(MIB, 12 * MIB)
        data = b"\x89PNG\r\n\x1a\n" + self.p.noise[:size]
        field = self.r.choice(("avatar_base64", "cover_base64"))
        return self.write("application/json", json.dumps({field: base64.b64encode(data).decode()}).encode())

    def forged_token(self):
        if self.r.random() < 0.5:
            return http("GET", f"/api/v2/user/{self.r.randint(1, 4)}/", [f"Authorization: Bearer {self.p.forged()}"])
        return self.write("application/json", b'{"bio": "forged"}', token=self.p.forged())

    def huge_headers(self):
        r = self.r
        return r.choice([
            lambda: http("GET", "/api/v2/user/1/", [f"X-Big: {'a' * r.randint(8_000, 64_000)}"]),
            lambda: http("GET", "/api/v2/user/1/", [f"X-H{i}: {i}" for i in range(r.randint(90, 2000))]),
            lambda: http("GET", "/api/v2/user/1/?" + "q" * r.randint(8_000, 40_000)),
            lambda: http("GET", "/api/v2/user/me/", [f"Authorization: Bearer {'a' * r.randint(10_000, 60_000)}"]),
        ])()

    def raw_garbage(self):
        r = self.r
        return r.choice([
            lambda: self.p.noise[: r.randint(1, 16_000)],
            lambda: b"PATCH /api/v2/user/1/ HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            lambda: b"GET / HTTP/9.9\r\n\r\n",
            lambda: b"GET /api/v2/user/1/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            lambda: b"GET /api/v2/user/1/ HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            lambda: b"\r\n" * r.randint(1, 5000),
        ])()

    def truncated(self):
        """A body shorter than its Content-Length: the client goes away half-way."""
        uid, tok = self.p.token()
        declared = self.r.randint(1000, CAP)
        content_type = self.r.choice(("application/json", "multipart/form-data; boundary=b0undary",
                                      "application/x-www-form-urlencoded", "application/json-patch+json"))
        head = http("PATCH", f"/api/v2/user/{uid}/", [f"Authorization: Bearer {tok}", f"Content-Type: {content_type}"],
                    content_length=declared)
        return head + self.p.noise[: self.r.randint(0, min(declared - 1, MIB))]

    def declared_too_large(self):
        uid, tok = self.p.token()
        return http("PATCH", f"/api/v2/user/{uid}/", [f"Authorization: Bearer {tok}", "Content-Type: application/json"],
                    content_length=self.r.choice((CAP + 1, 2**31, 2**62))) + b"{"

    def chunked_too_large(self):
        uid, tok = self.p.token()
        head = (f"PATCH /api/v2/user/{uid}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                f"Authorization: Bearer {tok}\r\nContent-Type: multipart/form-data; boundary=b0undary\r\n"
                "Transfer-Encoding: chunked\r\n\r\n").encode()
        chunk = self.p.noise[:MIB]
        return head + (b"100000\r\n" + chunk + b"\r\n") * 17 + b"0\r\n\r\n"

    def wrong_content_type(self):
        ct = self.r.choice(("text/plain", "application/xml", "image/png", "multipart/form-data", "application/json; charset=utf-32",
                            "multipart/form-data; boundary=" + "b" * 100, ";;;", "application/x-www-form-urlencoded; charset=nope"))
        return self.write(ct, self.p.noise[: self.r.randint(1, 100_000)])

    def media(self):
        path = self.r.choice(("/media/..%2f..%2fetc%2fpasswd", "/media/x.png", "/media/" + "a" * 4000, "/media/%00",
                              "/docs", "/openapi/v1.json", "/health/live", "/nope"))
        return http(self.r.choice(("GET", "HEAD")), path)

    def methods(self):
        method = self.r.choice(("OPTIONS", "DELETE", "POST", "TRACE", "PROPFIND"))
        return http(method, f"/api/v2/user/{self.r.randint(1, 3)}/", [f"Authorization: Bearer {self.p.token()[1]}"])


HANG_UP = {"truncated", "raw_garbage"}  # kinds whose client goes away after sending


# --- sending ---------------------------------------------------------------------------------------------------------

async def exchange(port, data, hang_up=False, timeout=120):
    """Sends data and reads the answer's status; 'reset' or 'no answer' when the server closed without one.
    hang_up: the client closes its side after sending (Kestrel then takes the request as abandoned)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def send():
        try:
            view = memoryview(data)
            for i in range(0, len(view), MIB):
                writer.write(view[i:i + MIB])
                await writer.drain()
            if hang_up:
                writer.write_eof()
        except (ConnectionError, OSError):
            pass  # the server answered (413, 431) and closed before it had everything

    sender = asyncio.ensure_future(send())
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout)
        status = head.split(b" ")[1].decode() if head.startswith(b"HTTP/") else "garbled"
        while await asyncio.wait_for(reader.read(256 * 1024), timeout):
            pass
    except asyncio.IncompleteReadError as e:
        status = "no answer" if not e.partial else "garbled"
    except (ConnectionError, OSError):
        status = "reset"
    except asyncio.TimeoutError:
        status = "timeout"
    finally:
        sender.cancel()
        writer.close()
    return status


async def barrage(args, requests, pid):
    """Requests are made as they are sent (a run sends gigabytes); one generator, so a seed gives one sequence."""
    by_status, by_kind = collections.Counter(), collections.defaultdict(collections.Counter)
    sent = [0, 0]  # requests, bytes

    async def worker():
        while sent[0] < args.count:
            sent[0] += 1
            if sent[0] % 2500 == 0:
                print(f"RSS after {sent[0]} requests: {memory(pid)[0]:.0f} MiB", flush=True)
            kind, data = requests.next()
            sent[1] += len(data)
            status = await exchange(args.port, data, hang_up=kind in HANG_UP)
            by_status[status] += 1
            by_kind[kind][status] += 1

    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    return by_status, by_kind, sent[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--idle", type=int, default=60)
    args = ap.parse_args()

    pid = serving_pid(args.port)
    rng = random.Random(args.seed)
    requests = Requests(Payloads(args.key.encode(), rng), rng)
    for _ in range(30):  # warm-up: the ordinary paths once, so "before" is a started service
        asyncio.run(exchange(args.port, requests.json()))
        asyncio.run(exchange(args.port, requests.get()))
    rss, _ = memory(pid)
    print(f"server pid {pid}; RSS before the barrage (after 60 warm-up requests): {rss:.0f} MiB", flush=True)

    started, cpu = time.monotonic(), cpu_seconds(pid)
    by_status, by_kind, sent = asyncio.run(barrage(args, requests, pid))
    took, cpu = time.monotonic() - started, cpu_seconds(pid) - cpu
    rss, peak = memory(pid)
    print(f"barrage: {args.count} requests, seed {args.seed}, concurrency {args.concurrency}, "
          f"{sent / MIB:.0f} MiB sent, {took:.0f} s ({cpu:.0f} s of server CPU)")
    print(f"RSS right after the barrage: {rss:.0f} MiB (peak during it: {peak:.0f} MiB)", flush=True)
    for t in range(10, args.idle + 1, 10):
        time.sleep(max(0.0, started + took + t - time.monotonic()))
        print(f"RSS after {t:3d} s idle: {memory(pid)[0]:.0f} MiB", flush=True)

    print("responses by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(by_status.items())))
    for kind in requests.kinds:
        print(f"  {kind:24} " + ", ".join(f"{s}: {n}" for s, n in sorted(by_kind[kind].items())))
    # 505 is Kestrel's right answer to the garbage "HTTP/9.9" request line, not a failure of the service.
    errors = sum(n for s, n in by_status.items() if s.startswith("5") and s != "505")
    if errors:
        print(f"{errors} answers were 5xx (other than 505 HTTP Version Not Supported)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
