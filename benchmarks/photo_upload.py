"""The photo benchmark row: one enquiry POST carrying three worst-case photos that pass every check,
sent to the app under gunicorn with production settings, measured in the worker that serves it.

Worst case for memory and CPU: two PNGs just under PHOTO_MAX_PIXELS that compress to almost
nothing (a few hundred KB decode to about 100 MB each, as every RGB(A) pixel takes 4 bytes in
Pillow), and a large JPEG. The worker's CPU seconds come from /proc/<pid>/stat before and after
the request; its extra memory is the peak (VmHWM) after, less the resident size (VmRSS) before.

    .venv/bin/python -m benchmarks.photo_upload      (benchmarks/run runs it last)
"""

import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from benchmarks import servers
from benchmarks.client import CookieClient, csrf_token
from benchmarks.cpu import TICKS

TARGET_CPU_SECONDS = 1.5
TARGET_EXTRA_MB = 150
ENQUIRY = {
    "full_name": "Amara Okafor",
    "email": "amara.okafor@gmail.com",
    "phone": "07911 123456",
    "preferred_contact": "either",
    "concern": "crown",
    "hoped_result": "density",
    "message": "Three photos of my scalp, as my phone took them.",
    "heard_from": "search",
    "health_consent": "y",
    "photo_consent": "y",
}


def worst_case_photos(max_pixels):
    """(field, file name, bytes, content type) for the three photo fields."""
    square = int(max_pixels**0.5)
    while square * square >= max_pixels:
        square -= 1
    wide = (6000, (max_pixels - 1) // 6000)
    return [
        ("photo_front", "front.png", _encode(_smooth("RGBA", (square, square)), "PNG"), "image/png"),
        ("photo_top", "top.png", _encode(_smooth("RGB", wide), "PNG"), "image/png"),
        ("photo_crown", "crown.jpg", _encode(_smooth("RGB", wide), "JPEG", quality=92), "image/jpeg"),
    ]


def _smooth(mode, size):
    # A gradient: a real photo's worth of pixels that still fits well under PHOTO_MAX_BYTES.
    gradient = Image.linear_gradient("L").resize(size)
    across = gradient.transpose(Image.Transpose.ROTATE_90).resize(size)
    return Image.merge(mode, [gradient, across, gradient, across][: len(mode)])


def _encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def worker_pid(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def cpu_seconds(pid):
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def memory_mb(pid):
    """{'VmRSS': MB, 'VmHWM': MB} of a process."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


def environment(run_dir, mail_port):
    env = os.environ.copy()
    for name in ("REDIS_URL", "PHOTO_MAX_PIXELS", "PHOTO_MAX_EDGE", "PHOTO_MAX_BYTES"):
        env.pop(name, None)
    env.update(
        CLINIC_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=f"sqlite:///{run_dir}/photo-bench.sqlite3",
        UPLOAD_FOLDER=f"{run_dir}/uploads",
        MAIL_PORT=str(mail_port),
        ENQUIRY_RATE_LIMIT="1000 per minute",
        ENQUIRY_RATE_LIMIT_WITHOUT_CHALLENGE="1000 per minute",
        CLINIC_BASE_URL="https://www.hairline-clinic.co.uk",
        WEB_CONCURRENCY="1",  # one worker, so the one that serves the request is known
    )
    return env


def measure(max_pixels):
    run_dir = Path(os.environ.get("BENCH_RUN_DIR") or tempfile.mkdtemp(prefix="photo-bench-"))
    sink = servers.SmtpSink(run_dir).wait_until_up()
    env = environment(run_dir, sink.port)
    subprocess.run(  # noqa: S603 - our own migration command
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=servers.REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    app = servers.Gunicorn("photo-bench", "wsgi:app", env, run_dir)
    try:
        app.wait_until_up("/enquire")
        client = CookieClient(app.url)
        # A small photo first, so that imports and first-use costs are not counted.
        warm_up = [("photo_front", ("warm.png", _encode(Image.new("RGB", (64, 64)), "PNG"), "image/png"))]
        _post(client, warm_up)
        worker = worker_pid(app.process.pid)
        # The same enquiry with one small photo again: the part of the cost that is not photo work.
        cpu_before = cpu_seconds(worker)
        _post(client, warm_up)
        small_cpu = cpu_seconds(worker) - cpu_before
        files = [(field, (name, data, kind)) for field, name, data, kind in worst_case_photos(max_pixels)]
        cpu_before, memory_before = cpu_seconds(worker), memory_mb(worker)
        started = time.monotonic()
        _post(client, files)
        wall = time.monotonic() - started
        cpu_after, memory_after = cpu_seconds(worker), memory_mb(worker)
    finally:
        app.stop()
        sink.stop()
    return {
        "request_bytes": sum(len(data) for _field, (_name, data, _kind) in files),
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu_after - cpu_before, 2),
        "small_photo_cpu_seconds": round(small_cpu, 2),
        "rss_before_mb": round(memory_before["VmRSS"]),
        "peak_after_mb": round(memory_after["VmHWM"]),
        "extra_mb": round(memory_after["VmHWM"] - memory_before["VmRSS"]),
    }


def _post(client, files):
    token = csrf_token(client.get("/enquire", timeout=30).text)
    response = client.http.post(
        client.base_url + "/enquire",
        data={**ENQUIRY, "csrf_token": token},
        files=files,
        headers={"Cookie": client.cookie_header},
        allow_redirects=False,
        timeout=120,
    )
    if response.status_code != 303:
        raise RuntimeError(f"the enquiry was not accepted: {response.status_code}")


def main():
    max_pixels = int(os.environ.get("PHOTO_MAX_PIXELS") or 24_000_000)
    result = measure(max_pixels)
    cpu_ok = result["cpu_seconds"] < TARGET_CPU_SECONDS
    memory_ok = result["extra_mb"] < TARGET_EXTRA_MB
    print("| photo upload (3 worst-case photos, one enquiry) | measured | target |")
    print("|---|---|---|")
    print(f"| request size | {result['request_bytes'] / 1024:.0f} KB | |")
    print(f"| wall time | {result['wall_seconds']} s | |")
    cpu_verdict = "ok" if cpu_ok else "MISSED"
    print(f"| worker CPU | {result['cpu_seconds']} s | < {TARGET_CPU_SECONDS} s {cpu_verdict} |")
    print(f"| worker CPU, same enquiry with one 64x64 photo | {result['small_photo_cpu_seconds']} s | |")
    print(
        f"| worker extra memory | {result['extra_mb']} MB ({result['rss_before_mb']} -> "
        f"{result['peak_after_mb']} MB peak) | < {TARGET_EXTRA_MB} MB {'ok' if memory_ok else 'MISSED'} |"
    )
    print(json.dumps(result))
    return 0 if cpu_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
