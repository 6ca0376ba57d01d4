"""Periscope (retired): broadcasts at periscope.tv/w/ID, pscp.tv/w/ID and periscope.tv/USER/ID,
embedded as iframes of those URLs or linked from the markup around them.

Periscope closed on 31 March 2021: its broadcasts are found and recorded as "unavailable" (the
platform is gone), never captured. Its "On Air" button (a.periscope-on-air) names a person, not
a broadcast, and is no post.
"""

from __future__ import annotations

from archiver.platforms.base import Platform

# A broadcast id: "1" and 12 letters (1ZkKzPbMVggJv), or an early broadcast's long base64 token.
_ID = r"(?P<id>1[A-Za-z0-9]{12}(?![A-Za-z0-9_=-])|a[A-Za-z0-9_-]{20,200}={0,2}(?![A-Za-z0-9_=-]))"
_PATH = r"(?:periscope|pscp)\.tv/(?:w|[A-Za-z0-9_]{1,30})/" + _ID


def canonical_url(post_id: str) -> str:
    return f"https://www.pscp.tv/w/{post_id}"


PLATFORM = Platform(
    name="periscope",
    url_patterns=(r"(?:https?:)?//(?:www\.)?" + _PATH,),
    canonical_url=canonical_url,
    retired="Periscope closed on 31 March 2021: its broadcasts are no longer served",
    iframe_patterns=(_PATH,),
    examples=(
        ("https://www.periscope.tv/w/1ZkKzPbMVggJv", "1ZkKzPbMVggJv"),
        ("https://www.pscp.tv/w/1yoKMZXDLrXJQ", "1yoKMZXDLrXJQ"),
        ("https://www.periscope.tv/bastaakanoggano/1OdKrlkZZjOJX", "1OdKrlkZZjOJX"),
        (
            "https://www.periscope.tv/w/aJUQnjY3MjA3ODF8NTYxMDIyMDl2zCg2pECBgwTqRpQuQD352EMPTKQjT4uqlM3cgWFA-g==",
            "aJUQnjY3MjA3ODF8NTYxMDIyMDl2zCg2pECBgwTqRpQuQD352EMPTKQjT4uqlM3cgWFA-g==",
        ),
    ),
)
