"""What the model reads about the server and each tool: when to call it, what comes back, what next."""

from __future__ import annotations

INSTRUCTIONS = """\
nemo-video turns a few words and a few images or clips into a ready-to-share MP4.
Typical flow: upload_media (the user's files) → generate_video (describe the video) → get_state (the
video as data: scenes, texts and media with ids) → edit_video for precise changes (typed operations:
"title 120 px, orange, bottom") or generate_video for changes in words → export_video (the MP4 file).
Long work runs as a job: when a call returns status "running", call job_status with its job_id.
Exported files are saved on the user's machine; results carry the absolute path and a file:// link.
Use ask when you only have the user's free text and are unsure which tool fits.
A failed call says "Error [code]: what happened" and "Next step: what to call": follow the next step.
"""

TITLES = {
    "generate_video": "Create or edit the video",
    "upload_media": "Add images, clips or audio",
    "get_credits": "Show the credit balance",
    "get_state": "Show the timeline",
    "edit_video": "Edit the video precisely",
    "export_video": "Render the video file",
    "job_status": "Follow a running job",
    "cancel_job": "Stop a running job",
    "ask": "Do what the user said",
}

TOOLS = {
    "generate_video": """\
Send the user's request to the video agent, which builds or edits the timeline: "a 30-second vertical
video from my product photos with the tagline 'Smooth. Bold. Yours.'", "make it 15 seconds", "add
upbeat music". Optionally pass paths/urls of media to add first (same as upload_media).
Returns the agent's reply (web-editor instructions are translated into tool calls you may make), a
one-line summary of every track, the structured timeline and offered_actions. Waits up to wait_s; if
the agent is still working it returns status "running" and a job_id: call job_status with it. Never
re-send the same request while a job runs — it would be done (and, on the cloud, paid) twice.
On the cloud backend this spends credits: the user is asked first, or pass confirm_spend=true after
asking them yourself. Next: get_state to inspect, generate_video for changes, export_video for the file.""",
    "upload_media": """\
Add the user's media (images, video clips, audio) to the current session, by local path and/or public
URL. Paths must be inside the working directory, the user's Pictures/Videos/Music/Downloads/Desktop/
Documents folders, a configured media directory or a root the client shared. Several files are
all-or-nothing: if one is refused, none is added. Returns each asset with its probed facts (kind,
size, resolution, duration). Next: generate_video, describing the video to make from them.""",
    "get_credits": """\
Show the account's credit balance (cloud backend); the local backend is free and reports unlimited.
Call it when the user asks about credits or balance, or before a long cloud job.""",
    "get_state": """\
Show the current video: a one-line summary of every track, the composition (scenes, texts, music,
with the ids edit_video takes), the laid-out draft (durations in ms, text sizes in px), the uploaded
media with their ids and facts (kind, size, orientation, dominant colours) and the recent jobs.
Read-only and cheap: call it to check what the agent did, after a silent edit, or before exporting.""",
    "edit_video": """\
Change the current video with typed operations, applied in order, all or none: set_format (aspect,
platform), set_duration (whole video, one scene, or "each"), set_pace, add_scene / remove_scene /
move_scene / replace_scene / set_scene, set_text (title, caption, cta or custom: text verbatim, style
size/color/weight/backdrop, position slot or x/y, animation, scene anchor, timing), remove_text,
set_music (mood, an uploaded audio id, off, volume, fades), set_transition, set_brand, undo, redo.
Call get_state first for the scene, text and media ids (media carry kind, orientation and dominant
colours, so "the blue one" can be found). Prefer edit_video when you know exactly what to change;
use generate_video to create a video or to pass the user's own words. A bad operation is refused with
its index, field and the valid values, and nothing changes. Returns what was applied, the new
composition and version. On the cloud backend the operations go to the NemoVideo agent as one precise
instruction (spends credits) and not_applied lists any operation the timeline does not show.""",
    "export_video": """\
Render the current timeline to a video file in the user's output folder (never overwrites: a new
name is chosen if the file exists). Returns the absolute path, a file:// link, size, duration,
resolution and a poster image. Waits up to wait_s; if the render is still going it returns status
"running" and a job_id: call job_status with it. Fails with nothing_to_export if the timeline is
empty (call generate_video first). Use height (e.g. 720) for a smaller, faster file.""",
    "job_status": """\
Keep waiting on a job (an agent message or a render) that an earlier call returned as "running".
Sends progress while it waits, up to wait_s, then returns the job's result, its error, or
status "running" again (call job_status again with the same job_id).""",
    "cancel_job": """\
Stop a running job. A local render is stopped and nothing is saved. Cloud work may already be paid
for and may still finish on NemoVideo's side: the result says so; call get_state afterwards.""",
    "ask": """\
Do what the user's free text asks, in any language (English, 中文): routes "export"/"导出" to
export_video, "credits"/"积分" to get_credits, "status"/"状态" to get_state, text with file paths or
URLs to upload_media, and everything else to generate_video. The result names the route taken and
holds that action's result (or a running job's job_id: call job_status).""",
}
