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
