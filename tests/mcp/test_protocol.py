"""Logging, completions and resource subscriptions, seen by real Python SDK clients over streamable HTTP."""

from __future__ import annotations

import logging
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp.shared.subscriptions import ResourcesListChanged, ResourceUpdated
from mcp_types import LoggingMessageNotificationParams, PromptReference

from mcp import Client
from nemo_video.config import Settings
from tests.mcp.protocol_server import http_server


class Inbox:
    """Notifications and log messages one client received."""

    def __init__(self) -> None:
        self.logs: list[LoggingMessageNotificationParams] = []
        self.notes: list[Any] = []

    async def log(self, params: LoggingMessageNotificationParams) -> None:
        self.logs.append(params)

    async def message(self, message: Any) -> None:
        if isinstance(
            message,
            types.ServerNotification | types.ResourceUpdatedNotification | types.ResourceListChangedNotification,
        ):
            self.notes.append(message)

    def updated(self) -> list[str]:
        return [str(n.params.uri) for n in self.notes if isinstance(n, types.ResourceUpdatedNotification)]

    def list_changes(self) -> int:
        return sum(isinstance(n, types.ResourceListChangedNotification) for n in self.notes)

    async def until(self, check: Any, timeout: float = 10.0) -> None:
        with anyio.fail_after(timeout):
            while not check():
                await anyio.sleep(0.05)


@pytest.mark.filterwarnings("ignore:The logging capability is deprecated")  # still the 2025-11-25 way
async def test_set_level_bridges_records_to_the_client_that_asked(settings: Settings) -> None:
    a, b = Inbox(), Inbox()
    async with (
        http_server(settings) as (base, _, _server),
        Client(f"{base}/mcp", logging_callback=a.log, mode="legacy") as first,
        Client(f"{base}/mcp", logging_callback=b.log, mode="legacy") as second,
    ):
        caps = first.server_capabilities
        assert caps.logging is not None and caps.completions is not None
        assert (await first.set_logging_level("info")) is not None
        await first.call_tool("get_credits", {})
        await a.until(lambda: any("get_credits answered" in str(m.data) for m in a.logs))
        assert all(m.level == "info" and m.logger == "nemo_video.mcp.tools" for m in a.logs)

        await second.set_logging_level("warning")
        await second.call_tool("get_credits", {})  # info: below what the second client asked for
        await first.call_tool("get_state", {})
        logging.getLogger("nemo_video.test").warning("token nmv_usr_s3cret.abc leaked?")
        await b.until(lambda: any("leaked" in str(m.data) for m in b.logs))
        await a.until(lambda: any("leaked" in str(m.data) for m in a.logs))

        await first.set_logging_level("error")
        before = len(a.logs)
        await first.call_tool("get_credits", {})
        await anyio.sleep(0.3)
    leaked = [str(m.data) for m in b.logs if "leaked" in str(m.data)]
    assert leaked == ["token nmv_usr_*** leaked?"]  # the server's own record reaches both, redacted
    assert not any("get_" in str(m.data) for m in b.logs)  # never the other client's tool calls
    assert len(a.logs) == before  # after "error", info records stop


@pytest.mark.parametrize("era", ["legacy", "2026-07-28"])
async def test_prompt_arguments_complete_from_the_composition_presets(settings: Settings, era: Any) -> None:
    async with http_server(settings) as (base, _, _server), Client(f"{base}/mcp", mode=era) as client:
        prompt = PromptReference(name="product_video")
        ratio = await client.complete(prompt, {"name": "ratio", "value": "1"})
        every = await client.complete(prompt, {"name": "ratio", "value": ""})
        free_text = await client.complete(prompt, {"name": "tagline", "value": "Sm"})
        unknown = await client.complete(PromptReference(name="no_such_prompt"), {"name": "ratio", "value": ""})
    assert ratio.completion.values == ["1:1", "16:9", "9:16"]  # prefix matches first
    assert set(every.completion.values) == {"9:16", "1:1", "4:5", "16:9"} and every.completion.total == 4
    assert free_text.completion.values == [] and unknown.completion.values == []


