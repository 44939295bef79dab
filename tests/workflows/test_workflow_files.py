"""The workflows validate against GitHub's schema, pass zizmor, and have the required parts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in {BIN}: pip install -e '.[test]'")
    return str(path)


def _load(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "audit.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_schema(path):
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_has_no_medium_or_worse():
    done = subprocess.run([_tool("zizmor"), "--offline", "--min-severity", "medium", "--format", "plain",
                           str(ROOT / ".github" / "workflows")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_by_sha_with_version_comment(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if "uses:" in line and not line.strip().startswith("#"):
            assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line.strip()), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expressions_in_run_scripts(path):
    data = _load(path.name)
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), f"{path.name}: pass values through env: {step.get('run')}"


def test_ci_runs_make_test_and_strict_build_read_only():
    ci = _load("ci.yml")
    assert set(ci["on"]) >= {"push", "pull_request"}
    assert ci["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in ci["jobs"]["test"]["steps"]]
    assert any("make test" in r for r in runs)
    assert any("mkdocs build --strict" in r for r in runs)
    setup = next(s for s in ci["jobs"]["test"]["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "pyproject.toml"


def test_audit_triggers_and_inputs():
    audit = _load("audit.yml")
    assert audit["on"]["schedule"][0]["cron"]
    inputs = audit["on"]["workflow_dispatch"]["inputs"]
    assert {"config", "fail-on", "only-new"} <= set(inputs)
    assert inputs["fail-on"]["options"] == ["error", "warning", "never"]
    assert audit["permissions"] == {}


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def _uses(job: dict, action: str) -> list[dict]:
    return [s for s in _steps(job) if s.get("uses", "").startswith(action + "@")]


def test_audit_jobs_have_least_privilege():
    jobs = _load("audit.yml")["jobs"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert _uses(jobs["deploy"], "actions/deploy-pages")
    assert jobs["issue"]["permissions"] == {"contents": "read", "issues": "write"}
    assert jobs["history"]["permissions"] == {"contents": "write"}
    assert jobs["audit"]["permissions"] == {"contents": "read"}
    writers = {name for name, job in jobs.items() if "write" in (job.get("permissions") or {}).values()}
    assert writers == {"deploy", "issue", "history"}


def test_audit_publishes_artifacts_pages_and_runs_the_matrix():
    jobs = _load("audit.yml")["jobs"]
    assert jobs["audit"]["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    upload = _uses(jobs["audit"], "actions/upload-artifact")[0]
    assert upload["with"]["if-no-files-found"] == "error"
    assert _uses(jobs["site"], "actions/upload-pages-artifact")
    runs = "\n".join(s.get("run", "") for s in _steps(jobs["audit"]))
    assert "lo-audit run --config" in runs and "--fail-on never" in runs
    assert "history_branch restore" in runs
    assert "lo-audit merge" in "\n".join(s.get("run", "") for s in _steps(jobs["site"]))
    assert "history_branch save" in "\n".join(s.get("run", "") for s in _steps(jobs["history"]))
    assert "lo_audit.ci.github_issue" in "\n".join(s.get("run", "") for s in _steps(jobs["issue"]))
    assert "summary gate" in "\n".join(s.get("run", "") for s in _steps(jobs["gate"]))


def test_checkouts_do_not_persist_credentials():
    for path in WORKFLOWS:
        for job in _load(path.name)["jobs"].values():
            for step in _uses(job, "actions/checkout"):
                assert step["with"]["persist-credentials"] is False, path.name


def test_jobs_reading_reports_install_what_the_reports_package_needs():
    """The history, issue and gate jobs run programs that read findings.json through
    checks.reports.files, which checks it with jsonschema: each job installs it (or the package)."""
    jobs = _load("audit.yml")["jobs"]
    readers = ("checks.reports", "lo_audit.ci.history_branch", "lo_audit.ci.github_issue")
    for name, job in jobs.items():
        runs = "\n".join(s.get("run", "") for s in _steps(job))
        if any(f"-m {r}" in runs for r in readers):
            assert "jsonschema" in runs or "pip install --quiet ." in runs, name
            assert any("setup-python" in str(s.get("uses", "")) for s in _steps(job)), name
