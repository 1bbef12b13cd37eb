"""Shared fixtures of the portal's tests: photos go to the test's own folder, the per-source counters start
from zero, and a few real photos to send."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

HAM_THUAN = "23059"  # Xã Hàm Thuận (current hierarchy), in Tỉnh Lâm Đồng
LAM_DONG = "68"


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):
    folder = tmp_path / "tip-photos"
    settings.ANTOAN_TIP_PHOTO_DIR = folder
    return folder


@pytest.fixture(autouse=True)
def fresh_limits():
    """The rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ham_thuan(unit):
    return unit(HAM_THUAN)


@pytest.fixture
def lam_dong(unit):
    return unit(LAM_DONG)


def photo_bytes(image_format: str = "JPEG", *, size=(64, 48), gps: bool = False) -> bytes:
    """A small real picture; with `gps`, carrying a camera make and a GPS position in its EXIF."""
    image = Image.new("RGB", size, "red")
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "Camera"  # Make
        exif[0x8825] = {1: "N", 2: (11.0, 3.0, 0.0), 3: "E", 4: (108.0, 2.0, 0.0)}  # GPSInfo
        options["exif"] = exif
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


@pytest.fixture
def photo():
    """photo("PNG", gps=True, name="x.png") → an uploaded file holding a real picture."""
    types = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

    def make(image_format="JPEG", *, gps=False, name=None, size=(64, 48)):
        data = photo_bytes(image_format, size=size, gps=gps)
        name = name or f"anh.{image_format.lower()}"
        return SimpleUploadedFile(name, data, content_type=types[image_format])

    return make
