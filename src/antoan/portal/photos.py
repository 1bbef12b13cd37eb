"""Photos sent with a tip: judged by their content (not their name), limited in bytes and pixels, and
re-encoded so that what is stored is the picture and nothing else (no GPS or camera metadata unless the
sender chose to share the location)."""

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps

from antoan.core.errors import DomainError

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
    content_type, extension = FORMATS[image.format]
    exif = image.getexif()
    upright = ImageOps.exif_transpose(image)  # the picture as the camera meant it, before orientation is dropped
    if image.format == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    options = {"quality": 90} if image.format in ("JPEG", "WEBP") else {"optimize": True}
    if keep_location and exif:
        exif.pop(0x0112, None)  # orientation is already applied
        options["exif"] = exif.tobytes()
    out = io.BytesIO()
    upright.save(out, format=image.format, **options)
    return CleanPhoto(out.getvalue(), content_type, extension, upright.width, upright.height)


def photo_store(photo: CleanPhoto) -> str:
    """Write the photo under a random name; returns the name."""
    folder = Path(settings.ANTOAN_TIP_PHOTO_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{photo.extension}"
    (folder / name).write_bytes(photo.data)
    return name


def photo_path(stored_name: str) -> Path:
    return Path(settings.ANTOAN_TIP_PHOTO_DIR) / Path(stored_name).name
