"""lo_audit.ci.github_issue: the body builder (offline) and the REST calls against a mock transport."""

from __future__ import annotations

import json

import httpx
from reportdata import as_report, findings_doc

from lo_audit.ci import github_issue as gi


def _ids(body: str) -> list[str]:
    return gi.tracked_ids(body)


def test_body_lists_new_findings_most_severe_first():
    doc = findings_doc()
    body = gi.build_issue_body(as_report(doc), site_url="https://audit.example/", run_url="https://github.com/o/r/actions/runs/1")
    assert body is not None and len(body) < gi.MAX_BODY
    assert "**4 open** (3 errors, 0 warnings, 1 notice)" in body
    assert body.index("<code>links.broken</code>") < body.index("<code>plain-language.reading-age</code>")
    assert "[https&#58;//audit.example/](https://audit.example/)" in body
    assert "actions/runs/1" in body
    assert len(_ids(body)) == 4
    assert "content.stale" not in body  # persisting, not new, and never tracked


def test_tracked_findings_persist_until_fixed():
    doc = findings_doc()
    first = gi.build_issue_body(as_report(doc))
    # next week: nothing is new, but the broken link persists; the rest was fixed
    later = findings_doc()
    broken = later["findings"][0]
    later["findings"] = [dict(broken, status="persisting")]
    body = gi.build_issue_body(as_report(later), previous_body=first)
    assert body is not None and _ids(body) == [broken["id"]]
    # then it is fixed too: the issue should close
    later["findings"] = []
    assert gi.build_issue_body(as_report(later), previous_body=body) is None


def test_no_new_findings_no_body():
    doc = findings_doc()
    for f in doc["findings"]:
        f["status"] = "persisting"
    assert gi.build_issue_body(as_report(doc)) is None


def test_body_is_escaped_and_bounded():
    doc = findings_doc(n_extra=5000)
    doc["findings"][0]["message"] = "<script>alert(1)</script> | `x`"
    body = gi.build_issue_body(as_report(doc))
    assert "<script>" not in body and len(body) <= gi.MAX_BODY
    assert "more (see the full report" in body
    assert len(_ids(body)) == gi.TRACK


def test_title_per_council():
    doc = findings_doc()
    assert gi.issue_title(as_report(doc)) == gi.DEFAULT_TITLE
    assert gi.issue_title(as_report(doc), many=True) == f"{gi.DEFAULT_TITLE} (Exampleshire SEND Local Offer)"
    doc["run"] = {}
    assert gi.issue_title(as_report(doc), many=True, fallback="sampleton") == f"{gi.DEFAULT_TITLE} (sampleton)"


class FakeGitHub:
    """A tiny in-memory issues API behind httpx.MockTransport."""

    def __init__(self, issues=None):
        self.issues = list(issues or [])
        self.calls = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.method, request.url.path))
        path = request.url.path
        if request.method == "GET" and path == "/repos/o/r/issues":
            page = int(request.url.params.get("page", 1))
            open_ = [i for i in self.issues if i["state"] == "open"]
            return httpx.Response(200, json=open_[(page - 1) * 100: page * 100])
        if request.method == "POST" and path == "/repos/o/r/issues":
            data = json.loads(request.content)
            issue = {"number": len(self.issues) + 1, "state": "open", **data}
            self.issues.append(issue)
            return httpx.Response(201, json=issue)
        number = int(path.split("/")[5])
        issue = next(i for i in self.issues if i["number"] == number)
        if request.method == "PATCH":
            issue.update(json.loads(request.content))
            return httpx.Response(200, json=issue)
        if request.method == "POST" and path.endswith("/comments"):
            issue.setdefault("comments", []).append(json.loads(request.content)["body"])
            return httpx.Response(201, json={})
        return httpx.Response(404)


def _client(fake):
    return httpx.Client(base_url="https://api.github.test", transport=httpx.MockTransport(fake))


def test_sync_opens_updates_and_closes():
    fake = FakeGitHub([{"number": 1, "state": "open", "title": gi.DEFAULT_TITLE, "pull_request": {}, "body": ""}])
    doc = findings_doc()
    with _client(fake) as client:
        assert gi.sync_issue(client, "o/r", gi.DEFAULT_TITLE, as_report(doc)) == "opened #2"  # the PR is not reused
        assert gi.sync_issue(client, "o/r", gi.DEFAULT_TITLE, as_report(doc)) == "updated #2"
        assert sum(1 for c in fake.calls if c[0] == "PATCH") == 0  # same body: no write
        doc["findings"] = []
        assert gi.sync_issue(client, "o/r", gi.DEFAULT_TITLE, as_report(doc)) == "closed #2"
        assert gi.sync_issue(client, "o/r", gi.DEFAULT_TITLE, as_report(doc)) == "no new findings; no issue open"
    assert fake.issues[1]["state"] == "closed" and fake.issues[1]["comments"]


def test_cli_dry_run_and_missing_token(reports, capsys):
    assert gi._main(["--dry-run", str(reports)]) == 0
    assert gi.DEFAULT_TITLE in capsys.readouterr().out
    assert gi._main([str(reports)]) == 2
    assert gi._main([str(reports / "nope")]) == 2
