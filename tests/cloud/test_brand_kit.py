"""The brand kit on the cloud: a cloud draft does not carry our brand, so the kit keeps what the
applied set_brand operations asked for; a new session's first video is not branded by itself (each
cloud edit costs credits) and the reply says the kit is kept and how to send it."""

from __future__ import annotations

from nemo_video.composition import parse_operations
from nemo_video.config import Settings
from nemo_video.service import VideoService
from tests.cloud.test_edit import state_with_title
from tests.double import NemoDouble, sse


async def test_set_brand_on_the_cloud_is_kept_and_offered_not_spent(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    state = state_with_title("Golden Hour")
    async with VideoService(cloud_settings) as service:
        session = await service.session()
        nemo_double.set_state(session.id, state)
        nemo_double.script_sse([sse.text("Done: brand colours and font set.")], state_after=state)
        ops = parse_operations([{"op": "set_brand", "palette": ["#0F766E"], "font": "Lora"}])
        record = await service.wait((await service.start_edit(ops, confirm_spend=True)).id, 20)
        assert record.status == "completed" and record.result is not None, record.error
        assert "Saved as your brand kit: colours #0F766E; font Lora" in record.result["reply"]
        assert (await service.state()).brand_kit is not None

        fresh = await service.new_session()
        nemo_double.script_sse([sse.text("Here is your video.")], state_after=state)
        record = await service.wait((await service.start_generate("a video", confirm_spend=True)).id, 20)
        assert record.status == "completed" and record.result is not None, record.error
        reply = record.result["reply"]
        assert "Your brand kit is kept (colours #0F766E; font Lora)" in reply and "edit_video set_brand" in reply
        assert nemo_double.count("run_sse") == 2  # the kit cost no extra agent message
        assert fresh.id != session.id
