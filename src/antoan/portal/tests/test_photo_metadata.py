"""Issue #27, item 4: a tip's photo must not identify its sender. The attack: a photo carrying the phone's make,
model and serial number, the owner's name, a phone number in a JPEG comment, PNG text chunks, XMP, an ICC profile
naming the device… is sent through the public form, and the stored file is read back byte by byte. Only the
pixels may survive, plus, when the sender shares the location, a new EXIF holding the GPS position alone."""

import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from antoan.portal.forms import stamp_new
from antoan.portal.models import Tip
from antoan.portal.photos import photo_clean

from .conftest import HAM_THUAN

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
FORMATS = list(CONTENT_TYPES)

PHONE = "0912345678"
MAKE = "AcmeCamMakerVN"
MODEL = "AcmeCam Z9 Pro Max"
SERIAL = "SN-7741-0099-QXZ"
ARTIST = "Nguyen Van Nguoi Bao Tin"
NOTE = f"chup boi nguoi bao tin, goi {PHONE}"  # UserComment
COMMENT = f"Lien he {PHONE}"
XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><tiff:Make>{MAKE}</tiff:Make><dc:creator>{ARTIST}</dc:creator></x:xmpmeta>'
ICC_NEEDLE = "IccDeviceAcmeZ9"
NEEDLES = [PHONE, MAKE, MODEL, SERIAL, ARTIST, NOTE, COMMENT, ICC_NEEDLE, "AcmeCam", "Acme", "SN-7741"]

LATITUDE = (11.0, 3.0, 7.5)  # N
LONGITUDE = (108.0, 2.0, 0.25)  # E
ALTITUDE = 123.4

GPS = ExifTags.GPS
LOCATION_TAGS = {
    GPS.GPSLatitudeRef,
    GPS.GPSLatitude,
    GPS.GPSLongitudeRef,
    GPS.GPSLongitude,
    GPS.GPSAltitudeRef,
    GPS.GPSAltitude,
}


@pytest.fixture(autouse=True)
def no_fill_time(settings):
    settings.ANTOAN_TIP_MIN_FILL_SECONDS = 0


# Photos carrying everything a phone (or a careless sender) may put in a file ---------------------------------


def fake_icc_profile() -> bytes:
    """Bytes shaped like an ICC profile whose device fields name the phone (Pillow keeps a profile as bytes)."""
    body = b"acsp" + ICC_NEEDLE.encode() + b"\x00" * 64
    return struct.pack(">I", 128 + len(body)) + b"\x00" * 124 + body


def identifying_exif(*, orientation=None, gps=True, altitude=True) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.Artist] = ARTIST
    exif[ExifTags.Base.Software] = f"{MAKE} firmware"
    exif[ExifTags.Base.DateTime] = "2025:03:14 09:26:53"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.Exif] = {
        ExifTags.Base.BodySerialNumber: SERIAL,  # 0xA431
        ExifTags.Base.UserComment: b"ASCII\x00\x00\x00" + NOTE.encode(),
        ExifTags.Base.CameraOwnerName: ARTIST,
        ExifTags.Base.DateTimeOriginal: "2025:03:14 09:26:53",
    }
    if gps:
        position = {
            GPS.GPSVersionID: b"\x02\x03\x00\x00",
            GPS.GPSLatitudeRef: "N",
            GPS.GPSLatitude: LATITUDE,
            GPS.GPSLongitudeRef: "E",
            GPS.GPSLongitude: LONGITUDE,
            GPS.GPSTimeStamp: (2.0, 26.0, 53.0),
            GPS.GPSDateStamp: "2025:03:14",
            GPS.GPSProcessingMethod: b"ASCII\x00\x00\x00" + MAKE.encode(),
        }
        if altitude:
            position |= {GPS.GPSAltitudeRef: b"\x00", GPS.GPSAltitude: ALTITUDE}
        exif[ExifTags.IFD.GPSInfo] = position
    return exif


def two_colours(size=(64, 48)) -> Image.Image:
    """Red on the left half, blue on the right: tells which way the stored picture is turned."""
    width, height = size
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    return image


def identifying_photo(image_format, *, orientation=None, gps=True, altitude=True) -> bytes:
    options = {
        "exif": identifying_exif(orientation=orientation, gps=gps, altitude=altitude),
        "icc_profile": fake_icc_profile(),
    }
    if image_format == "JPEG":
        options |= {"comment": COMMENT.encode(), "xmp": XMP.encode(), "quality": 95}
    elif image_format == "WEBP":
        options |= {"xmp": XMP.encode(), "lossless": True}
    else:
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", ARTIST)  # tEXt
        text.add_text("Comment", COMMENT, zip=True)  # zTXt
        text.add_itxt("Description", f"Gọi {PHONE}", lang="vi")  # iTXt
        text.add_itxt("XML:com.adobe.xmp", XMP)  # iTXt, XMP
        options["pnginfo"] = text
    out = io.BytesIO()
    two_colours().save(out, format=image_format, **options)
    data = out.getvalue()
    assert all(needle.encode() in data for needle in (MAKE, SERIAL, PHONE)), "the attack photo carries the needles"
    return data


