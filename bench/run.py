"""The benchmark: our full audit against linkchecker's link-only crawl, alternating.

Sites (``--sites``): ``python-docs``, the HTML of Python's documentation from the Debian
package python3-doc, a real site no one here wrote (``bench.realsite``); and synthetic
Local Offers (``bench.synthetic``), ``static:N`` (no JavaScript) and ``js:N`` (1 page in
10 needs JavaScript). For each site, in one run and alternating the order on every
repeat, it measures: linkchecker's link-only crawl (rate limit lifted); our full audit
(``lo-audit crawl --rate 0`` then ``lo-audit check``, one shell command, a fresh store);
and a re-audit of the unchanged site on that store, then one "a week later": the same
commands, with the link answers kept in the store made a week older (every outside link
is checked again) and the checks' date a week on (the rules that read the date run
again), as the weekly run finds them. With ``--before DIR`` (a checkout of
an earlier version) that version's audit and re-audit are measured in the same
alternation, and the findings of both versions are compared (``bench.findings``).

Each figure is the median of the repeats: wall time of the whole command and the peak
memory (PSS, falling back to RSS) of its whole process tree, the browser's processes
included. Under root with ``unshare`` available the whole benchmark runs in a network
namespace of its own with only loopback, so no request (not even a DNS query for an
outside link) leaves the machine: outside links fail at once, as they do offline.

Run: ``make bench`` or ``python -m bench.run --sites python-docs static:1500 js:1500 --repeat 3``.
Results: ``bench/results/latest.json``, per site ``bench/results/findings-<site>.txt`` (the
number of findings of each version, the SHA-256 of their digest and the lines that differ)
and the performance page of the site. Each table gives milliseconds per stored page too:
``make bench-scaling`` (``--sites static:1000 static:10000``) shows whether the audit scales
flat with the size of the site.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil

from crawler.store import RunTotals, read_only, run_totals

from . import findings as findings_mod
from . import realsite
from .synthetic import reachable_pages

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
PAGE = ROOT / "docs" / "reference" / "performance.md"
TODAY = "2026-11-22"
"""``--today`` of every check, so that stale-page findings do not move with the calendar."""
WEEK_LATER = "2026-11-29"
"""``--today`` of the re-audit "a week later": the rules that read the date run again."""
CLI = "import sys; from lo_audit.cli import main; sys.exit(main())"


@dataclass
class Measure:
    """One timed command."""

    what: str
    pages: int
    seconds: float
    peak_mib: float
    rendered: int = 0
    axe: int = 0
    link_checks: int = 0
    crawl_s: float = 0.0
    """Of ``seconds``, the crawl's part (the store's run start to finish; whole seconds)."""

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


def timed(what: str, cmd: list[str], stdout=subprocess.DEVNULL, ok: tuple[int, ...] = (0,),
          env: dict | None = None, cwd: Path | None = None) -> Measure:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    peak = PeakMemory(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    mib = peak.stop()
    if proc.returncode not in ok:
        raise SystemExit(f"{what} failed (exit {proc.returncode}): {err[-2000:]}")
    return Measure(what, 0, round(seconds, 2), round(mib, 1))


def store_counts(db: Path) -> RunTotals:
    """Pages, renders, axe runs and status checks of the store's last run, read without
    opening the store as this checkout's tool does: that would upgrade the store of an
    older version to this one's schema, and the older version's re-audit would refuse it."""
    conn = read_only(db)
    try:
        row = conn.execute("SELECT MAX(id) FROM runs").fetchone()
        if row is None or row[0] is None:
            raise SystemExit(f"{db}: the crawl store holds no crawl")
        return run_totals(conn, int(row[0]))
    finally:
        conn.close()


# ----------------------------------------------------------------------------- sites
@dataclass
class Site:
    name: str
    label: str
    proc: subprocess.Popen
    url: str
    expected: int


def _serve(cmd: list[str], work: Path) -> tuple[subprocess.Popen, str]:
    port_file = work / "port"
    port_file.unlink(missing_ok=True)
    proc = subprocess.Popen([*cmd, "--port-file", str(port_file)], cwd=ROOT)
    for _ in range(400):
        if port_file.exists() and port_file.read_text():
            return proc, f"http://127.0.0.1:{port_file.read_text()}/"
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"the benchmark site did not start: {' '.join(cmd)}")


def start_site(spec: str, work: Path) -> Site:
    """``python-docs``, ``static:N`` or ``js:N``."""
    if spec == "python-docs":
        root = realsite.find_root()
        if root is None:
            raise SystemExit("python3-doc is not installed: apt-get install -y python3-doc")
        proc, url = _serve([sys.executable, "-m", "bench.realsite", "--root", str(root)], work)
        return Site(spec, f"Python documentation (python3-doc, {realsite.html_files(root):,} HTML files)", proc, url,
                    realsite.html_files(root))
    kind, _, size = spec.partition(":")
    n, js_every = int(size or 1500), (10 if kind == "js" else 0)
    proc, url = _serve([sys.executable, "-m", "bench.synthetic", "--pages", str(n), "--js-every", str(js_every)], work)
    label = f"synthetic, {n:,} pages, " + ("1 in 10 needs JavaScript" if js_every else "static")
    return Site(spec, label, proc, url, reachable_pages(n))


# ----------------------------------------------------------------------------- commands
def linkchecker(url: str, work: Path) -> Measure:
    rc = work / "linkcheckerrc"
    rc.write_text("[checking]\nmaxrequestspersecond=10000\nthreads=10\n[output]\nwarnings=0\n")
    out = work / "linkchecker.csv"
    # As root, linkchecker drops privileges to `nobody` and cannot open -F files: read stdout.
    cmd = [str(BIN / "linkchecker"), "-f", str(rc), "--no-status", "-v", "-o", "csv", url]
    with out.open("w", encoding="utf-8") as sink:
        m = timed("linkchecker (link-only, rate limit lifted)", cmd, stdout=sink, ok=(0, 1))
    with out.open(encoding="utf-8", errors="replace") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter=";")
        m.pages = len({row["url"] for row in rows if row.get("url")})
    return m


def fresh(db: Path) -> None:
    for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)


def week_older(db: Path) -> None:
    """Make the link answers kept in the store a week older, as they are at the next weekly run."""
    conn = sqlite3.connect(db)
    try:
        for table in ("link_cache", "link_failures"):
            try:
                conn.execute(f"UPDATE {table} SET checked_at = checked_at - ?", (7 * 86400,))  # noqa: S608 - our names
            except sqlite3.OperationalError:  # a version without the table
                pass
        conn.commit()
    finally:
        conn.close()


def version_env(source: Path) -> tuple[dict, Path]:
    """Environment and working folder that make ``python -c`` import the version in ``source``.

    ``python -c`` puts its working folder first on ``sys.path``, before ``PYTHONPATH``: run
    from this checkout, every version would import this checkout's packages. So the
    commands run in a folder with no packages in it."""
    return {**os.environ, "PYTHONPATH": str(source)}, _empty_folder()


@functools.cache
def _empty_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="lo-bench-cwd-"))


def audit(url: str, source: Path, db: Path, out: Path, label: str, crawl_args: str = "",
          today: str = TODAY) -> Measure:
    """crawl + check as one measured shell command (one process tree), from ``source``."""
    py = f"{sys.executable} -c '{CLI}'"
    script = (f"{py} -q crawl {url} --db {db} --rate 0 --concurrency 16 --max-pages 100000 {crawl_args} && "
              f"{py} -q check --db {db} --out {out} --fail-on never --today {today}")
    env, cwd = version_env(source)
    m = timed(label, ["/bin/sh", "-c", script], env=env, cwd=cwd)
    counts = store_counts(db)
    m.pages, m.rendered, m.axe, m.link_checks = counts.html, counts.rendered, counts.axe, counts.link_checks
    m.crawl_s = counts.seconds
    return m


def build(work: Path, db: Path, out: Path) -> Measure:
    docs = work / "docs"
    if not docs.exists():
        shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("audit"))
        shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    cmd = [str(BIN / "lo-audit"), "-q", "build", "--db", str(db), "--out", str(out),
           "--site-dir", str(work / "site"), "--docs-dir", str(docs)]
    return timed("lo-audit build", cmd)


# ----------------------------------------------------------------------------- one site
def bench_site(spec: str, repeat: int, before: Path | None, after: Path = ROOT) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"lo-bench-{spec.replace(':', '-')}-"))
    site = start_site(spec, work)
    versions = {"after": after} | ({"before": before} if before else {})
    rows: dict[str, list[Measure]] = {"linkchecker": []}
    for v in versions:
        rows[f"audit_{v}"], rows[f"reaudit_{v}"], rows[f"week_{v}"] = [], [], []
    digests: dict[str, list[str]] = {}
    try:
        for r in range(repeat):
            order = ["linkchecker", *versions] if r % 2 == 0 else [*reversed(versions), "linkchecker"]
            for step in order:
                if step == "linkchecker":
                    rows["linkchecker"].append(_log(spec, linkchecker(site.url, work)))
                    continue
                db, out = work / f"{step}.sqlite", work / f"reports-{step}"
                fresh(db)
                shutil.rmtree(out, ignore_errors=True)  # a first audit has no earlier findings either
                rows[f"audit_{step}"].append(_log(spec, audit(site.url, versions[step], db, out, f"full audit ({step})")))
                if step not in digests:
                    digests[step] = findings_mod.digest(out / "findings.json")
                rows[f"reaudit_{step}"].append(_log(spec, audit(site.url, versions[step], db, out, f"re-audit ({step})")))
                # the weekly case: the same command a week on. The link answers kept in the
                # store are made a week older (failures are kept for hours, good answers for
                # 7 days: all are checked again) and the rules that read the date run again
                week_older(db)
                rows[f"week_{step}"].append(_log(spec, audit(
                    site.url, versions[step], db, out, f"re-audit a week later ({step})", today=WEEK_LATER)))
        built = build(work, work / "after.sqlite", work / "reports-after")
    finally:
        site.proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    return summarise(site, rows, digests, built)


def _log(spec: str, m: Measure) -> Measure:
    """Append one measurement to ``bench/results/measures.jsonl`` as soon as it is taken."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / "measures.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"site": spec, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            **asdict(m)}) + "\n")
    return m


