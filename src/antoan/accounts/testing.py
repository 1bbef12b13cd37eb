"""For tests: a client logged in past two-factor login, the way a real login ends.

Administrators and leaders get no page until their session has passed the second step (accounts.middleware). A test
that logs one in with `client.force_login(user)` calls `login_verified(client, user)` instead: the user gets a
confirmed TOTP device (their own, if they have one) and the session is marked with it by django-otp's own `login`,
as the code page does once the code is right.
"""


from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from antoan.accounts.two_factor import two_factor_device
from antoan.core import clock


def login_verified(client, user) -> TOTPDevice:
    """Log `client` in as `user` and through the two-factor step; returns the device."""
    client.force_login(user)
    device = two_factor_device(user=user) or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    request = HttpRequest()
    request.session = client.session  # the session force_login made (a new store object on each access)
    request.user = user
    otp_login(request, device)
    request.session.save()
    return device


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or that many 30-second steps later: a code is accepted once, and the
    device accepts one step ahead, so a second login in the same half-minute types the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = clock.timestamp() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
