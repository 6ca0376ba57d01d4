"""The video platforms' second endpoints in the offline world, beside their oEmbed (data.py).

Each answers for any post, as its platform does, from the post's state in the data world
(`describe`: live with its text, or the status a test gave it):

- YouTube's player endpoint, POST www.youtube.com/youtubei/v1/player: the video's
  playabilityStatus (fixtures/youtube/player-*.json: a playable video, a private one, one not
  shown in this country; the other reasons written into the same shape), videoDetails and
  microformat carrying the post's id and title;
- TikTok's post page, www.tiktok.com/@USER/video/ID: its __UNIVERSAL_DATA_FOR_REHYDRATION__
  script, the video's itemStruct or TikTok's statusCode and statusMsg; for "unavailable" a page
  without the script, as TikTok's bot challenge serves, so that oEmbed is asked;
- Vimeo's player page, player.vimeo.com/video/ID, for a deleted video: its 404 page (a live
  one falls through to the embed view);
- Dailymotion's player metadata, www.dailymotion.com/player/metadata/video/ID: access error
  DM007 for a video geo-blocked here.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from functools import cache
from typing import Any

from archiver.platforms import dailymotion, vimeo, youtube
from offline_world import files
from offline_world.core import Request, Response, World

# (platform, a post id or URL) -> {"status": ..., "text": ...} of the post, or None.
Describe = Callable[[str, str], "dict[str, str | None] | None"]

_YOUTUBE_LIVE = "7PIMiDcwNvc"
_TIKTOK_LIVE = "6806030056956251397"
# How YouTube's player says each status (playabilityStatus.status; the reason is youtube.GONE_WORDS').
_PLAYER_STATUS = {
    "deleted": "ERROR",
    "protected": "LOGIN_REQUIRED",
    "login_required": "LOGIN_REQUIRED",
    "geo_blocked": "UNPLAYABLE",
    "suspended": "ERROR",
    "unavailable": "ERROR",
}
# How TikTok's page says each status it can say (webapp.video-detail statusCode, statusMsg).
_TIKTOK_STATUS = {
    "deleted": (10204, "item doesn't exist"),
    "protected": (10216, ""),
    "geo_blocked": (10204, "cross_border_violation_ur"),
}


@cache
def _json(name: str) -> Any:
    return json.loads(files.fixture(name))


def _copy(name: str) -> Any:
    return json.loads(json.dumps(_json(name)))


def youtube_player(describe: Describe, request: Request) -> Response:
    try:
        video_id = str(json.loads(request.body or b"{}").get("videoId") or "")
    except ValueError:
        video_id = ""
    known = describe("youtube", video_id) if len(video_id) == 11 else None
    if known is None:
        error = {
            "code": 400,
            "message": "Request contains an invalid argument.",
            "status": "INVALID_ARGUMENT",
        }
        return Response.json({"error": error}, 400)
    status, text = known["status"] or "live", known.get("text") or ""
    if status == "protected":
        return Response.json(_json("youtube/player-private-8VajtrESJzA.json"))
    if status == "geo_blocked":
        answer = _copy("youtube/player-geo-_PL2HJKxnOM.json")
        answer["videoDetails"].update(videoId=video_id, title=text)
        return Response.json(answer)
    if status != "live":
        reason, subreason = youtube.GONE_WORDS[status]
        screen = {"reason": {"simpleText": reason}, "subreason": {"runs": [{"text": subreason}]}}
        playability = {
            "status": _PLAYER_STATUS[status],
            "reason": reason,
            "errorScreen": {"playerErrorMessageRenderer": screen},
        }
        return Response.json({"playabilityStatus": playability})
    answer = _copy(f"youtube/player-{_YOUTUBE_LIVE}.json")
    text_of = json.dumps(answer).replace(_YOUTUBE_LIVE, video_id)
    answer = json.loads(text_of)
    answer["videoDetails"]["title"] = text
    answer["videoDetails"].pop("shortDescription", None)  # the text is the title, as oEmbed's is
    micro = answer["microformat"]["playerMicroformatRenderer"]
    micro["title"] = {"simpleText": text}
    micro.pop("description", None)
    return Response.json(answer)


def tiktok_page(describe: Describe, request: Request) -> Response:
    post_id = request.path.rstrip("/").rsplit("/", 1)[-1]
    known = describe("tiktok", post_id)
    if known is None:
        return Response.not_found()
    status = known["status"] or "live"
    if status == "unavailable":  # a bot challenge: no rehydration script, oEmbed is asked
        return Response.html("<!DOCTYPE html><html><head><title>TikTok</title></head><body></body></html>")
    if status == "live":
        state = json.loads(
            json.dumps(_json(f"tiktok/rehydration-{_TIKTOK_LIVE}.json")).replace(_TIKTOK_LIVE, post_id)
        )
        state["__DEFAULT_SCOPE__"]["webapp.video-detail"]["itemInfo"]["itemStruct"]["desc"] = known.get(
            "text"
        )
    else:
        code, message = _TIKTOK_STATUS[status]
        state = {"__DEFAULT_SCOPE__": {"webapp.video-detail": {"statusCode": code, "statusMsg": message}}}
    script = json.dumps(state, ensure_ascii=False).replace("<", "\\u003c")
    return Response.html(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>TikTok - Make Your Day</title></head>"
        '<body><div id="app"></div><script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
        f"{script}</script></body></html>"
    )


def vimeo_player(describe: Describe, request: Request) -> Response | None:
    known = describe("vimeo", request.path.rstrip("/").rsplit("/", 1)[-1])
    if known is None or known["status"] != "deleted":
        return None  # the embed view answers
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sorry</title></head>'
        f'<body><div class="vp-error"><h1>Sorry</h1><p>{html.escape(vimeo.GONE_TEXT)}</p></div></body></html>'
    )
    return Response.html(page, 404)


def dailymotion_metadata(describe: Describe, request: Request) -> Response:
    post_id = request.path.rstrip("/").rsplit("/", 1)[-1]
    known = describe("dailymotion", post_id)
    if known is None:
        return Response.json({"error": {"code": "DM001", "title": "No video has been specified."}}, 404)
    if known["status"] == "geo_blocked":
        title = "Video geo-restricted by the owner."
        error = {"code": dailymotion.GEO_ERROR, "title": title, "raw_message": title, "status_code": 403}
        return Response.json({"error": error})
    return Response.json({"id": post_id, "title": known.get("text")})


def install(world: World, describe: Describe) -> None:
    """Route the endpoints above; `describe` tells each a post's state."""

    def bound(
        handler: Callable[[Describe, Request], Response | None],
    ) -> Callable[[Request], Response | None]:
        return lambda request: handler(describe, request)

    world.route("www.youtube.com", r"/youtubei/v1/player", bound(youtube_player))
    world.route("www.tiktok.com", r"/@[\w.-]*/video/\d+/?", bound(tiktok_page))
    world.route("player.vimeo.com", r"/video/\d+", bound(vimeo_player))
    world.route("www.dailymotion.com", r"/player/metadata/video/x[a-z0-9]+", bound(dailymotion_metadata))
