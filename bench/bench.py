"""`make bench`: measure the intranet at the scale of a region's network of experts.

Generates (or reuses) a database with `flask --app wsgi intranet demo --scale N`, serves it
with gunicorn (2 workers) on loopback, signs in from this separate process and measures each
page: latency percentiles with one user, throughput with several, the ratio to a bare route
served by the same app (measured right after each page, so that the machine's changing speed
does not change the ratio), SQL queries per page at N/10 and N, fragment/page bytes,
create_app() time and the workers' memory over 10,000 requests. Prints a table and writes
JSON to bench/results/.

    python bench/bench.py [--scale 1] [--database-url postgresql://...] [--seconds 3]

SQLite databases are cached in bench/.cache/; with --database-url (or BENCH_DATABASE_URL)
the named PostgreSQL server gets two databases, intranet_bench_<scale>.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.pages import (  # noqa: E402
    Page,
    WorkerClient,
    bench_user,
    discovered_pages,
    install_feed_token,
    page_costs,
    role_emails,
)
from intranet.platform.demo import DEMO_PASSWORD  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
CONCURRENCY = 4
MEMORY_REQUESTS = 10_000
BARE_ROUTE = "/healthz"


# --- databases ------------------------------------------------------------------------------


def scale_label(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def database_url(scale: float, server_url: str | None) -> str:
    if not server_url:
        CACHE.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{CACHE / f'scale-{scale_label(scale)}.db'}"
    name = f"intranet_bench_{scale_label(scale)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.make_url(server_url).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def server_env(url: str) -> dict[str, str]:
    instance = CACHE / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "INTRANET_DATABASE_URL": url,
        "INTRANET_INSTANCE_PATH": str(instance),
        "INTRANET_MAIL_OUTBOX": str(CACHE / "outbox"),
        "INTRANET_2FA_REQUIRED_ROLES": "",
    }


def generate(scale: float, url: str) -> float:
    """Fill the database unless it holds scale data already; the seconds it took."""
    flask = [str(BIN / "flask"), "--app", "wsgi", "intranet"]
    env = server_env(url)
    started = time.perf_counter()
    subprocess.run([*flask, "init"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    output = subprocess.run(
        [*flask, "demo", "--scale", str(scale)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print("  " + output.splitlines()[1 if "already" in output else 0], flush=True)
    return round(time.perf_counter() - started, 1)


# --- in-process measurements ----------------------------------------------------------------


def app_for(url: str) -> Any:
    os.environ.update(server_env(url))
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})


def discover(url: str) -> dict[str, tuple[str, list[Page]]]:
    """For each kind of user, who signs in and the pages found by walking as them."""
    from intranet.extensions import db

    app = app_for(url)
    found = {}
    with app.app_context():
        install_feed_token(bench_user())
        app.test_client_class = WorkerClient
        for role, email in role_emails().items():
            client = app.test_client()
            client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
            found[role] = (email, discovered_pages(client, role))
        db.engine.dispose()
    return found


def query_counts(url: str) -> dict[str, int]:
    """SQL statements per found page for each kind of user, counted in-process on `url`."""
    from intranet.extensions import db

    app = app_for(url)
    counts = {}
    with app.app_context():
        install_feed_token(bench_user())
        app.test_client_class = WorkerClient
        for role, email in role_emails().items():
            client = app.test_client()
            client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
            costs = page_costs(client, discovered_pages(client, role), opened=True)
            counts.update({name: cost.queries for name, cost in costs.items()})
        db.engine.dispose()
    return counts


def create_app_seconds(url: str, runs: int = 3) -> float:
    """Import and create the app in a fresh interpreter, as a starting worker does (best of 3).

    The project's bytecode is compiled first, as installing a package compiles it: with
    PYTHONDONTWRITEBYTECODE set (as on the development machines) every start would otherwise
    compile each module from source again.
    """
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "intranet", "plugins", "wsgi.py"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    code = (
        "import time; t = time.perf_counter(); from intranet import create_app; "
        "create_app(); print(time.perf_counter() - t)"
    )
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", code],
                env=server_env(url),
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(runs)
    ]
    return round(min(times), 3)


# --- the served app -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers on a free loopback port; stopped by `stop()`."""

    def __init__(self, url: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            env=server_env(url),
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kilobytes = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            sizes.append(round(kilobytes / 1024, 1))
        return sizes

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


class Browser:
    """One signed-in user on a keep-alive connection, cookies kept like a browser keeps them."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, url: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, url, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, email: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        form = f"email={email}&password={password}&csrf_token={token}"
        status, _ = self.request(
            "POST",
            "/login",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise RuntimeError(f"sign-in as {email} failed ({status})")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def throughput(
    port: int, cookies: dict[str, str], url: str, headers: dict[str, str], seconds: float
) -> float:
    """Requests per second that CONCURRENCY users, each on its own connection, get answered."""
    done = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def user() -> None:
        nonlocal done
        own = Browser(port, cookies)
        while time.perf_counter() < stop_at:
            own.request("GET", url, headers=headers)
            with lock:
                done += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        for _ in range(CONCURRENCY):
            pool.submit(user)
    return round(done / (time.perf_counter() - started), 1)


def measure(page: Page, port: int, cookies: dict[str, str], seconds: float) -> dict[str, Any]:
    """One user for `seconds` (latency), then CONCURRENCY users for `seconds` (throughput),
    then the bare route's throughput for as long: the page's share of it compares two
    measurements taken seconds apart, not minutes (this machine's speed drifts by 2-4x)."""
    browser = Browser(port, cookies)
    for _ in range(3):
        status, body = browser.request("GET", page.url, headers=page.headers)
        if status != 200:
            raise RuntimeError(f"{page.url} answered {status}")
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    while time.perf_counter() < until or len(latencies) < 20:
        started = time.perf_counter()
        browser.request("GET", page.url, headers=page.headers)
        latencies.append((time.perf_counter() - started) * 1000)

    rps = throughput(port, cookies, page.url, page.headers, seconds)
    bare_rps = throughput(port, cookies, BARE_ROUTE, {}, seconds)
    return {
        "url": page.url,
        "bytes": len(body),
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "rps_1_user": round(len(latencies) / sum(latencies) * 1000, 1),
        f"rps_{CONCURRENCY}_users": rps,
        f"bare_rps_{CONCURRENCY}_users": bare_rps,
    }


def share_of_bare(pages: dict[str, Any], name: str) -> float:
    """A page's throughput as a share of the bare route's, measured right after it (the
    role's own bare route for results written before that was measured)."""
    page = pages[name]
    bare = page.get(f"bare_rps_{CONCURRENCY}_users")
    if bare is None:
        bare = pages.get(f"{name.partition(':')[0]}: bare route", page)[f"rps_{CONCURRENCY}_users"]
    return page[f"rps_{CONCURRENCY}_users"] / bare


def memory_run(
    server: Server, pages: list[Page], cookies: dict[str, str], requests: int
) -> dict[str, Any]:
    """RSS of each worker before, halfway through and after `requests` mixed requests."""
    samples = {"before": server.worker_rss_mb()}
    per_user = requests // CONCURRENCY

    def user(offset: int, count: int) -> None:
        browser = Browser(server.port, cookies)
        for number in range(count):
            page = pages[(offset + number) % len(pages)]
            browser.request("GET", page.url, headers=page.headers)

    for label in ("half", "after"):
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            for offset in range(CONCURRENCY):
                pool.submit(user, offset, per_user // 2)
        samples[label] = server.worker_rss_mb()
    return {"requests": per_user * CONCURRENCY, "rss_mb": samples}


# --- report ---------------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    pages = results["pages"]
    rps = f"rps_{CONCURRENCY}_users"
    small, large = results["generate_s"]
    queries = {label: results["queries"].get(label, {}) for label in (small, large)}
    width = max(len(name) for name in pages) + 2
    head = (
        f"{'page':<{width}}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'req/s':>8}{'x bare':>8}"
        f"{'KiB':>7}{'SQL ' + small:>13}{'SQL ' + large:>13}"
    )
    lines = [head, "-" * len(head)]
    for name, page in pages.items():
        lines.append(
            f"{name:<{width}}{page['p50_ms']:>8}{page['p95_ms']:>8}{page['p99_ms']:>8}"
            f"{page[rps]:>8}{share_of_bare(pages, name):>8.2f}{page['bytes'] / 1024:>7.1f}"
            f"{queries[small].get(name, '-'):>13}"
            f"{queries[large].get(name, '-'):>13}"
        )
    memory = results["memory"]["rss_mb"]
    requests = results["memory"]["requests"]
    over = [name for name, page in pages.items() if page["p50_ms"] >= 50 or page["p95_ms"] >= 100]
    lines += [
        "",
        f"req/s with {CONCURRENCY} concurrent users; x bare = share of the bare route's req/s,"
        " measured right after the page.",
        f"{len(pages)} pages found by walking as each role; {len(over)} over p50 50 ms or "
        f"p95 100 ms: {', '.join(over) or 'none'}",
        f"create_app() (import + create, fresh interpreter): {results['create_app_s']} s",
        f"worker RSS MB before / after {requests // 2} / after {requests}: "
        f"{memory['before']} / {memory['half']} / {memory['after']}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--seconds", type=float, default=1.0, help="per page and phase")
    parser.add_argument("--memory-requests", type=int, default=MEMORY_REQUESTS)
    parser.add_argument(
        "--no-query-counts", action="store_true", help="skip the in-process SQL counts (quicker)"
    )
    args = parser.parse_args()
    engine = "postgresql" if args.database_url else "sqlite"
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "scale": args.scale,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "generate_s": {},
        "queries": {},
    }
    urls = {}
    for scale in (args.scale / 10, args.scale):
        label = f"N={scale:g}"
        print(f"database at {label} ({engine})", flush=True)
        urls[label] = database_url(scale, args.database_url)
        results["generate_s"][label] = generate(scale, urls[label])
        if not args.no_query_counts:
            results["queries"][label] = query_counts(urls[label])
    url = urls[f"N={args.scale:g}"]
    results["create_app_s"] = create_app_seconds(url)

    print("serving with gunicorn, 2 workers", flush=True)
    server = Server(url)
    try:
        results["pages"] = {}
        every_page: list[Page] = []
        cookies: dict[str, str] = {}
        for role, (email, pages) in discover(url).items():
            browser = Browser(server.port)
            browser.sign_in(email, DEMO_PASSWORD)
            cookies = cookies or browser.cookies
            every_page += pages if role == "member" else []
            for page in pages:
                print(f"  {page.name}", flush=True)
                try:
                    results["pages"][page.name] = measure(
                        page, server.port, browser.cookies, args.seconds
                    )
                except (OSError, RuntimeError, http.client.HTTPException) as error:
                    print(f"    failed: {error!r}", flush=True)
        print(f"  {args.memory_requests} mixed requests for the workers' memory", flush=True)
        results["memory"] = memory_run(server, every_page, cookies, args.memory_requests)
    finally:
        server.stop()
    results["queries"] = dict(results["queries"])

    print()
    print(table(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{engine}-N{scale_label(args.scale)}-{results['when'][:19]}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
