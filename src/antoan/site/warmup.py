"""What each worker of `antoan serve` would otherwise do on its first requests, done once in gunicorn's master
before it forks them (gunicorn_conf.when_ready): a restarted server under load met a burst of first requests, each
paying these one-time costs on top of its own work (the load test, 5 December: most requests over 300 ms came in
its first minute). The workers inherit the result as forked memory.

- every view module, and the URL resolvers' reverse look-up tables of each language and namespace (the first
  `reverse` of a process: ~65 ms);
- every template of every engine, compiled into the cached loader (a page's first render: up to ~60 ms);
- the lunar calendar of the years around today (the period pickers' Tết windows: the `holidays` package, ~100 ms);
- the migration files /healthz compares with.

Nothing here needs the database: the server must start while PostgreSQL is still coming up. A template that does
not compile is left for its first request to report, as it would be without a warm-up.
"""

import logging

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.template import TemplateSyntaxError, engines
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation

from antoan.core import clock

logger = logging.getLogger(__name__)


def warm_up() -> None:
    root = get_resolver()
    resolvers = url_resolvers(root)  # imports every view
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for resolver in resolvers:
                resolver.reverse_dict  # noqa: B018 - built per language on first use
            for namespace in namespaces(root):
                try:  # a namespace's names are reversed through a resolver made (and kept) by `reverse` itself
                    reverse(f"{namespace}:-warm-up-")
                except NoReverseMatch:
                    pass
    for engine in engines.all():
        for name in template_names(engine):
            try:
                engine.get_template(name)
            except TemplateSyntaxError:
                logger.warning("warm-up: template %s does not compile", name)
    from antoan.indicators.periods import lunar_new_year

    year = clock.today().year
    for around in range(year - 2, year + 3):
        lunar_new_year(around)
    MigrationLoader(None, ignore_no_migrations=True)


def url_resolvers(resolver: URLResolver) -> list[URLResolver]:
    """The resolver and every resolver included under it (each namespace keeps its own reverse tables)."""
    found = [resolver]
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found.extend(url_resolvers(pattern))
    return found


def namespaces(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every namespace under the resolver, nested ones as "outer:inner"."""
    found = []
    for name, (_pattern, sub) in resolver.namespace_dict.items():
        found.append(prefix + name)
        found.extend(namespaces(sub, prefix + name + ":"))
    return found


def template_names(engine) -> list[str]:
    """Every template an engine's loaders can find (the apps' templates folders and the engine's DIRS)."""
    names = set()
    for directory in engine.template_dirs:
        names.update(str(path.relative_to(directory)) for path in directory.rglob("*.html") if path.is_file())
    return sorted(names)