def uploaded(image_format, **kwargs) -> SimpleUploadedFile:
    data = identifying_photo(image_format, **kwargs)
    return SimpleUploadedFile(f"anh.{image_format.lower()}", data, content_type=CONTENT_TYPES[image_format])


# Reading the stored file ----------------------------------------------------------------------------------------


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the image data (SOS)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while True:
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            return markers
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunks.append(kind)
        at += 12 + length
    return chunks


def webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, at = [], 12
    while at < len(data):
        kind, length = struct.unpack("<4sI", data[at : at + 8])
        chunks.append(kind)
        at += 8 + length + (length & 1)
    return chunks


def metadata_blocks(image_format, data: bytes) -> set:
    """Every block of the file that is not the picture itself."""
    if image_format == "JPEG":
        picture = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD, 0xDA}  # frame, Huffman and quantisation tables, scan
        return {marker for marker in jpeg_markers(data) if marker not in picture}
    if image_format == "PNG":
        return set(png_chunks(data)) - {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    return set(webp_chunks(data)) - {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


EXIF_BLOCK = {"JPEG": 0xE1, "PNG": b"eXIf", "WEBP": b"EXIF"}
JFIF = 0xE0  # APP0: only the JFIF header (version, pixel density)


def degrees(dms) -> float:
    d, m, s = (float(x) for x in dms)
    return d + m / 60 + s / 3600


def assert_only_pixels(image_format, data: bytes, *, location: bool):
    """The whole check of the attack: nothing of the sender's device or words is left, anywhere in the file."""
    for needle in NEEDLES:
        assert needle.encode() not in data, needle
        assert needle.encode("utf-16-le") not in data, needle
    assert b"2025:03:14" not in data  # the capture time and GPS date
    allowed = {JFIF} if image_format == "JPEG" else set()
    if location:
        allowed.add(EXIF_BLOCK[image_format])
    assert metadata_blocks(image_format, data) <= allowed
    assert (EXIF_BLOCK[image_format] in metadata_blocks(image_format, data)) is location

    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == image_format
    assert not {"comment", "icc_profile", "xmp", "XML:com.adobe.xmp", "photoshop", "adobe"} & set(image.info)
    if image_format == "PNG":
        assert image.text == {}
        assert set(image.info) <= {"exif", "dpi", "transparency"}
    exif = image.getexif()
    if not location:
        assert dict(exif) == {} and "exif" not in image.info
        return
    assert set(exif) == {ExifTags.IFD.GPSInfo}
    assert exif.get_ifd(ExifTags.IFD.Exif) == {}
    position = exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert set(position) == LOCATION_TAGS
    assert (position[GPS.GPSLatitudeRef], position[GPS.GPSLongitudeRef]) == ("N", "E")
    assert degrees(position[GPS.GPSLatitude]) == pytest.approx(degrees(LATITUDE), abs=1e-6)
    assert degrees(position[GPS.GPSLongitude]) == pytest.approx(degrees(LONGITUDE), abs=1e-6)
    assert position[GPS.GPSAltitudeRef] in (0, b"\x00")
    assert float(position[GPS.GPSAltitude]) == pytest.approx(ALTITUDE, abs=0.05)


def assert_upright(data: bytes):
    """Orientation 6 (the camera held turned right): the stored picture is turned, red on top, blue below."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (48, 64)
    top, bottom = image.getpixel((24, 8)), image.getpixel((24, 56))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


# Through photo_clean ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("image_format", FORMATS)
def test_without_sharing_nothing_but_the_pixels_is_kept(image_format):
    photo = photo_clean(uploaded(image_format), number=1, keep_location=False)
    assert_only_pixels(image_format, photo.data, location=False)


@pytest.mark.parametrize("image_format", FORMATS)
def test_with_sharing_only_a_new_gps_position_is_kept(image_format):
    photo = photo_clean(uploaded(image_format), number=1, keep_location=True)
    assert_only_pixels(image_format, photo.data, location=True)


@pytest.mark.parametrize("share", [False, True])
@pytest.mark.parametrize("image_format", FORMATS)
def test_the_orientation_is_applied_to_the_pixels_before_the_exif_goes(image_format, share):
    photo = photo_clean(uploaded(image_format, orientation=6), number=1, keep_location=share)
    assert (photo.width, photo.height) == (48, 64)
    assert_upright(photo.data)
    assert ExifTags.Base.Orientation not in Image.open(io.BytesIO(photo.data)).getexif()
    assert_only_pixels(image_format, photo.data, location=share)


def test_a_position_without_altitude_is_kept_without_altitude():
    photo = photo_clean(uploaded("JPEG", altitude=False), number=1, keep_location=True)
    position = Image.open(io.BytesIO(photo.data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert set(position) == LOCATION_TAGS - {GPS.GPSAltitudeRef, GPS.GPSAltitude}


def test_sharing_a_photo_without_a_position_writes_no_exif():
    photo = photo_clean(uploaded("JPEG", gps=False), number=1, keep_location=True)
    assert_only_pixels("JPEG", photo.data, location=False)


SOUND_POSITION = {
    GPS.GPSLatitudeRef: "N",
    GPS.GPSLatitude: LATITUDE,
    GPS.GPSLongitudeRef: "E",
    GPS.GPSLongitude: LONGITUDE,
}


@pytest.mark.parametrize(
    "position",
    [
        SOUND_POSITION | {GPS.GPSLatitude: (95.0, 0.0, 0.0)},
        SOUND_POSITION | {GPS.GPSLatitudeRef: "Q"},
        {tag: value for tag, value in SOUND_POSITION.items() if tag != GPS.GPSLongitude},
        SOUND_POSITION | {GPS.GPSLatitude: (11.0, 3.0)},
    ],
    ids=["latitude-over-90", "unknown-ref", "no-longitude", "two-part-latitude"],
)
def test_a_malformed_position_is_dropped_and_the_photo_kept(position):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.IFD.GPSInfo] = position
    out = io.BytesIO()
    two_colours().save(out, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")
    photo = photo_clean(upload, number=1, keep_location=True)
    assert_only_pixels("JPEG", photo.data, location=False)


def test_a_south_west_position_below_sea_level_keeps_its_refs():
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {
        GPS.GPSLatitudeRef: "S",
        GPS.GPSLatitude: LATITUDE,
        GPS.GPSLongitudeRef: "W",
        GPS.GPSLongitude: LONGITUDE,
        GPS.GPSAltitudeRef: b"\x01",
        GPS.GPSAltitude: 12.0,
    }
    out = io.BytesIO()
    two_colours().save(out, format="PNG", exif=exif)
    upload = SimpleUploadedFile("anh.png", out.getvalue(), content_type="image/png")
    photo = photo_clean(upload, number=1, keep_location=True)
    position = Image.open(io.BytesIO(photo.data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert (position[GPS.GPSLatitudeRef], position[GPS.GPSLongitudeRef]) == ("S", "W")
    assert position[GPS.GPSAltitudeRef] in (1, b"\x01") and float(position[GPS.GPSAltitude]) == 12.0


def test_a_palette_png_with_transparency_keeps_its_transparency_not_its_text():
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(0, (0, 0, 4, 8))
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", ARTIST)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=0, pnginfo=text)
    upload = SimpleUploadedFile("anh.png", out.getvalue(), content_type="image/png")
    photo = photo_clean(upload, number=1, keep_location=False)
    assert_only_pixels("PNG", photo.data, location=False)
    stored = Image.open(io.BytesIO(photo.data)).convert("RGBA")
    assert stored.getpixel((1, 1))[3] == 0 and stored.getpixel((6, 1)) == (255, 0, 0, 255)


def test_the_transparent_colour_of_an_rgb_png_is_kept():
    out = io.BytesIO()
    two_colours().save(out, format="PNG", transparency=(255, 0, 0), exif=identifying_exif())
    upload = SimpleUploadedFile("anh.png", out.getvalue(), content_type="image/png")
    photo = photo_clean(upload, number=1, keep_location=False)
    assert_only_pixels("PNG", photo.data, location=False)
    stored = Image.open(io.BytesIO(photo.data))
    assert stored.info["transparency"] == (255, 0, 0)
    assert stored.convert("RGBA").getpixel((1, 1))[3] == 0


# Through the real public form ------------------------------------------------------------------------------------


def send(commune, photos, *, share: bool):
    data = {
        "category": "drugs",
        "province": commune.parent_id,
        "unit": commune.pk,
        "occurred_at": "2025-03-14T09:00",
        "description": "Có người lạ tụ tập sử dụng ma túy ở bãi đất trống cuối thôn",
        "address": "Thôn Lâm Hòa",
        "started": stamp_new(),
        "photos": photos,
    }
    if share:
        data["share_photo_location"] = "on"
    response = Client().post(reverse("tip-submit"), data, REMOTE_ADDR="203.0.113.27")
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    return Tip.objects.get()


@pytest.mark.parametrize("share", [False, True])
def test_the_public_form_stores_only_the_pixels_and_the_shared_position(unit, photo_dir, share):
    tip = send(unit(HAM_THUAN), [uploaded(image_format) for image_format in FORMATS], share=share)
    assert tip.share_photo_location is share
    stored = {row.content_type: (photo_dir / row.stored_name).read_bytes() for row in tip.photos.all()}
    assert set(stored) == set(CONTENT_TYPES.values())
    for image_format, content_type in CONTENT_TYPES.items():
        assert_only_pixels(image_format, stored[content_type], location=share)


@pytest.mark.parametrize("share", [False, True])
def test_the_public_form_stores_a_turned_photo_upright(unit, photo_dir, share):
    tip = send(unit(HAM_THUAN), [uploaded(image_format, orientation=6) for image_format in FORMATS], share=share)
    for row in tip.photos.all():
        assert (row.width, row.height) == (48, 64)
        data = (photo_dir / row.stored_name).read_bytes()
        assert_upright(data)
        assert_only_pixels(Image.open(io.BytesIO(data)).format, data, location=share)
