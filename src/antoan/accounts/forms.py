from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from antoan.accounts.selectors import login_wait_seconds


class LoginForm(AuthenticationForm):
    # Bilingual, like every error antoan shows: the same office may have both kinds of reader.
    error_messages = {
        "invalid_login": "Sai tên đăng nhập hoặc mật khẩu / Wrong username or password.",
        "inactive": "Tài khoản đã bị khóa / This account is disabled.",
    }

    def clean(self):
        """An account that failed many times from any addresses waits before the password is even tried (so a
        wait is no failure of its own, and the right password is not accepted during it)."""
        username = self.cleaned_data.get("username")
        wait = login_wait_seconds(username=username) if username else 0
        if wait:
            raise ValidationError(
                f"Tài khoản này vừa đăng nhập sai nhiều lần: vui lòng thử lại sau {wait} giây / This account has had "
                f"many failed logins: try again in {wait} seconds.",
                code="account_wait",
            )
        return super().clean()


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
