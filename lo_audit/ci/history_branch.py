"""Audit history that outlives artifacts and caches: a data branch in the same repository.

Artifacts expire (90 days at most) and caches are evicted, but the weekly comparison
("new", "persisting", "fixed") and the site's trend charts need last week's
``findings.json`` and the whole ``history.json``. So after each run the workflow
commits them to an orphan branch (default ``audit-data``), one folder per Local Offer::

    audit-data
    ├── README.md
    └── <slug>/findings.json, history.json, summary.md

and the next run restores them into its reports folder before ``lo-audit run``.

``restore`` needs ``contents: read``; ``save`` needs ``contents: write`` and retries when
another job (a council of the same matrix) pushed first: it re-fetches the branch,
copies its files again and commits on top. The token is handed to git in environment
variables (``GIT_CONFIG_*``), never on a command line or in ``.git/config``.

``python -m lo_audit.ci.history_branch restore|save --slug S --reports DIR``.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from checks.reports.files import FINDINGS, HISTORY, findings_path, read_findings
from common.errors import AuditError, InputError
from lo_audit.errors import exit_status

BRANCH = "audit-data"
FILES = (FINDINGS, HISTORY, "summary.md")
RESTORED = (FINDINGS, HISTORY)
README = """# Local Offer audit history

This branch is written by the audit workflow (`.github/workflows/audit.yml`): one folder
per Local Offer with the latest `findings.json`, `history.json` and `summary.md`. The next
run reads them to tell new findings from persisting and fixed ones and to draw trends.
Do not edit by hand; delete a folder to start that Local Offer's history again.
"""
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


class GitError(AuditError):
    """A git command failed. Raised by ``lo_audit.ci.history_branch``."""


def remote_url(remote: str = "") -> str:
    """``remote`` if given, else this repository on ``$GITHUB_SERVER_URL``."""
    if remote:
        return remote
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    if not repo:
        raise InputError("GITHUB_REPOSITORY is not set: pass --remote")
    return f"{os.environ.get('GITHUB_SERVER_URL', 'https://github.com').rstrip('/')}/{repo}.git"


def git_env(remote: str, token: str = "") -> dict:
    """Environment for git: no prompts, bot identity, and the token as an HTTP header."""
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_AUTHOR_NAME=BOT[0], GIT_AUTHOR_EMAIL=BOT[1],
               GIT_COMMITTER_NAME=BOT[0], GIT_COMMITTER_EMAIL=BOT[1])
    if token and remote.startswith("https://"):
        host = "/".join(remote.split("/")[:3]) + "/"
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0=f"http.{host}.extraheader",
                   GIT_CONFIG_VALUE_0=f"AUTHORIZATION: basic {basic}")
    return env


def _git(args: list[str], cwd: Path, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, text=True, capture_output=True, timeout=300)
    if check and done.returncode != 0:
        raise GitError(f"git {args[0]} failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-400:]}")
    return done


def fetch(workdir: Path, remote: str, branch: str, env: dict) -> bool:
    """Make ``workdir`` a checkout of ``branch`` (True) or an empty new orphan branch (False)."""
    workdir.mkdir(parents=True, exist_ok=True)
    if (workdir / ".git").exists() and not _remote_has(workdir, branch, env):
        shutil.rmtree(workdir / ".git")  # start the orphan branch afresh
    if not (workdir / ".git").exists():
        _git(["init", "-q"], workdir, env)
        _git(["remote", "add", "origin", remote], workdir, env)
    got = _git(["fetch", "-q", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}"], workdir, env, check=False)
    if got.returncode == 0:
        _git(["checkout", "-q", "-B", branch, f"origin/{branch}"], workdir, env)
        _git(["clean", "-q", "-fdx"], workdir, env)
        return True
    if "couldn't find remote ref" not in (got.stderr or "").lower():
        raise GitError(f"git fetch of {branch!r} failed: {(got.stderr or '').strip()[-400:]}")
    _git(["checkout", "-q", "--orphan", branch], workdir, env)
    _git(["rm", "-rfq", "--ignore-unmatch", "."], workdir, env)
    return False


def restore(slug: str, reports_dir: str | Path, remote: str = "", branch: str = BRANCH, token: str = "") -> list[Path]:
    """Copy the branch's ``<slug>/findings.json`` and ``history.json`` into ``reports_dir``.

    Returns the files restored ([] on the first run, when the branch or folder is absent).
    """
    remote = remote_url(remote)
    reports = Path(reports_dir)
    with tempfile.TemporaryDirectory(prefix="lo-audit-data-") as tmp:
        work = Path(tmp)
        if not fetch(work, remote, branch, git_env(remote, token)):
            return []
        restored = []
        for name in RESTORED:
            src = work / slug / name
            if src.is_file():
                reports.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, reports / name)
                restored.append(reports / name)
        return restored


def save(slug: str, reports_dir: str | Path, remote: str = "", branch: str = BRANCH, token: str = "",
         message: str = "", attempts: int = 5) -> str:
    """Commit ``reports_dir``'s history files to ``<branch>/<slug>/`` and push; return the commit id."""
    reports = Path(reports_dir)
    read_findings(findings_path(reports))  # refuse to save a missing or broken findings.json
    remote = remote_url(remote)
    env = git_env(remote, token)
    message = message or f"audit: {slug}"
    with tempfile.TemporaryDirectory(prefix="lo-audit-data-") as tmp:
        work = Path(tmp)
        for attempt in range(1, attempts + 1):
            fetch(work, remote, branch, env)
            _copy_in(reports, work, slug)
            _git(["add", "-A"], work, env)
            if _git(["diff", "--cached", "--quiet"], work, env, check=False).returncode == 0:
                return _git(["rev-parse", "HEAD"], work, env).stdout.strip() if _has_head(work, env) else ""
            _git(["commit", "-q", "-m", message], work, env)
            pushed = _git(["push", "-q", "origin", f"HEAD:refs/heads/{branch}"], work, env, check=False)
            if pushed.returncode == 0:
                return _git(["rev-parse", "HEAD"], work, env).stdout.strip()
            if attempt == attempts:
                raise GitError(f"git push to {branch!r} failed {attempts} times: {(pushed.stderr or '').strip()[-400:]}")
    return ""


def _remote_has(work: Path, branch: str, env: dict) -> bool:
    return _git(["ls-remote", "--exit-code", "--heads", "origin", branch], work, env, check=False).returncode == 0


def _has_head(work: Path, env: dict) -> bool:
    return _git(["rev-parse", "-q", "--verify", "HEAD"], work, env, check=False).returncode == 0


def _copy_in(reports: Path, work: Path, slug: str) -> None:
    if not (work / "README.md").exists():
        (work / "README.md").write_text(README, encoding="utf-8")
    folder = work / slug
    folder.mkdir(exist_ok=True)
    for name in FILES:
        if (reports / name).is_file():
            shutil.copyfile(reports / name, folder / name)


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lo_audit.ci.history_branch")
    parser.add_argument("action", choices=("restore", "save"))
    parser.add_argument("--slug", required=True, help="the Local Offer's folder on the branch")
    parser.add_argument("--reports", required=True, help="the reports folder")
    parser.add_argument("--branch", default=BRANCH)
    parser.add_argument("--remote", default="", help="git URL (default: this repository on GitHub)")
    args = parser.parse_args(argv)
    token = os.environ.get("GITHUB_TOKEN", "")
    try:
        if args.action == "restore":
            files = restore(args.slug, args.reports, args.remote, args.branch, token)
            print(f"restored {len(files)} file(s) from {args.branch}/{args.slug}" if files
                  else f"no history on {args.branch}/{args.slug} yet: this run starts it")
        else:
            commit = save(args.slug, args.reports, args.remote, args.branch, token)
            print(f"saved {args.branch}/{args.slug} at {commit[:12] or '(unchanged)'}")
    except AuditError as exc:
        print(f"lo_audit.ci.history_branch: {exc}", file=sys.stderr)
        return exit_status(exc)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
