"""The benchmark: our full audit against linkchecker's link-only crawl, alternating.

For each site size it starts the synthetic Local Offer (``bench.synthetic``) and, in
one run, alternates: linkchecker's link-only crawl with its rate limit lifted, our
full audit (``lo-audit crawl --rate 0`` then ``lo-audit check``), a re-audit of the
unchanged site, and ``lo-audit build``. It reports wall time, the ratio to
linkchecker, pages per second, and the peak memory (PSS, falling back to RSS) of the
whole process tree, the browser's processes included.

Run: ``make bench`` or ``python -m bench.run --pages 1500 1000 10000``.
Results: ``bench/results/latest.json`` and the performance page of the site.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil

from .synthetic import reachable_pages

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
PAGE = ROOT / "docs" / "reference" / "performance.md"


@dataclass
class Measure:
    """One timed command."""

    what: str
    pages: int
    seconds: float
    peak_mib: float

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


class PeakMemory:
    """Samples the memory of a process and all its descendants; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.root, self.every, self.peak = psutil.Process(pid), every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> int:
        total = 0
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0
        for proc in procs:
            try:
                info = proc.memory_full_info()
                total += getattr(info, "pss", 0) or info.rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def timed(what: str, cmd: list[str], pages_of, stdout=subprocess.DEVNULL, ok: tuple[int, ...] = (0,)) -> Measure:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    peak = PeakMemory(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    mib = peak.stop()
    if proc.returncode not in ok:
        raise SystemExit(f"{what} failed (exit {proc.returncode}): {err[-2000:]}")
    return Measure(what, pages_of(), round(seconds, 2), round(mib, 1))


def crawled(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        run = conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        return conn.execute("SELECT COUNT(*) FROM pages WHERE run_id=? AND kind='html'", (run,)).fetchone()[0]


def start_site(n: int, work: Path, js_every: int = 10) -> tuple[subprocess.Popen, str]:
    port_file = work / "port"
    proc = subprocess.Popen([sys.executable, "-m", "bench.synthetic", "--pages", str(n), "--port-file", str(port_file),
                             "--js-every", str(js_every)],
                            cwd=ROOT)
    for _ in range(200):
        if port_file.exists() and port_file.read_text():
            return proc, f"http://127.0.0.1:{port_file.read_text()}/"
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("the synthetic site did not start")


def linkchecker(url: str, work: Path, n: int) -> Measure:
    rc = work / "linkcheckerrc"
    rc.write_text("[checking]\nmaxrequestspersecond=10000\nthreads=10\n[output]\nwarnings=0\n")
    out = work / "linkchecker.csv"
    # As root, linkchecker drops privileges to `nobody` and cannot open -F files: read stdout.
    cmd = [str(BIN / "linkchecker"), "-f", str(rc), "--no-status", "-v", "-o", "csv", url]
    with out.open("w", encoding="utf-8") as sink:
        m = timed("linkchecker (link-only, rate limit lifted)", cmd, lambda: 0, stdout=sink, ok=(0, 1))
    with out.open(encoding="utf-8", errors="replace") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter=";")
        m.pages = len({row["url"] for row in rows if row.get("url")})
    return m


def audit(url: str, work: Path, db: Path, label: str) -> Measure:
    """crawl + check as one measured shell command (one process tree)."""
    lo = str(BIN / "lo-audit")
    script = (f"{lo} -q crawl {url} --db {db} --rate 0 --concurrency 16 --max-pages 100000 && "
              f"{lo} -q check --db {db} --out {work / 'reports'} --fail-on never --today 2026-11-22")
    return timed(label, ["/bin/sh", "-c", script], lambda: crawled(db))


def build(work: Path, db: Path) -> Measure:
    docs = work / "docs"
    if not docs.exists():
        shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("audit"))
        shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    cmd = [str(BIN / "lo-audit"), "-q", "build", "--db", str(db), "--out", str(work / "reports"),
           "--site-dir", str(work / "site"), "--docs-dir", str(docs)]
    return timed("lo-audit build", cmd, lambda: 0)


