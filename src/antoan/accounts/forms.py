from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # Bilingual, like every error antoan shows: the same office may have both kinds of reader.
    error_messages = {
        "invalid_login": "Sai tên đăng nhập hoặc mật khẩu / Wrong username or password.",
        "inactive": "Tài khoản đã bị khóa / This account is disabled.",
    }


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name (what will use it)"),
        max_length=100,
        error_messages={"required": "Bắt buộc nhập / Required"},
    )


class OtpForm(forms.Form):
    """The 6-digit code of the authenticator app. Its field name is kept out of django-axes' records of failures
    (AXES_SENSITIVE_PARAMETERS) and out of the logs."""

    otp_token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=16,
        error_messages={"required": "Nhập mã gồm 6 chữ số / Type the 6-digit code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )
