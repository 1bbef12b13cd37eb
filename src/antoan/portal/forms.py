"""The public tip form and the tracking form.

The fields are loose on purpose (text in, text out): `tip_submit` judges every value and answers with a
bilingual message, as it does for any other caller. What only a web form needs is checked here: the
honeypot field, the signed time the form was opened (a person takes a few seconds, a script does not),
and the province → commune pair of the two selects (the current hierarchy: 34 provinces, then the chosen
province's communes).
"""


import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from antoan.core import clock
from antoan.core.errors import Message
from antoan.core.forms import TextField
from antoan.portal.models import TipCategory
from antoan.portal.selectors import tip_communes, tip_provinces
from antoan.portal.services import CODE_LENGTH, TEXT_LIMITS
from antoan.units.models import Unit

HONEYPOT = "website"
STAMP = "started"
STAMP_MAX_AGE = 2 * 3600  # seconds: an older form is reloaded (its stamp renewed)
_STAMP_SALT = "antoan.portal.tip-form"
PHOTO_TYPES = "image/jpeg,image/png,image/webp"

_REFUSED = Message(
    "Không gửi được tin báo. Vui lòng tải lại trang rồi gửi lại.",
    "The tip could not be sent. Please reload the page and send it again.",
)
_TOO_FAST = Message(
    "Tin báo được gửi quá nhanh sau khi mở biểu mẫu. Vui lòng kiểm tra lại nội dung rồi bấm Gửi lần nữa.",
    "The tip was sent too quickly after the form was opened. Please check the content and press Send again.",
)
USED = Message(
    "Biểu mẫu này đã được dùng để gửi một tin báo và vừa được tải lại. Vui lòng kiểm tra lại nội dung "
    "(chọn lại ảnh nếu có) rồi bấm Gửi lần nữa.",
    "This form has already sent a tip and has been reloaded. Please check the content "
    "(choose the photos again, if any) and press Send again.",
)
_STALE = Message(
    "Biểu mẫu đã quá hạn hoặc không hợp lệ và vừa được tải lại. Vui lòng kiểm tra lại nội dung "
    "(chọn lại ảnh nếu có) rồi bấm Gửi lần nữa.",
    "The form had expired or was not valid and has been reloaded. Please check the content "
    "(choose the photos again, if any) and press Send again.",
)


# The signed time the form was opened ---------------------------------------------------------------


def stamp_new() -> str:
    """The signed time a form was opened, with a random number of its own: one stamp sends one tip (#27)."""
    return signing.TimestampSigner(salt=_STAMP_SALT).sign(f"{clock.timestamp():.3f}/{secrets.token_hex(8)}")


def _stamp_value(stamp: str | None) -> tuple[float, str] | None:
    try:
        opened, _, nonce = signing.TimestampSigner(salt=_STAMP_SALT).unsign(stamp or "", max_age=STAMP_MAX_AGE) \
            .partition("/")  # fmt: skip
        return (float(opened), nonce) if nonce else None
    except (signing.BadSignature, ValueError):  # SignatureExpired is a BadSignature
        return None


def stamp_age(stamp: str | None) -> float | None:
    """Seconds since the form carrying `stamp` was opened; None if it is tampered with or too old."""
    value = _stamp_value(stamp)
    return None if value is None else clock.timestamp() - value[0]


def _stamp_key(stamp: str | None) -> str | None:
    value = _stamp_value(stamp)
    return None if value is None else f"antoan:tip-stamp:{value[1]}"


def stamp_claim(stamp: str | None) -> bool:
    """Take the stamp for one submission: False when another submission took it (a form sent twice, or a stamp
    fetched once and replayed by a script). Kept in the shared cache as long as a stamp lives."""
    key = _stamp_key(stamp)
    return key is not None and cache.add(key, 1, STAMP_MAX_AGE)


def stamp_release(stamp: str | None) -> None:
    """The submission was refused after all (the service's checks): the same form may be sent again."""
    key = _stamp_key(stamp)
    if key is not None:
        cache.delete(key)


