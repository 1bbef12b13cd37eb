"""Photos sent with a tip: judged by their content (not their name), limited in bytes and pixels, and
re-encoded so that what is stored is the picture and nothing else (no GPS or camera metadata unless the
sender chose to share the location)."""

import io
import math
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import ExifTags, Image, ImageOps

from antoan.core.errors import DomainError

GPS = ExifTags.GPS
MAX_ALTITUDE_M = 100_000  # a larger altitude is not a position on Earth: it is dropped
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _refuse(number: int, vi: str, en: str) -> DomainError:
    return DomainError.single("photos", f"Ảnh thứ {number}: {vi}", f"Photo {number}: {en}")


def _too_many_pixels(number: int) -> DomainError:
    return _refuse(number, "ảnh quá nhiều điểm ảnh", "the picture has too many pixels")


def photo_clean(uploaded, *, number: int, keep_location: bool) -> CleanPhoto:
    """The photo re-encoded in its own format, or a DomainError naming the photo and the reason."""
    limit = settings.ANTOAN_TIP_PHOTO_MAX_BYTES
    if uploaded.size > limit:
        mb = limit // (1024 * 1024)
        raise _refuse(number, f"lớn hơn {mb} MB", f"larger than {mb} MB")
    raw = uploaded.read(limit + 1)
    try:
        return _re_encoded(raw, number=number, keep_location=keep_location)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # a header claiming huge dimensions
        raise _too_many_pixels(number) from None
    except Exception:  # a damaged file makes Pillow raise OSError, SyntaxError, struct.error, EOFError, …
        raise _refuse(
            number, "không phải là ảnh hợp lệ (JPEG, PNG hoặc WebP)", "not a valid image (JPEG, PNG or WebP)"
        ) from None


def _re_encoded(raw: bytes, *, number: int, keep_location: bool) -> CleanPhoto:
    max_pixels = settings.ANTOAN_TIP_PHOTO_MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(raw))
        if image.format not in FORMATS:
            raise _refuse(number, "chỉ nhận ảnh JPEG, PNG hoặc WebP", "only JPEG, PNG or WebP images are accepted")
        if image.width * image.height > max_pixels:
            raise _too_many_pixels(number)
        image.load()
    image_format = image.format
    content_type, extension = FORMATS[image_format]
    location = _location_only(image.getexif()) if keep_location else None
    upright = _pixels_only(ImageOps.exif_transpose(image), image_format)  # turned as the camera meant it
    options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    if location is not None:
        options["exif"] = location.tobytes()
    out = io.BytesIO()
    upright.save(out, format=image_format, **options)
    return CleanPhoto(out.getvalue(), content_type, extension, upright.width, upright.height)


def _pixels_only(image: Image.Image, image_format: str) -> Image.Image:
    """The picture with nothing attached. Pillow writes back some of what it read when saving a copy (a JPEG's
    comment, a PNG's ICC profile…), so `info` is emptied but for the transparent colour of a PNG (a pixel value).
    A palette, which could hold anything in its unused entries, becomes plain pixels (RGB, or RGBA)."""
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    transparency = image.info.get("transparency")
    # `image` is our own copy (from exif_transpose or convert): the opened file is left as it was
    image.info = {"transparency": transparency} if transparency is not None else {}
    return image


def _location_only(exif: Image.Exif) -> Image.Exif | None:
    """A new EXIF holding only the GPS position (latitude, longitude, their refs, and the altitude if the photo
    has one), or None when the photo has no usable position. Everything else is left behind, the GPS time and
    date too: the tip has its own time, and a fix's exact second ties the photo to the phone's records."""
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # a damaged GPS block: the photo is kept, without a position
        return None
    try:
        latitude = _degrees(gps[GPS.GPSLatitude], limit=90)
        longitude = _degrees(gps[GPS.GPSLongitude], limit=180)
        latitude_ref = _ref(gps[GPS.GPSLatitudeRef], "NS")
        longitude_ref = _ref(gps[GPS.GPSLongitudeRef], "EW")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    position = {
        GPS.GPSLatitudeRef: latitude_ref,
        GPS.GPSLatitude: _dms(latitude),
        GPS.GPSLongitudeRef: longitude_ref,
        GPS.GPSLongitude: _dms(longitude),
    }
    try:
        altitude = float(gps[GPS.GPSAltitude])
        below_sea_level = _byte(gps.get(GPS.GPSAltitudeRef, 0)) == 1
    except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        pass  # no altitude, or not a number: the position is kept without it
    else:
        if math.isfinite(altitude) and 0 <= altitude <= MAX_ALTITUDE_M:
            position[GPS.GPSAltitudeRef] = b"\x01" if below_sea_level else b"\x00"
            position[GPS.GPSAltitude] = round(altitude, 1)
    location = Image.Exif()
    location[ExifTags.IFD.GPSInfo] = position
    return location


def _degrees(value, *, limit: int) -> float:
    """Degrees, minutes, seconds (EXIF rationals) as degrees; ValueError unless 0 ≤ degrees ≤ limit."""
    d, m, s = (float(part) for part in value)  # anything but three numbers raises
    degrees = d + m / 60 + s / 3600
    if not all(math.isfinite(x) and x >= 0 for x in (d, m, s)) or degrees > limit:
        raise ValueError(value)
    return degrees


def _dms(degrees: float) -> tuple[float, float, float]:
    """Rewritten from the number alone, seconds to the hundredth (about 30 cm): none of the sender's encoding."""
    hundredths = round(degrees * 3600 * 100)
    d, rest = divmod(hundredths, 3600 * 100)
    m, s = divmod(rest, 60 * 100)
    return float(d), float(m), s / 100


def _ref(value, allowed: str) -> str:
    ref = (value.decode("ascii") if isinstance(value, bytes) else str(value)).strip("\x00 ").upper()
    if len(ref) != 1 or ref not in allowed:
        raise ValueError(value)
    return ref


def _byte(value) -> int:
    if isinstance(value, bytes):
        return value[0] if value else 0
    return int(value)


def photo_store(photo: CleanPhoto) -> str:
    """Write the photo under a random name; returns the name."""
    folder = Path(settings.ANTOAN_TIP_PHOTO_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{photo.extension}"
    (folder / name).write_bytes(photo.data)
    return name


def photo_path(stored_name: str) -> Path:
    return Path(settings.ANTOAN_TIP_PHOTO_DIR) / Path(stored_name).name
