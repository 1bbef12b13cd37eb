"""The map's tile server as every page with a map gives it to the browser (the entry forms, the tips, the
dashboard): settings.ANTOAN_MAP_TILES — an intranet tile server, or empty for markers on a blank background."""

from django.conf import settings


def map_settings() -> dict:
    return {"tiles": settings.ANTOAN_MAP_TILES, "attribution": settings.ANTOAN_MAP_ATTRIBUTION}
