"""Posts a page keeps in its own data or in a player's attributes, in forms held_out_v4 showed
(each a class of markup, tested here on small shapes of its own, with traps beside it):

- page data keyed by the article's URL without its scheme ("www.site.com/news/story": Fox
  News' Nuxt state), which is this article's, not another's;
- embed code kept percent-encoded in page data ("%3Cblockquote%20class%3D%22twitter-tweet...":
  ABC News' social inlines), in JSON or in a JavaScript string;
- page data given as `x = JSON.parse('...')` (or "..." or a template literal: Scientific
  American's window.__DATA__), its HTML strings escaped once more;
- an embed service's frame naming the post by id beside its platform in its query
  (LiveJournal's l.lj-toys.com/?source=youtube&vid=ID);
- Facebook's XFBML tags (<fb:post href>, <fb:video href>), never its like button or comments;
- a click-to-play facade keeping its player's URL in a data-* attribute (data-video=".../embed/ID");
- a JSON attribute whose HTML links a post ("Click here to watch"): a link, not an embed.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from archiver.discovery import hidden, jsdata
from archiver.discovery.find import find_embeds

BASE = "https://www.example-news.com/politics/story-one"
TWEET = "1230172635230855170"
VIDEO = "8WyWFAS96ac"
TWEET_CODE = (
    f'<blockquote class="twitter-tweet"><p lang="en">Update</p>&mdash; Team (@team) '
    f'<a href="https://twitter.com/team/status/{TWEET}?ref_src=twsrc%5Etfw">February 18, 2020</a>'
    '</blockquote> <script async src="https://platform.twitter.com/widgets.js"></script>'
)
IFRAME = f'<iframe src="https://www.youtube.com/embed/{VIDEO}" allowfullscreen></iframe>'


def found(body: str, base: str = BASE) -> set[tuple[str, str]]:
    html = f'<html><head><link rel="canonical" href="{base}"></head><body>{body}</body></html>'
    return {(e.platform, e.post_id or "") for e in find_embeds(html, base)}


def nuxt(state: object) -> str:
    return f"<script>window.__NUXT__={json.dumps(state)};</script>"


def article_state(key: str) -> object:
    components = [
        {"is": "paragraph", "props": {"text": "A paragraph."}},
        {"is": "tweet", "props": {"id": TWEET, "alignment": "center"}},
    ]
    article = {"title": "T", "canonical_url": key, "components": components}
    return {"state": {"Articles": {"fullArticles": {key: article}}}}


def test_page_data_keyed_by_this_articles_url_without_its_scheme() -> None:
    assert found(nuxt(article_state("www.example-news.com/politics/story-one"))) == {("twitter", TWEET)}
    assert found(nuxt(article_state("example-news.com/politics/story-one/"))) == {("twitter", TWEET)}


def test_page_data_keyed_by_another_articles_url_is_not_this_articles() -> None:
    assert found(nuxt(article_state("www.example-news.com/sport/another-story"))) == set()


@pytest.mark.parametrize("times", [1, 2])
def test_embed_code_percent_encoded_in_page_data(times: int) -> None:
    code = TWEET_CODE
    for _ in range(times):
        code = quote(code, safe="/:")
    data = {"inlines": [{"type": "social", "socialData": [{"description": code}]}]}
    assert found(f"<script>window['__news__']={json.dumps(data)};</script>") == {("twitter", TWEET)}
    # the same in a JavaScript string of a script that is no JSON
    assert found(f"<script>var social = '{code}'; render(social);</script>") == {("twitter", TWEET)}


def test_percent_encoded_text_naming_a_post_without_its_embed_code_is_no_embed() -> None:
    link = quote(f'<a href="https://twitter.com/team/status/{TWEET}">a tweet</a>', safe="/:")
    assert found(f"<script>window.__news__={json.dumps({'body': [{'html': link}]})};</script>") == set()


def test_page_data_given_to_json_parse() -> None:
    data = {"article": {"blocks": [{"type": "embed", "content": IFRAME}]}}
    text = json.dumps(data)
    template = text.replace("\\", "\\\\").replace("`", "\\`")
    assert found(f"<script>window.__DATA__=JSON.parse(`{template}`)</script>") == {("youtube", VIDEO)}
    single = text.replace("\\", "\\\\").replace("'", "\\'")
    assert found(f"<script>window.__DATA__ = JSON.parse('{single}');</script>") == {("youtube", VIDEO)}
    double = json.dumps(text)  # a JSON string of the JSON text: "{\"article\": ...}"
    assert found(f"<script>window.__DATA__ = JSON.parse({double});</script>") == {("youtube", VIDEO)}


def test_json_parse_literal_ends_at_its_first_unescaped_quote() -> None:
    assert hidden._parsed_literal("x = JSON.parse('{\\\"a\\\": \\'b\\'}');") == "{\"a\": 'b'}"
    assert hidden._parsed_literal(r"x = JSON.parse('{\"a\": \"c:\\\\\"}');") == '{"a": "c:\\\\"}'
    assert hidden._parsed_literal('x = JSON.parse(`{"a": 1}`)') == '{"a": 1}'
    assert hidden._parsed_literal("x = JSON.parse('a\\\\', 1)") == "a\\"  # 'a\\': an escaped backslash
    assert hidden._parsed_literal('x = JSON.parse(`{"a": 1}') is None  # it never ends
    assert hidden._parsed_literal("x = myJSON.parse(`{}`)") is None


def test_json_parse_whose_literal_never_ends_raises_nothing() -> None:
    text = json.dumps({"content": IFRAME}).replace("\\", "\\\\")
    assert found(f"<script>window.__DATA__=JSON.parse(`{text[:-20]}</script>") <= {("youtube", VIDEO)}


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (r"a\"b\\c\n", 'a"b\\c\n'),
        (r"\`tick\` and \'quote\'", "`tick` and 'quote'"),
        (r"\u00e9\x41\u{1F600}", "éA\U0001f600"),
        (r"\uD83D\uDE00 \/", "\U0001f600 /"),
        ('line \\\ncontinued "raw quote"', 'line continued "raw quote"'),
    ],
)
def test_javascript_string_escapes(raw: str, text: str) -> None:
    assert jsdata.unescape(raw) == text


@pytest.mark.parametrize(
    ("src", "want"),
    [
        (f"https://l.lj-toys.com/?auth_token=x&source=youtube&vid={VIDEO}&moduleid=35", {("youtube", VIDEO)}),
        (f"https://player.example.net/embed?provider=youtube&id={VIDEO}", {("youtube", VIDEO)}),
        (f"https://player.example.net/embed?platform=twitter&id={TWEET}", {("twitter", TWEET)}),
    ],
)
def test_frame_naming_its_post_by_id_beside_its_platform_in_its_query(
    src: str, want: set[tuple[str, str]]
) -> None:
    assert found(f'<iframe src="{src}" width="490" height="370"></iframe>') == want


@pytest.mark.parametrize(
    "src",
    [
        "https://l.lj-toys.com/?source=youtube&vid=notavideo",  # no id of the platform's shape
        f"https://widgets.example.net/share?network=twitter&id={TWEET}&type=share_button",
        f"https://widgets.example.net/follow?source=youtube&channel_id=UC{VIDEO}abcdefghijk",
        f"https://player.example.net/embed?source=youtube&vid={VIDEO}&platform=vimeo",  # two named
    ],
)
def test_frame_query_traps(src: str) -> None:
    assert found(f'<iframe src="{src}"></iframe>') == set()


def test_xfbml_post_and_video_tags() -> None:
    post = "https://www.facebook.com/VoxFeminae/posts/3659149747446598?__tn__=-R"
    video = "https://www.facebook.com/facebook/videos/10153231379946729/"
    body = f'<fb:post href="{post}" data-width="552"></fb:post><fb:video href="{video}"></fb:video>'
    assert found(body) == {("facebook", "3659149747446598"), ("facebook", "10153231379946729")}


def test_xfbml_buttons_comments_and_pages_are_no_posts() -> None:
    post = "https://www.facebook.com/VoxFeminae/posts/3659149747446598"
    body = (
        f'<fb:like href="{post}"></fb:like><fb:comments href="{post}"></fb:comments>'
        '<fb:page href="https://www.facebook.com/VoxFeminae"></fb:page>'
        f'<fb:share-button href="{post}"></fb:share-button>'
    )
    assert found(body) == set()


def test_click_to_play_facade_keeps_its_players_url_in_a_data_attribute() -> None:
    body = (
        f'<article><div class="video-container" data-video="https://www.youtube.com/embed/{VIDEO}">'
        '<img src="/thumb.jpg" alt=""><svg class="video-play-btn"></svg></div></article>'
        '<div class="clip" data-player="https://player.vimeo.com/video/76979871?h=8272103f6e"></div>'
    )
    assert found(body) == {("youtube", VIDEO), ("vimeo", "76979871")}


def test_data_attributes_naming_no_player_are_no_facade() -> None:
    body = (
        # a channel's uploads player, a profile link, a share URL: no post
        '<div data-video="https://www.youtube.com/embed?listType=user_uploads&list=someone"></div>'
        '<div data-profile="https://twitter.com/someone"></div>'
        f'<div data-share="https://www.facebook.com/sharer/sharer.php?u=https://www.youtube.com/watch?v={VIDEO}"></div>'
    )
    assert found(body) == set()


def test_json_attribute_whose_html_links_a_post_is_a_link_not_an_embed() -> None:
    views = {
        "schema": {
            "content": {
                "desktop": "<p>Read more</p>",
                "hover": f'<p><a href="https://www.youtube.com/watch?v={VIDEO}">Click Here to Watch</a></p>',
            }
        }
    }
    attr = json.dumps(views).replace("&", "&amp;").replace('"', "&quot;")
    assert (
        found(f'<div class="et_pb_blurb_description" data-et-multi-view="{attr}"><p>Read more</p></div>')
        == set()
    )
    # while a JSON attribute whose value is the post's URL stays one embed
    attrs = json.dumps({"url": f"https://twitter.com/team/status/{TWEET}"}).replace('"', "&quot;")
    assert found(f'<div class="tweet" data-attrs="{attrs}"></div>') == {("twitter", TWEET)}
