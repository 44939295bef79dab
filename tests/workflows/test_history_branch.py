"""lo_audit.ci.history_branch against a real bare git repository on disk (no network)."""

from __future__ import annotations

import json
import subprocess

import pytest
from reportdata import findings_doc, write_reports

from lo_audit.ci import history_branch as hb
from common.errors import InputError


@pytest.fixture
def remote(tmp_path):
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    return str(bare)


def _show(remote, path, branch="audit-data"):
    return subprocess.run(["git", "--git-dir", remote, "show", f"{branch}:{path}"], capture_output=True, text=True).stdout


def test_first_restore_is_empty_then_save_then_restore(tmp_path, remote):
    assert hb.restore("exampleshire", tmp_path / "r0", remote=remote) == []
    reports = write_reports(tmp_path / "r1", findings_doc(), history=[{"score": 80}])
    (reports / "summary.md").write_text("# summary")
    commit = hb.save("exampleshire", reports, remote=remote)
    assert len(commit) == 40
    assert "Local Offer audit history" in _show(remote, "README.md")
    assert json.loads(_show(remote, "exampleshire/history.json")) == [{"score": 80}]
    restored = hb.restore("exampleshire", tmp_path / "r2", remote=remote)
    assert sorted(p.name for p in restored) == ["findings.json", "history.json"]
    assert json.loads((tmp_path / "r2" / "findings.json").read_text())["run"]["council"] == "Exampleshire County Council"


def test_save_unchanged_makes_no_commit(tmp_path, remote):
    reports = write_reports(tmp_path / "r", findings_doc(), history=[])
    first = hb.save("a", reports, remote=remote)
    assert hb.save("a", reports, remote=remote) == first


def test_save_retries_when_another_job_pushed_first(tmp_path, remote, monkeypatch):
    a = write_reports(tmp_path / "a", findings_doc(name="A"), history=[])
    b = write_reports(tmp_path / "b", findings_doc(name="B"), history=[])
    hb.save("a", a, remote=remote)
    real_push = hb._git
    raced = {"done": False}

    def racing_git(args, cwd, env, check=True):
        if args[0] == "push" and not raced["done"]:
            raced["done"] = True
            hb.save("c", write_reports(tmp_path / "c", findings_doc(name="C"), history=[]), remote=remote)
        return real_push(args, cwd, env, check)

    monkeypatch.setattr(hb, "_git", racing_git)
    hb.save("b", b, remote=remote)
    for slug in ("a", "b", "c"):
        assert _show(remote, f"{slug}/findings.json"), slug


def test_save_refuses_broken_findings(tmp_path, remote):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "findings.json").write_text("{oops")
    with pytest.raises(InputError, match="not valid JSON"):
        hb.save("a", tmp_path / "r", remote=remote)


def test_token_goes_in_env_not_argv():
    env = hb.git_env("https://github.com/o/r.git", "s3cret")
    assert env["GIT_CONFIG_KEY_0"] == "http.https://github.com/.extraheader"
    assert "s3cret" not in env["GIT_CONFIG_VALUE_0"] and env["GIT_CONFIG_VALUE_0"].startswith("AUTHORIZATION: basic ")
    assert "GIT_CONFIG_COUNT" not in hb.git_env("/local/path")


def test_remote_url_from_github_env(monkeypatch):
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    assert hb.remote_url() == "https://github.com/o/r.git"
    monkeypatch.delenv("GITHUB_REPOSITORY")
    with pytest.raises(InputError):
        hb.remote_url()
