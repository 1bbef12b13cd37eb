from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    # Bilingual, like every error antoan shows: the same office may have both kinds of reader.
    error_messages = {
        "invalid_login": "Sai tên đăng nhập hoặc mật khẩu / Wrong username or password.",
        "inactive": "Tài khoản đã bị khóa / This account is disabled.",
    }
