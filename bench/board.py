"""The web board on the province corpus: how fast its pages answer and how much memory it holds.

Run by hand (not a test): ``python bench/board.py [--runs N] [--units U] [--findings F]``.
It uses bench/province.py's generated corpus (made if missing), starts ``rectify board
--port 0`` as a user would, asks for each page once untimed (the server then holds the
ledgers it read, while their files are unchanged), then times ``--runs`` requests of each
page and prints the medians, with the first (cold) answer of the board, the server's peak
memory, and the peak memory of ``rectify status`` over the same corpus for comparison.
Targets: the board answers in under 1 s with a warm cache, on a 2-core machine; its peak
resident memory, after every page above, is at most ``rectify status``'s on the same
corpus (ratio <= 1.00: the server holds no more than the CLI needs).
"""

from __future__ import annotations

import argparse
import os
import selectors
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import province  # noqa: E402

PAGES = ["/", "/?supervisor=督导3组", "/unit/unit050", "/finding/unit050-007", "/late?within=14", "/problems",
         "/search?q=财务"]  # fmt: skip
TARGET_S = 1.0
TARGET_MEMORY = 1.0
"""Board peak RSS / ``rectify status`` peak RSS, at most."""


def fetch(url: str) -> float:
    """Seconds to fetch ``url`` completely; raises for an answer other than 200."""
    began = time.perf_counter()
    with urllib.request.urlopen(urllib.request.quote(url, safe=":/?=&"), timeout=300) as answer:
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{url}: {answer.status}")
    return time.perf_counter() - began


def peak_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of process ``pid``, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    """Start the board over the corpus, time its pages, print the figures and the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed requests of each page (median), default 9")
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--findings", type=int, default=200)
    args = parser.parse_args()
    folder = province.CORPUS / f"{args.units}x{args.findings}" / "ledgers"
    if not folder.exists():
        print(f"generating {args.units} units x {args.findings} findings in {folder} ...", flush=True)
        province.generate(folder, args.units, args.findings)
    env = {**os.environ, "RECTIFY_TODAY": "2023-06-30", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}
    env.pop("RECTIFY_LEDGERS", None)
    command = [sys.executable, "-m", "rectify", "--ledgers", str(folder)]
    server = subprocess.Popen([*command, "board", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    try:
        url = ""
        with selectors.DefaultSelector() as waiting:
            waiting.register(server.stdout, selectors.EVENT_READ)
            while not url and server.poll() is None and waiting.select(timeout=60):
                line = server.stdout.readline()
                url = line.split()[2].rstrip("/") if "http://" in line else ""
        if not url:
            raise SystemExit("the board did not start")
        cold = fetch(url + "/")
        for page in PAGES:
            fetch(url + page)
        medians = {page: statistics.median(fetch(url + page) for _ in range(args.runs)) for page in PAGES}
        board_mb = peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    status = subprocess.run([sys.executable, "-c", probe, *command, "status"], env=env, check=True,
                            capture_output=True, text=True)  # fmt: skip
    status_mb = int(status.stdout.strip()) / 1024
    print(f"corpus: {args.units} units x {args.findings} findings; median of {args.runs} requests (seconds)")
    print(f"  {'/ (first request, cold)':<28} {cold:7.3f}")
    for page, seconds in medians.items():
        print(f"  {page:<28} {seconds:7.3f}")
    print(f"  {'peak memory of the board':<28} {board_mb:7.1f} MB")
    print(f"  {'peak memory of status':<28} {status_mb:7.1f} MB")
    worst = max(medians.values())
    ratio = board_mb / status_mb
    print(f"\ntarget: every page under {TARGET_S:.1f} s warm: {worst:.3f} s {'pass' if worst < TARGET_S else 'FAIL'}")
    verdict = "pass" if ratio <= TARGET_MEMORY else "FAIL"
    print(f"target: board peak memory / status peak memory <= {TARGET_MEMORY:.2f}: {ratio:.3f} {verdict}")


if __name__ == "__main__":
    main()
