"""`seen bench service`: the practitioners' service under load, on the database a deployment
uses (PostgreSQL).

It builds a synthetic partnership (synth, ingest, link, rules) in a database of its own, then
`setup()` (in a child process, `seen bench service-setup`) makes two signed-in accounts: a social
worker with a sample of the babies on their caseload and a lawful basis recorded for each, and an
ED clinician. Seen then runs under gunicorn on loopback and the benchmark measures:
- the child page: each sampled baby's page once, in turn, after a warm-up; the server's own time
  from the Server-Timing header (seen.core.timing), p50 and p95;
- the flag look-up API: `wrk` (Debian's package), one connection per gunicorn worker, for a
  fixed time, each request a different baby's flags, as an ED clinician (purpose
  unscheduled_care): requests per second, and p50 and p99 latency as the client sees it.
Every request is a real one: access decision, audit record (hash-chained), and for a flagged baby
the lead practitioner told."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from seen.bench.runner import bench_environment

CHILD_PAGE_TARGET_P95_MS = 100.0
FLAGS_TARGET_P99_MS = 20.0
FLAGS_TARGET_RPS = 500.0
BENCH_PASSWORD = "bench-only-synthetic-partnership"


class ServiceBenchFailed(RuntimeError):
    pass


def setup(sample: int, seed: int) -> dict[str, Any]:
    """In the benchmark's database: the two accounts, the caseload, the sessions. Returns the
    session cookies and the babies to ask for."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from seen.access.models import Purpose, Role, Share, StaffProfile
    from seen.areas.models import Agency, Practitioner
    from seen.core import clock
    from seen.people.models import Pregnancy, Responsibility, SourceRecord

    # every baby's person and reference in one query (a national database has more babies
    # than a query may carry as parameters, so none is asked for again by id)
    reference_of = dict(
        Pregnancy.objects.filter(child__person__isnull=False).values_list(
            "child__person_id", "child__person__reference"
        )
    )
    babies = sorted(reference_of)
    if not babies:
        raise ServiceBenchFailed("no babies in this database: nothing to look at")
    chosen = random.Random(seed).sample(babies, min(sample, len(babies)))
    council = Agency.objects.filter(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE).first()
    hospital = Agency.objects.filter(kind=Agency.Kind.HOSPITAL_ED).first()
    if council is None or hospital is None:
        raise ServiceBenchFailed("the partnership has no children's social care or ED")
    worker, _ = Practitioner.objects.get_or_create(
        agency=council,
        local_id="bench-social-worker",
        defaults={"name": "Bench Social Worker", "role": Practitioner.Role.SOCIAL_WORKER},
    )
    users = get_user_model().objects
    social, _ = users.get_or_create(username="bench-social-worker")
    ed, _ = users.get_or_create(username="bench-ed-clinician")
    for user in (social, ed):
        user.set_password(BENCH_PASSWORD)
        user.save()
    StaffProfile.objects.update_or_create(
        user=social,
        defaults={"role": Role.SOCIAL_WORKER, "agency": council, "practitioner": worker},
    )
    StaffProfile.objects.update_or_create(
        user=ed, defaults={"role": Role.ED_CLINICIAN, "agency": hospital}
    )
    record_of = dict(
        SourceRecord.objects.filter(person_id__in=chosen)
        .order_by("person_id", "-pk")
        .values_list("person_id", "pk")
    )
    today = clock.today()
    for person in chosen:
        Responsibility.objects.get_or_create(
            agency=council,
            local_id=f"bench-caseload-{person}",
            defaults={
                "child_id": record_of[person],
                "practitioner": worker,
                "role": Responsibility.Role.SOCIAL_WORKER,
                "start": today,
            },
        )
        Share.objects.get_or_create(
            user=social,
            child_id=person,
            purpose=Purpose.SAFEGUARDING,
            defaults={"basis": Share.Basis.CONSENT, "recorded_at": clock.now()},
        )
    cookies = {}
    for name, user in (("social_worker", social), ("ed", ed)):
        client = Client()
        # the backend a sign-in records (the user loaded with the profile in one query)
        client.force_login(user, backend="seen.access.backends.ProfileModelBackend")
        cookies[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "cookies": cookies,
        "caseload": [reference_of[p] for p in chosen],
        "babies": [reference_of[p] for p in babies],
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, headers: dict[str, str]) -> tuple[int, float, float]:
    """(status, server ms from Server-Timing, client ms)."""
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status, timing = response.status, response.headers.get("Server-Timing", "")
    except urllib.error.HTTPError as error:
        status, timing = error.code, error.headers.get("Server-Timing", "")
    client = (time.perf_counter() - started) * 1000
    match = re.search(r"dur=([0-9.]+)", timing)
    return status, float(match.group(1)) if match else float("nan"), client


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Server:
    """Seen under gunicorn on loopback, for the length of a `with`."""

    def __init__(self, database_url: str, workers: int) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **bench_environment(database_url),
            "SEEN_INSECURE_HTTP": "1",
            "SEEN_DB_CONN_MAX_AGE": "600",
            "SEEN_SERVER_TIMING": "1",  # the app's own time, which the benchmark reads
        }
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "seen.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--log-level", "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceBenchFailed(f"gunicorn stopped:\n{self.process.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise ServiceBenchFailed("gunicorn did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def child_pages(server: Server, setup_: dict[str, Any], warm_up: int = 20) -> dict[str, Any]:
    headers = {"Cookie": f"{setup_['cookie_name']}={setup_['cookies']['social_worker']}"}
    caseload = setup_["caseload"]
    server_ms: list[float] = []
    client_ms: list[float] = []
    for index, reference in enumerate(caseload[:warm_up] + caseload):
        status, server_time, client_time = _get(
            f"{server.base}/children/{reference}/?purpose=safeguarding", headers
        )
        if status != 200:
            raise ServiceBenchFailed(f"/children/{reference}/ answered {status}")
        if index >= warm_up:
            server_ms.append(server_time)
            client_ms.append(client_time)
    return {
        "pages": len(server_ms),
        "server_p50_ms": round(statistics.median(server_ms), 1),
        "server_p95_ms": round(_percentile(server_ms, 0.95), 1),
        "client_p95_ms": round(_percentile(client_ms, 0.95), 1),
        "target_p95_ms": CHILD_PAGE_TARGET_P95_MS,
    }


WRK_SCRIPT = """
local references = {%s}
local count = #references
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/children/" .. references[(n %% count) + 1] .. "/flags")
end
"""


def _wrk_ms(text: str, label: str) -> float:
    match = re.search(rf"{label}\s+([0-9.]+)(us|ms|s)\b", text)
    if not match:
        raise ServiceBenchFailed(f"no {label} latency in wrk's output:\n{text}")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def flag_lookups(
    server: Server, setup_: dict[str, Any], seconds: int, connections: int
) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise ServiceBenchFailed("wrk is not installed: `apt-get install wrk` (Debian's package)")
    headers = {
        "Cookie": f"{setup_['cookie_name']}={setup_['cookies']['ed']}",
        "Seen-Purpose": "unscheduled_care",
    }
    # warm every worker's connection and caches first
    for reference in setup_["babies"][:50]:
        status, _, _ = _get(f"{server.base}/api/children/{reference}/flags", headers)
        if status != 200:
            raise ServiceBenchFailed(f"the flag look-up answered {status}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(f'"{r}"' for r in setup_["babies"]))
    try:
        arguments = [wrk, "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"]
        for name, value in headers.items():
            arguments += ["-H", f"{name}: {value}"]
        done = subprocess.run(
            [*arguments, "-s", script.name, server.base],
            capture_output=True, text=True, check=False,
        )
    finally:
        Path(script.name).unlink()
    text = done.stdout
    if done.returncode != 0:
        raise ServiceBenchFailed(f"wrk failed:\n{done.stderr}")
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if rate is None:
        raise ServiceBenchFailed(f"no rate in wrk's output:\n{text}")
    return {
        "seconds": seconds,
        "connections": connections,
        "requests_per_s": round(float(rate.group(1)), 1),
        "p50_ms": round(_wrk_ms(text, "50%"), 1),
        "p99_ms": round(_wrk_ms(text, "99%"), 1),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "target_p99_ms": FLAGS_TARGET_P99_MS,
        "target_requests_per_s": FLAGS_TARGET_RPS,
    }