def bench_size(n: int, repeat: int, js_every: int = 10) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"lo-bench-{n}-"))
    site, url = start_site(n, work, js_every)
    rows: dict[str, list[Measure]] = {"linkchecker": [], "audit": [], "reaudit": [], "build": []}
    try:
        for _ in range(repeat):
            rows["linkchecker"].append(linkchecker(url, work, n))
            db = work / "crawl.sqlite"
            for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                leftover.unlink(missing_ok=True)  # a fresh store: no stale WAL from the last repeat
            rows["audit"].append(audit(url, work, db, "full audit (crawl + checks)"))
            rows["reaudit"].append(audit(url, work, db, "re-audit, unchanged site"))
        rows["build"].append(build(work, db))
    finally:
        site.kill()
        shutil.rmtree(work, ignore_errors=True)
    best = {k: min(v, key=lambda m: m.seconds) for k, v in rows.items() if v}
    return {
        "pages": n, "reachable": reachable_pages(n), "js_every": js_every,
        "runs": {k: [asdict(m) | {"rate": round(m.rate, 1)} for m in v] for k, v in rows.items()},
        "ratio_audit_to_linkchecker": round(best["audit"].seconds / best["linkchecker"].seconds, 2),
        "ratio_reaudit_to_audit": round(best["reaudit"].seconds / best["audit"].seconds, 2),
        "coverage": round(best["audit"].pages / reachable_pages(n), 4),
    }


def machine() -> dict:
    return {"date": datetime.now(timezone.utc).date().isoformat(), "cpus": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
            "platform": platform.platform()}


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "Measured by `make bench` (`python -m bench.run`), which serves a synthetic Local Offer on this",
        "machine and, in one run, alternates linkchecker's link-only crawl (rate limit lifted) with our",
        "full audit (crawl with `--rate 0`, then every check), a re-audit of the unchanged site and",
        "`lo-audit build`. Memory is the peak of the whole process tree, the browser's processes included.",
        "", f"Machine: {m['cpus']} cores, {m['memory_gib']} GiB, Python {m['python']}; measured {m['date']}.", "",
        "| pages | JavaScript pages | linkchecker s | audit s | audit / linkchecker | pages/s | pages found |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    best_rows = []
    for r in report["sizes"]:
        best = {k: min(v, key=lambda x: x["seconds"]) for k, v in r["runs"].items() if v}
        js = f"1 in {r['js_every']}" if r.get("js_every") else "none"
        best_rows.append((r, best, js))
        lines.append(f"| {r['pages']:,} | {js} | {best['linkchecker']['seconds']} | {best['audit']['seconds']} | "
                     f"{r['ratio_audit_to_linkchecker']} | {best['audit']['rate']} | {r['coverage']:.1%} |")
    lines += ["", "| pages | JavaScript pages | peak MiB | re-audit s | re-audit / audit | build s |",
              "|---:|---:|---:|---:|---:|---:|"]
    for r, best, js in best_rows:
        lines.append(f"| {r['pages']:,} | {js} | {best['audit']['peak_mib']} | {best['reaudit']['seconds']} | "
                     f"{r['ratio_reaudit_to_audit']} | {best['build']['seconds']} |")
    lines += ["", "Targets: audit / linkchecker ≤ 1.0 at 1,500 pages; peak memory ≤ 1 GiB and at 10,000 pages",
              "at most 1.2 × the peak at 1,000; re-audit ≤ 20% of the first run; build ≤ 30 s at 1,500 pages.", ""]
    return "\n".join(lines)


def write_page(block: str) -> None:
    """Replace the generated block of the site's performance page (the rest is hand-written)."""
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    page = PAGE.read_text(encoding="utf-8") if PAGE.exists() else f"# Performance\n\n{start}\n{end}\n"
    head, _, rest = page.partition(start)
    _, _, tail = rest.partition(end)
    PAGE.write_text(f"{head}{start}\n{block}{end}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1500])
    parser.add_argument("--js-every", type=int, nargs="+", default=[10],
                        help="one page in N needs JavaScript; 0 = a static site (several values: one run each)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-page", action="store_true", help="do not rewrite the site's performance page")
    args = parser.parse_args()
    report = {"machine": machine(), "sizes": [bench_size(n, args.repeat, js) for js in args.js_every for n in args.pages]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    if not args.no_page:
        write_page(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