@pytest.mark.filterwarnings("ignore:resources/(un)?subscribe is removed")  # still the 2025-11-25 way
async def test_subscribers_hear_of_timeline_changes_and_new_exports(settings: Settings) -> None:
    watching, other = Inbox(), Inbox()
    async with (
        http_server(settings) as (base, _, _server),
        Client(f"{base}/mcp", message_handler=watching.message, mode="legacy") as client,
        Client(f"{base}/mcp", message_handler=other.message, mode="legacy") as bystander,
    ):
        assert client.server_capabilities.resources is not None
        assert client.server_capabilities.resources.subscribe
        assert client.server_capabilities.resources.list_changed
        await client.subscribe_resource("nemo-video://session/current/timeline")
        await client.subscribe_resource("nemo-video://exports")
        await bystander.subscribe_resource("test://never-fires")

        made = await client.call_tool(
            "generate_video", {"request": "a 2-second video with the title 'Hi'", "wait_s": 50}
        )
        assert made.structured_content is not None and made.structured_content["status"] == "completed"
        await watching.until(lambda: "nemo-video://session/current/timeline" in watching.updated())

        export = await client.call_tool("export_video", {"quality": "draft", "height": 180, "wait_s": 50})
        assert export.structured_content is not None, export.content
        assert export.structured_content["status"] == "completed", export.content
        uri = export.structured_content["export"]["uri"]
        await watching.until(lambda: "nemo-video://exports" in watching.updated() and watching.list_changes() == 1)
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
        assert uri in listed  # the new export is a resource of its own

        await client.unsubscribe_resource("nemo-video://session/current/timeline")
        seen = len(watching.updated())
        again = await client.call_tool("generate_video", {"request": "make it 3 seconds", "wait_s": 50})
        assert not again.is_error
        await anyio.sleep(0.5)
    assert len(watching.updated()) == seen  # unsubscribed: no more timeline notifications
    assert other.updated() == [] and other.list_changes() == 1  # a subscriber hears the list grew only


async def test_listeners_of_the_2026_protocol_hear_the_same_changes(settings: Settings) -> None:
    heard: list[object] = []
    timeline, exports = "nemo-video://session/current/timeline", "nemo-video://exports"
    async with (
        http_server(settings) as (base, _, _server),
        Client(f"{base}/mcp", mode="2026-07-28") as client,
        client.listen(resources_list_changed=True, resource_subscriptions=[timeline]) as subscription,
    ):

        async def listen() -> None:
            async for event in subscription:
                heard.append(event)

        async with anyio.create_task_group() as tg:
            tg.start_soon(listen)
            made = await client.call_tool(
                "generate_video", {"request": "a 2-second video with the title 'Hi'", "wait_s": 50}
            )
            assert made.structured_content is not None and made.structured_content["status"] == "completed"
            export = await client.call_tool("export_video", {"quality": "draft", "height": 180, "wait_s": 50})
            assert export.structured_content is not None and export.structured_content["status"] == "completed"
            with anyio.fail_after(10):
                while not any(isinstance(e, ResourcesListChanged) for e in heard):
                    await anyio.sleep(0.05)
            tg.cancel_scope.cancel()
    updated = [e.uri for e in heard if isinstance(e, ResourceUpdated)]
    assert timeline in updated
    assert exports not in updated  # not asked for: the listen filter holds


async def test_a_2026_request_that_opts_in_gets_its_own_log_messages(settings: Settings) -> None:
    opted, silent = Inbox(), Inbox()
    async with (
        http_server(settings) as (base, _, _server),
        Client(f"{base}/mcp", mode="2026-07-28", log_level="info", logging_callback=opted.log) as client,
        Client(f"{base}/mcp", mode="2026-07-28", logging_callback=silent.log) as other,
    ):
        assert not (await client.call_tool("get_credits", {})).is_error
        assert not (await other.call_tool("get_credits", {})).is_error
        await opted.until(lambda: len(opted.logs) >= 2)
    assert [str(m.data).split(" after ")[0] for m in opted.logs] == ["Calling get_credits", "get_credits answered"]
    assert silent.logs == []  # no opt-in, no log messages
