"""The rule families: importing this package registers every rule (``checks.registry``).

One module per family; each rule is a function decorated with ``@rule`` whose docstring
is its documentation page on the published site.
"""

from . import a11y, contact, content, crawl, documents, inspection, links, plain_language, service, statutory  # noqa: F401
from . import catalogue  # noqa: F401
