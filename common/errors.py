"""The base of the project's exceptions, shared by every layer.

Each layer raises its own errors (``crawler.errors``, ``checks.errors``, ``lo_audit.errors``),
all built on the two classes here. An error a user can cause is an ``InputError`` whose
message names the file, line or field at fault. What an error means for the command line
(its exit status, the line printed) is decided in one place, ``lo_audit.errors``; no error
class knows its exit status.
"""

from __future__ import annotations


class AuditError(Exception):
    """Base class of every error the tool raises on purpose."""


class InputError(AuditError):
    """Something the user wrote or typed is wrong (a file, a flag, a URL).

    Raised by every loader of a file the user writes and by the checks of flags and settings.
    ``problems`` lists every fault found, each naming its file, line or field.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        if len(self.problems) == 1:  # one problem, one line
            return f"{head}: {self.problems[0]}"
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class ConfigError(InputError):
    """A setting is invalid: in the YAML configuration file or given as a flag.

    Raised by the layer that declares the setting: ``lo_audit.config`` (the file and every
    option's type, choices and limits), ``crawler.crawl`` (hosts and start URLs that do not fit
    together), ``checks.pipeline.engine`` (rule ids that no rule emits).
    """
