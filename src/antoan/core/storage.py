"""Static files in production: WhiteNoise's compressed storage with hashed names (`antoan collectstatic`)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed names for the files and for what CSS refers to (url(), @import); `sourceMappingURL` comments are
    left as they are. The front-end libraries copied from npm (Chart.js, Leaflet, …) name source maps that are
    not copied with them, and Django's storage would refuse the whole collectstatic for each missing map: a
    browser asks for a map only when its developer tools are open, and then gets a 404."""

    patterns = (
        (
            "*.css",
            (
                r"""(?P<matched>url\(['"]{0,1}\s*(?P<url>.*?)["']{0,1}\))""",
                (r"""(?P<matched>@import\s*["']\s*(?P<url>.*?)["'])""", """@import url("%(url)s")"""),
            ),
        ),
    )
