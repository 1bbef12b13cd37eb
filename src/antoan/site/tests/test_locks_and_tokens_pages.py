"""The pages where a leader locks months and a user manages API tokens."""

import pytest
from django.urls import reverse

from antoan.accounts.models import ApiToken, Role
from antoan.units.models import PeriodLock

pytestmark = pytest.mark.django_db


def test_a_leader_locks_and_unlocks_a_month_an_officer_cannot(client, make_user, unit, login_verified):
    commune = unit("23059")
    leader, officer = make_user(Role.LEADER, commune), make_user(Role.OFFICER, commune)
    url = reverse("unit-period-locks", args=[commune.pk])
    client.force_login(officer)
    assert client.post(url, {"month": "2026-03", "action": "lock"}).status_code == 403
    login_verified(client, leader)
    assert client.post(url, {"month": "2026-03", "action": "lock"}).status_code == 302
    assert "03/2026" in client.get(url).content.decode()
    again = client.post(url, {"month": "03/2026", "action": "lock"})
    assert "đã được khóa" in again.content.decode()
    assert client.post(url, {"month": "tháng ba", "action": "lock"}).status_code == 200
    client.post(url, {"month": "2026-03", "action": "unlock"})
    assert not PeriodLock.objects.exists()
    assert PeriodLock.history.filter(history_user=leader).count() == 2


def test_a_user_creates_sees_once_and_revokes_an_api_token(client, make_user, unit):
    user = make_user(Role.OFFICER, unit("23059"))
    client.force_login(user)
    url = reverse("api-tokens")
    page = client.post(url, {"name": "Báo cáo tự động"}).content.decode()
    token = ApiToken.objects.get(user=user)
    assert 'id="new-token">at_' in page
    assert 'id="new-token"' not in client.get(url).content.decode()
    client.post(url, {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_only_an_admin_manages_another_users_tokens(client, make_user, unit, login_verified):
    owner, colleague = make_user(Role.OFFICER, unit("23059")), make_user(Role.OFFICER, unit("23059"))
    admin = make_user(Role.ADMIN, unit("68"))
    url = reverse("api-tokens-of", args=[owner.pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    login_verified(client, admin)
    client.post(url, {"name": "do quản trị tạo"})
    assert ApiToken.objects.get().user == owner
