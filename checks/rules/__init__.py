"""The rule families: importing this package registers every rule (``checks.pipeline.registry``).

One module per family; each rule is a function decorated with ``@rule`` whose docstring
is its documentation page on the published site.
"""

from checks.pipeline.registry import RULES, Rule
from checks.rules import a11y, contact, content, crawl, documents, inspection, links, plain_language, service, statutory  # noqa: F401
from checks.rules import catalogue  # noqa: F401


def all_rules() -> dict[str, Rule]:
    """Every registered rule by id (every family module is imported with this package)."""
    return dict(sorted(RULES.items()))
