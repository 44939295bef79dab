"""``lo-audit serve``: an existing site served on loopback without auditing again; busy ports."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request

from lo_audit.cli import main

def _site(tmp_path):
    site = tmp_path / "site"
    (site / "audit" / "owners").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>Home</title><p>home page</p>", encoding="utf-8")
    (site / "audit" / "owners" / "index.html").write_text("<p>owners page</p>", encoding="utf-8")
    return site

def _start(args):
    proc = subprocess.Popen([sys.executable, "-m", "lo_audit.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert "Serving" in line, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, int(line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])

def test_serve_shows_folder_urls_as_pages(tmp_path):
    site = _site(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    proc, port = _start(["serve", "--site-dir", str(site), "--port", str(free)])
    try:
        assert port == free
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/audit/owners/", timeout=10).read().decode()
        assert "owners page" in body and "Directory listing" not in body
    finally:
        proc.terminate()
        proc.wait(10)

def test_busy_port_moves_to_the_next_with_a_message(tmp_path):
    site = _site(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        proc, port = _start(["serve", "--site-dir", str(site), "--port", str(taken)])
        try:
            assert port != taken
            assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).status == 200
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=10)
        assert f"Port {taken} is in use" in err and "Traceback" not in err

def test_no_site_is_a_clear_message(tmp_path, capsys):
    assert main(["serve", "--site-dir", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "no built site here" in err and "lo-audit build" in err
