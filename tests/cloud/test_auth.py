"""Where the token comes from: anonymous token, cache file, NEMO_TOKEN, renewal and client ids."""

from __future__ import annotations

import json
import stat
import time

import pytest

from nemo_video.backends.cloud import CloudBackend
from nemo_video.config import Secret, Settings
from nemo_video.errors import ErrorCode, NemoVideoError
from tests.double import NemoDouble


async def test_anonymous_token_uses_the_persisted_client_id_and_no_authorization(
    backend: CloudBackend, nemo_double: NemoDouble, cloud_settings: Settings
) -> None:
    await backend.credits()
    (call,) = nemo_double.calls("token")
    assert call.headers["x-client-id"] == cloud_settings.client_id_file.read_text().strip()
    assert "authorization" not in call.headers


async def test_token_is_cached_with_expiry_in_a_0600_file_and_reused(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    first = CloudBackend(cloud_settings)
    await first.credits()
    await first.aclose()
    path = cloud_settings.token_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = json.loads(path.read_text())
    assert record["token"] in nemo_double.tokens and record["expires_at"]

    second = CloudBackend(cloud_settings)  # a new process would read the same file
    await second.credits()
    await second.aclose()
    assert nemo_double.count("token") == 1
    assert nemo_double.calls("credits")[1].headers["authorization"] == f"Bearer {record['token']}"


async def test_expired_cached_token_is_replaced(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    cloud_settings.token_file.parent.mkdir(parents=True, exist_ok=True)
    cloud_settings.token_file.write_text(
        json.dumps(
            {
                "token": "nmv_usr_OLDoldOLD",
                "expires_at": "2020-01-01T00:00:00Z",
                "api_base": cloud_settings.api_base,
            }
        )
    )
    cloud = CloudBackend(cloud_settings)
    await cloud.credits()
    await cloud.aclose()
    assert nemo_double.count("token") == 1
    assert "OLDoldOLD" not in cloud_settings.token_file.read_text()


async def test_nemo_token_wins_over_cache_and_anonymous(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    mine = "nmv_usr_MINEmineMINE0001"
    nemo_double.add_token(mine)
    cloud = CloudBackend(cloud_settings.with_(token=Secret(mine)))
    await cloud.credits()
    await cloud.aclose()
    assert nemo_double.count("token") == 0
    assert nemo_double.calls("credits")[0].headers["authorization"] == f"Bearer {mine}"
    assert not cloud_settings.token_file.exists()


async def test_a_refused_nemo_token_is_not_swapped_for_an_anonymous_one(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    cloud = CloudBackend(cloud_settings.with_(token=Secret("nmv_usr_REVOKEDrevoked01")))
    with pytest.raises(NemoVideoError) as caught:
        await cloud.credits()
    await cloud.aclose()
    assert caught.value.code == ErrorCode.AUTH_FAILED and "NEMO_TOKEN" in caught.value.hint
    assert nemo_double.count("token") == 0


@pytest.mark.parametrize("code", [1001, 1010, 1011, 401])
async def test_refused_token_is_renewed_once_with_the_same_client_id(
    backend: CloudBackend, nemo_double: NemoDouble, code: int
) -> None:
    await backend.credits()
    nemo_double.fail_next("credits", code)
    credits = await backend.credits()
    assert credits.available == 100
    tokens = nemo_double.calls("token")
    assert len(tokens) == 2
    assert tokens[0].headers["x-client-id"] == tokens[1].headers["x-client-id"]
    last_two = nemo_double.calls("credits")[-2:]
    assert last_two[0].headers["authorization"] != last_two[1].headers["authorization"]


async def test_expired_token_on_the_server_is_renewed(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    await backend.credits()
    nemo_double.revoke_tokens()
    assert (await backend.credits()).total == 100
    assert nemo_double.count("token") == 2


async def test_second_refusal_gives_up(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    nemo_double.fail_next("credits", 1001, times=2)
    with pytest.raises(NemoVideoError) as caught:
        await backend.credits()
    assert caught.value.code == ErrorCode.AUTH_EXPIRED
    assert nemo_double.count("credits") == 2 and nemo_double.count("token") == 2


async def test_400_missing_client_id_creates_a_new_client_id_and_retries(
    backend: CloudBackend, nemo_double: NemoDouble, cloud_settings: Settings
) -> None:
    nemo_double.fail_next("token", 400)
    assert (await backend.credits()).available == 100
    first, second = nemo_double.calls("token")
    assert first.headers["x-client-id"] != second.headers["x-client-id"]
    assert cloud_settings.client_id_file.read_text().strip() == second.headers["x-client-id"]


async def test_400_twice_is_reported(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    nemo_double.fail_next("token", 400, times=2)
    with pytest.raises(NemoVideoError) as caught:
        await backend.credits()
    assert caught.value.code == ErrorCode.MISSING_CLIENT_ID
    assert nemo_double.count("token") == 2


async def test_429_waits_then_retries_once(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    cloud = CloudBackend(cloud_settings.with_(rate_limit_wait_s=0.3))
    nemo_double.fail_next("token", 429)
    started = time.monotonic()
    await cloud.credits()
    elapsed = time.monotonic() - started
    await cloud.aclose()
    assert nemo_double.count("token") == 2 and elapsed >= 0.3


async def test_429_twice_is_reported_as_rate_limited(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    nemo_double.fail_next("token", 429, times=2)
    with pytest.raises(NemoVideoError) as caught:
        await backend.credits()
    assert caught.value.code == ErrorCode.RATE_LIMITED and caught.value.retryable
    assert nemo_double.count("token") == 2 and nemo_double.count("credits") == 0
