"""From a catalogue document (the YAML shape every format is turned into) to a ``Catalogue``.

Strict: every problem found by ``checks.catalogue.validate`` is raised at once in one
``CatalogueError``. Lenient: ``checks.catalogue.salvage`` keeps every usable record and
lists the defects in ``Catalogue.problems``.
"""

from __future__ import annotations

from checks.errors import CatalogueError

from checks.catalogue.model import Catalogue
from checks.catalogue.salvage import salvage
from checks.catalogue.validate import Locator, problems_of, tidy, to_service


def build_catalogue(doc: object, locate: Locator, source: str, warnings: tuple[str, ...] = (),
                    strict: bool = True) -> Catalogue:
    """Validate ``doc`` and return the ``Catalogue``.

    ``strict``: raise ``CatalogueError`` listing every problem. Otherwise only a document
    with nothing to audit raises; a defective record is repaired or left out and each
    defect is kept in ``Catalogue.problems`` (see ``checks.catalogue.salvage``).
    """
    doc = tidy(doc)
    if not strict:
        return salvage(doc, locate, source, tuple(warnings))
    problems = problems_of(doc, locate)
    if problems:
        raise CatalogueError(f"{source}: {len(problems)} problem(s) in the catalogue", problems)
    services = tuple(to_service(item, locate.origin(i)) for i, item in enumerate(doc["services"]))
    return Catalogue(services=services, source=source, warnings=tuple(warnings), records=len(services))
