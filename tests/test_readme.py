"""Documentation is tested: the README keeps up with the code."""

from __future__ import annotations

from pathlib import Path

from lo_audit import readme_sync
from lo_audit.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_blocks_are_current():
    for name in readme_sync.FILES:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert readme_sync.render(text) == text, f"{name} is stale: run python -m lo_audit.readme_sync"


def test_two_commands_and_ci():
    assert "make demo" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_cli_command_and_flag_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert f"lo-audit {name}" in README, f"README does not document `lo-audit {name}`"
        for action in command._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, f"README does not document {name} {flag}"
