"""Page data written as JavaScript, not JSON (archiver/discovery/jsdata.py), and posts that a
component names by id in its props.

Shapes: Nuxt 2 serialises its state as `window.__NUXT__=(function(a,b,...){...return {...}}(...))`
(nuxt/nuxt 2.x, packages/vue-renderer: devalue's output): repeated values become the function's
arguments, so a component's name can be a parameter bound at the call's end. Vue components
are `{is, props}`; Gutenberg blocks `{blockName, attrs}`. YouTube players are commonly named
with the short form "yt" (YouTube's own `ytp-` classes, the IFrame API's `YT.Player`).
"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.discovery import jsdata
from archiver.discovery.find import find_embeds

TWEET = "1397564966497095681"
BASE = "https://news.example/2021/05/story"


def found(markup: str) -> list[tuple[str, str]]:
    page = f"<html><body><article><h1>Story</h1><p>Text.</p>{markup}</article></body></html>"
    return [(e.platform, e.post_id) for e in find_embeds(page, BASE)]


def nuxt(body: str, params: str, args: str) -> str:
    return f"<script>window.__NUXT__=(function({params}){{{body}}}({args}));</script>"


def test_a_javascript_literal_reads_as_data():
    text = "window.__STATE__ = {a: 'x', \"b\": [1, -2.5, !0, !1, void 0, null], c: {d: `e`}, f: new Date(0)};"
    assert jsdata.read(text) == {"a": "x", "b": [1, -2.5, True, False, None, None], "c": {"d": "e"}}


def test_nuxt_payload_binds_its_arguments_and_statements():
    text = (
        'window.__NUXT__=(function(a,b,c){a.model=[{name:b}];return {layout:"default",state:a,x:c}}'
        '({},"Energy",!0));'
    )
    assert jsdata.read(text) == {"layout": "default", "state": {"model": [{"name": "Energy"}]}, "x": True}


def test_a_tweet_component_in_a_nuxt_payload_is_found():
    body = (
        'return {data:[{body:[{is:b,props:{text:"He tweeted:"}},'
        f'{{is:y,props:{{alignment:a,id:"{TWEET}",hideThread:c,darkTheme:c}}}}]}}]}}'
    )
    assert found(nuxt(body, "a,b,c,y", '"center","paragraph",!1,"tweet"')) == [("twitter", TWEET)]


def test_props_of_a_component_named_in_plain_json():
    data = '{"blocks":[{"blockName":"youtube","attrs":{"videoId":"dQw4w9WgXcQ"}}]}'
    assert found(f'<script type="application/json">{data}</script>') == [("youtube", "dQw4w9WgXcQ")]


def test_a_yt_player_element_names_its_video():
    markup = '<div id="ytplayer1" class="ytpfp" data-autoplay="1" data-videoid="dQw4w9WgXcQ"></div>'
    assert found(markup) == [("youtube", "dQw4w9WgXcQ")]


def test_traps():
    # an id beside no platform, a platform beside no id, an id under another component
    body = (
        f'return {{data:[{{is:b,props:{{id:"{TWEET}"}}}},{{is:y,props:{{alignment:a}}}},'
        f'{{is:y,user:{{id:"{TWEET}"}}}}]}}'
    )
    assert found(nuxt(body, "a,b,y", '"center","gallery","tweet"')) == []
    # "yt" inside a word names nothing; an analytics id is no video
    assert found('<div class="analytics" data-videoid="dQw4w9WgXcQ"></div>') == []
    assert found('<div class="yt-subscribe" data-channelid="UCuAXFkgsw1L7xaCfnd5JJOw"></div>') == []


def test_unreadable_scripts_give_nothing_and_never_fail():
    for text in ("window.x=(function(a){return {", "x = {a: function(){ return {b: 1} }, c: 2}", "{{{{", ""):
        value = jsdata.read(text)
        assert value is None or isinstance(value, (dict, list))
    assert jsdata.read("x = {a: function(){ return {b: 1} }, c: 2}") == {"c": 2}
    deep = "x = " + "[" * 5000 + "]" * 5000
    assert jsdata.read(deep) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable, max_size=300))
def test_any_text_reads_without_error(text: str):
    for candidate in (text, "x = {" + text, "x=(function(a,b){" + text):
        value = jsdata.read(candidate)
        assert value is None or isinstance(value, (dict, list))


def test_a_player_wrapper_keeps_its_bare_id_in_a_src_attribute():
    # a publisher's player wrapper: its class names the platform, data-src holds the bare id
    markup = (
        '<div data-src="dQw4w9WgXcQ" class="mm-youtube-container"><div class="mm-youtube-player"></div></div>'
    )
    assert found(markup) == [("youtube", "dQw4w9WgXcQ")]
    # traps: no platform named, a button's class, a file name, an id of the wrong shape
    assert found('<div class="video" data-src="dQw4w9WgXcQ"></div>') == []
    assert found('<div class="youtube-subscribe" data-src="dQw4w9WgXcQ"></div>') == []
    assert found('<div class="youtube-box" data-src="banner-image"></div>') == []
    assert found('<div class="youtube-box" data-src="dQw4w9WgXcZ"></div>') == []


def test_the_platforms_own_javascript_apis_name_their_posts():
    # YouTube's IFrame Player API and X's widgets.js factory, as their documentation shows them
    player = (
        '<div id="player"></div><script>var player; function onYouTubeIframeAPIReady() {'
        ' player = new YT.Player("player", {height: "390", width: "640", videoId: "dQw4w9WgXcQ",'
        " playerVars: {playsinline: 1}}); }</script>"
    )
    assert found(player) == [("youtube", "dQw4w9WgXcQ")]
    tweet = f'<div id="t"></div><script>twttr.widgets.createTweet("{TWEET}", document.getElementById("t"));'
    tweet += "</script>"
    assert found(tweet) == [("twitter", TWEET)]
    # traps: a call naming no platform, a timeline, a follow button, a YouTube ready hook
    assert found(f'<script>analytics.track("{TWEET}", {{videoId: "dQw4w9WgXcQ"}});</script>') == []
    assert (
        found('<script>twttr.widgets.createTimeline({sourceType: "profile", screenName: "x"}, el);</script>')
        == []
    )
    assert (
        found(f'<script>twttr.widgets.createFollowButton("{TWEET}", el); YT.ready(function(){{}});</script>')
        == []
    )
    buttons = (
        '<script>YT.SubscribeButton("dQw4w9WgXcQ", el); Site.YouTube.ShareButton("dQw4w9WgXcQ");</script>'
    )
    assert found(buttons) == []


def test_a_whole_bundle_is_not_read_past_the_token_budget():
    # a script far longer than any page's data: reading stops at MAX_TOKENS, nothing is made up
    body = (
        "x=(function(a){" + "a.b=function(t){return t};" * (jsdata.MAX_TOKENS // 5) + 'return {c: "d"}}({}))'
    )
    assert jsdata.read(body) is None
    assert jsdata.read('x=(function(a){a.b=1;return {c: "d"}}({}))') == {"c": "d"}