def median(items: list[Measure], key: str) -> float:
    return round(statistics.median(getattr(m, key) for m in items), 2)


def summarise(site: Site, rows: dict[str, list[Measure]], digests: dict[str, list[str]], built: Measure) -> dict:
    lc = median(rows["linkchecker"], "seconds")
    out = {"site": site.name, "label": site.label, "expected_pages": site.expected,
           "runs": {k: [asdict(m) for m in v] for k, v in rows.items()}, "build_s": built.seconds,
           "linkchecker_s": lc, "linkchecker_pages": rows["linkchecker"][0].pages, "versions": {}}
    for version in ("before", "after"):
        if f"audit_{version}" not in rows:
            continue
        first, again = rows[f"audit_{version}"], rows[f"reaudit_{version}"]
        audit_s = median(first, "seconds")
        out["versions"][version] = {
            "audit_s": audit_s, "ratio_to_linkchecker": round(audit_s / lc, 2) if lc else None,
            "peak_mib": median(first, "peak_mib"), "reaudit_s": median(again, "seconds"),
            "reaudit_peak_mib": median(again, "peak_mib"),
            "crawl_s": median(first, "crawl_s"), "reaudit_crawl_s": median(again, "crawl_s"),
            "reaudit_ratio": round(median(again, "seconds") / audit_s, 2) if audit_s else None,
            "pages": first[0].pages, "rendered": first[0].rendered, "axe": first[0].axe,
            "link_checks": first[0].link_checks, "reaudit_link_checks": again[0].link_checks,
            **_week(rows[f"week_{version}"], audit_s),
            "findings": len(digests.get(version, [])),
        }
    if "before" in digests:
        diff = sorted(set(digests["before"]) ^ set(digests["after"]))
        out["findings_identical"] = digests["before"] == digests["after"]
        out["findings_diff"] = [("-" if line in digests["before"] else "+") + " " + line for line in diff]
    _save_summary(site.name, digests, out.get("findings_diff", []))
    return out


