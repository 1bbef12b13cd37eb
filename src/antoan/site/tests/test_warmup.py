"""The warm-up gunicorn's master runs before forking the workers (core/warmup.py): after it, a first request builds
no URL table, compiles no template and computes no lunar calendar."""

import subprocess
import sys
import textwrap

CHECK = textwrap.dedent(
    """
    import django
    from django.conf import settings

    django.setup()
    from django.template import engines
    from django.urls import URLResolver, reverse
    from django.utils import translation

    from antoan.site.warmup import template_names, url_resolvers, warm_up
    from antoan.indicators.periods import lunar_new_year

    warm_up()

    def refuse(*args, **kwargs):
        raise AssertionError("a URL table was built after the warm-up")

    URLResolver._populate = refuse
    for language, _ in settings.LANGUAGES:
        with translation.override(language):
            reverse("indicators:dashboard"), reverse("reports:page"), reverse("incident-list"), reverse("api-v1:points")

    engine = engines["django"]
    (cached,) = [loader for loader in engine.engine.template_loaders if hasattr(loader, "get_template_cache")]
    names = template_names(engine)
    assert "indicators/dashboard.html" in names and "portal/public_tip_form.html" in names, names
    missing = [name for name in names if name not in cached.get_template_cache]
    assert not missing, missing
    assert lunar_new_year.cache_info().currsize == 5
    print("warm")
    """
)


def in_a_fresh_process(code: str) -> str:
    """What `code` prints, run in a new Python process with antoan's settings (as gunicorn's master starts)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "antoan.settings", "DEBUG": "0", "SECRET_KEY": "warm-up-test-" + "x" * 40,
             "PATH": "/usr/bin:/bin"},  # fmt: skip
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_after_the_warm_up_no_url_table_template_or_lunar_year_is_left_to_a_first_request():
    assert in_a_fresh_process(CHECK) == "warm"


def test_the_master_leaves_what_it_loaded_out_of_the_workers_garbage_collections():
    """gunicorn_conf.when_ready: after the warm-up, everything loaded is frozen (gc.freeze), so that a worker's full
    collection walks only its own objects."""
    check = (
        "import django, gc; django.setup(); from antoan.site import gunicorn_conf; "
        "gunicorn_conf.when_ready(None); print(gc.get_freeze_count() > 100_000, gc.get_count()[2])"
    )
    assert in_a_fresh_process(check).split() == ["True", "0"]