def _pick(units: list[Unit], value) -> Unit | None:
    value = str(value or "").strip()
    return next((unit for unit in units if str(unit.pk) == value), None)


# Fields ----------------------------------------------------------------------------------------------


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """The files as sent, however many (the service counts them, reads their content and refuses with a
    message naming the photo)."""

    widget = PhotosInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        if not value:
            return []
        files = value if isinstance(value, list | tuple) else [value]
        return [f for f in files if f is not None and getattr(f, "name", "")]


def _text(label, name, *, widget=None, **attrs) -> TextField:
    attrs.setdefault("maxlength", TEXT_LIMITS[name])
    widget = widget or forms.TextInput
    return TextField(label=label, widget=widget(attrs=attrs))


class TipForm(forms.Form):
    """What a citizen sends. `province` and `unit` are two selects the template renders from `provinces`
    and `communes` (the chosen province's communes)."""

    category = TextField(
        label=_("What happened?"), widget=forms.Select(choices=[("", "—"), *TipCategory.choices])
    )  # fmt: skip
    description = _text(
        _("What did you see?"), "description", widget=forms.Textarea, rows=6, spellcheck="true"
    )  # fmt: skip
    province = TextField(label=_("Province or city"))
    unit = TextField(label=_("Commune, ward or special zone"))
    address = _text(_("Address or landmark"), "address", autocomplete="off")
    latitude = TextField(
        label=_("Latitude"), widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    )
    longitude = TextField(
        label=_("Longitude"), widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    )
    occurred_at = TextField(
        label=_("When did it happen?"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    photos = PhotosField(label=_("Photos"), widget=PhotosInput(attrs={"accept": PHOTO_TYPES}))
    share_photo_location = forms.BooleanField(label=_("Share the location in my photos"), required=False)
    contact_name = _text(_("Your name"), "contact_name", autocomplete="name")
    contact_phone = _text(
        _("Phone"), "contact_phone", widget=forms.TextInput, type="tel", inputmode="tel", autocomplete="tel"
    )  # fmt: skip
    contact_email = _text(
        _("Email"), "contact_email", widget=forms.TextInput, type="email", inputmode="email", autocomplete="email"
    )  # fmt: skip
    # A field a person never sees (hidden by CSS, out of the tab order): a form-filling script fills it.
    website = TextField(
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp-input"}),
    )

    REQUIRED = ("category", "description", "province", "unit", "occurred_at")

    def __init__(self, *args, stamp: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data if self.is_bound else self.initial
        self.provinces = tip_provinces()
        self.chosen_province = _pick(self.provinces, raw.get("province"))
        self.communes = tip_communes(self.chosen_province) if self.chosen_province else []
        self.selected_commune = str(raw.get("unit") or "")
        posted = self.data.get(STAMP) if self.is_bound else stamp
        # The time the form was first opened survives a refusal; an expired or altered stamp is renewed.
        self.stamp = posted if stamp_age(posted) is not None else stamp_new()
        for name, field in self.fields.items():
            field.shows_required = name in self.REQUIRED

    def clean(self):
        data = super().clean()
        if data.get(HONEYPOT):
            raise ValidationError(str(_REFUSED), code="honeypot")
        age = stamp_age(self.data.get(STAMP))
        if age is None:
            raise ValidationError(str(_STALE), code="stale")
        if age < settings.ANTOAN_TIP_MIN_FILL_SECONDS:
            raise ValidationError(str(_TOO_FAST), code="too_fast")
        # A commune outside the chosen province's list (or no province) is no commune: the service says so.
        data["unit"] = _pick(self.communes, data.get("unit"))
        return data

    def submission(self) -> dict:
        """The keyword arguments of `tip_submit`."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("province", HONEYPOT)}


class TrackForm(forms.Form):
    code = TextField(
        label=_("Tracking code"),
        widget=forms.TextInput(
            attrs={
                "maxlength": CODE_LENGTH * 2 + 8,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABCD-EFGH-JKMN",
            }
        ),
    )