def _week(measures: list[Measure], audit_s: float) -> dict:
    """The re-audit a week later (``WEEK_LATER``, every failing outside link checked again), when measured."""
    if not measures:
        return {}
    seconds = median(measures, "seconds")
    return {"week_s": seconds, "week_crawl_s": median(measures, "crawl_s"),
            "week_ratio": round(seconds / audit_s, 2) if audit_s else None,
            "week_link_checks": measures[0].link_checks}


def digest_hash(lines: list[str]) -> str:
    """SHA-256 of a digest as ``python -m bench.findings`` prints it (``... | sha256sum``)."""
    return hashlib.sha256("".join(line + "\n" for line in lines).encode()).hexdigest()


def _save_summary(spec: str, digests: dict[str, list[str]], diff: list[str]) -> None:
    """``bench/results/findings-<site>.txt``: per version the number of findings and the
    SHA-256 of their digest (``python -m bench.findings``), then the lines that differ."""
    lines = [f"# {version}: {len(d)} findings, digest sha256 {digest_hash(d)}"
             for version, d in sorted(digests.items(), reverse=True)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"findings-{spec.replace(':', '-')}.txt").write_text("\n".join(lines + diff) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- report
def machine() -> dict:
    return {"date": datetime.now(timezone.utc).date().isoformat(), "cpus": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
            "platform": platform.platform(), "isolated": os.environ.get("LO_BENCH_ISOLATED") == "1"}


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Measured by `{report['command']}` on {m['date']}: {m['cpus']} cores, {m['memory_gib']} GiB, "
        f"Python {m['python']}, medians of {report['repeat']} alternating repeats"
        + (", in a network namespace with only loopback." if m.get("isolated") else "."), "",
        "| site | version | linkchecker s | audit s | ÷ linkchecker | peak MiB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in report["sites"]:
        for version, v in sorted(r["versions"].items(), reverse=True):
            lines.append(f"| {r['label']} | {version} | {r['linkchecker_s']} | {v['audit_s']} | "
                         f"{v['ratio_to_linkchecker']} | {v['peak_mib']} |")
    lines += ["", "| site | version | re-audit s | crawl s | ÷ audit | rendered | status checks |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for r in report["sites"]:
        for version, v in sorted(r["versions"].items(), reverse=True):
            lines.append(f"| {r['label']} | {version} | {v['reaudit_s']} | {v.get('reaudit_crawl_s') or '—'} | "
                         f"{v['reaudit_ratio']} | {v['rendered']} | {v['link_checks']} → {v['reaudit_link_checks']} |")
    weekly = [(r, version, v) for r in report["sites"] for version, v in sorted(r["versions"].items(), reverse=True)
              if "week_s" in v]
    if weekly:
        lines += ["", "Re-audit a week later, as the weekly run does: the same commands with the link answers "
                      "kept in the store made a week older (so every outside link is checked again) and "
                      f"`--today {WEEK_LATER}` (so the rules that read the date run again):", "",
                  "| site | version | re-audit s | crawl s | ÷ audit | status checks |", "|---|---|---:|---:|---:|---:|"]
        for r, version, v in weekly:
            lines.append(f"| {r['label']} | {version} | {v['week_s']} | {v['week_crawl_s']} | "
                         f"{v['week_ratio']} | {v['week_link_checks']} |")
    lines += ["", "| site | version | ms per page, audit | ms per page, re-audit |", "|---|---|---:|---:|"]
    for r in report["sites"]:
        for version, v in sorted(r["versions"].items(), reverse=True):
            lines.append(f"| {r['label']} | {version} | {per_page(v['audit_s'], v['pages'])} | "
                         f"{per_page(v['reaudit_s'], v['pages'])} |")
    lines.append("")
    for r in report["sites"]:
        if "findings_identical" in r:
            verdict = ("identical" if r["findings_identical"]
                       else f"{len(r['findings_diff'])} lines differ (`bench/results/findings-{r['site'].replace(':', '-')}.txt`)")
            lines.append(f"- Findings on {r['label']}, before and after: {verdict} "
                         f"({r['versions']['after']['findings']} findings).")
    lines += ["", "Targets: full audit ≤ 1.0 × linkchecker on the real site; peak memory ≤ 1 GiB; re-audit of an",
              "unchanged site ≤ 20% of the first audit.", ""]
    return "\n".join(lines)


def per_page(seconds: float, pages: int) -> str:
    """Milliseconds per stored page (the scaling figure: flat means the same at 1,000 and 10,000 pages)."""
    return f"{1000 * seconds / pages:.1f}" if pages else "—"


def write_page(block: str) -> None:
    """Replace the generated block of the site's performance page (the rest is hand-written)."""
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    page = PAGE.read_text(encoding="utf-8") if PAGE.exists() else f"# Performance\n\n{start}\n{end}\n"
    head, _, rest = page.partition(start)
    _, _, tail = rest.partition(end)
    PAGE.write_text(f"{head}{start}\n{block}{end}{tail}", encoding="utf-8")


def isolate(argv: list[str]) -> int | None:
    """Re-run in a network namespace with only loopback (root and ``unshare``), else None."""
    if os.environ.get("LO_BENCH_ISOLATED") or os.geteuid() != 0 or not shutil.which("unshare"):
        return None
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        return None
    inner = " ".join(["ip link set lo up &&", "exec", sys.executable, "-m", "bench.run", *map(_quote, argv)])
    return subprocess.call(["unshare", "-n", "sh", "-c", inner], env={**os.environ, "LO_BENCH_ISOLATED": "1"},
                           cwd=ROOT)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", nargs="+", default=["python-docs", "static:1500", "js:1500"],
                        help="python-docs, static:N, js:N")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", default="", help="a checkout of the version to compare with")
    parser.add_argument("--after", default="", help="a checkout of the version measured (default: this one)")
    parser.add_argument("--no-page", action="store_true", help="do not rewrite the site's performance page")
    parser.add_argument("--results", default="latest.json", help="file name in bench/results/ for the figures")
    parser.add_argument("--merge", nargs="+", default=[], help="write the page from these result files and stop")
    parser.add_argument("--no-isolate", action="store_true", help="do not run in a loopback-only network namespace")
    args = parser.parse_args(argv)
    if args.merge:
        reports = [json.loads((RESULTS / name).read_text()) for name in args.merge]
        merged = {**reports[0], "sites": [site for r in reports for site in r["sites"]],
                  "command": "; ".join(r["command"] for r in reports)}
        (RESULTS / "latest.json").write_text(json.dumps(merged, indent=2) + "\n")
        write_page(markdown(merged))
        print(markdown(merged))
        return 0
    if not args.no_isolate and (code := isolate(argv)) is not None:
        return code
    before = Path(args.before).resolve() if args.before else None
    after = Path(args.after).resolve() if args.after else ROOT
    report = {"machine": machine(), "repeat": args.repeat,
              "command": "python -m bench.run " + " ".join(argv) if argv else "make bench", "sites": []}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for spec in args.sites:  # results written after each site, so a long run keeps what it measured
        report["sites"].append(bench_site(spec, args.repeat, before, after))
        (RESULTS / args.results).write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    if not args.no_page:
        write_page(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
