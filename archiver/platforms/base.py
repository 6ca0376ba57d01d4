"""What a platform module declares.

Each module in this package builds one `Platform` value named PLATFORM and the registry in
`__init__.py` lists them. A platform says, as data where it can:

- how its post URLs look (`url_patterns`, each with a named group `id`), and how to build the
  canonical URL from an id;
- how its embeds look in an article: the classes of its blockquote/div placeholders (and the
  tag names of custom elements such as `amp-twitter`) with the attributes that carry the post
  URL or id, attributes distinctive enough to mark an embed on any element
  (`data-telegram-post`), the iframe URLs its embed code writes, and the short links that
  redirect to its posts (discovery runs these declarations over the article and its hidden
  places; anything they cannot say goes in a `detectors` function);
- how its embed reads once flattened to text (`text_form`: see TextForm), when it leaves
  something recognisable;
- its own embed view (`embed_url`), which capture renders in the browser, and the CSS selector
  that is there once the embed has really rendered;
- optionally, how to fetch its structured data over HTTP (`fetch_data`), raising PostGone
  when the platform says the post is gone;
- what its rendered embed view shows when the platform says the post is gone (`view_states`:
  see ViewState), read after a capture and by the browser re-check of platforms without data;
- whether its posts carry video that yt-dlp can fetch from the post's canonical URL (`video`),
  or from another URL its extractor reads (`video_url`);
- the shape every post id of it has (`id_shape`), where its URL patterns alone are looser: no
  id of another shape is ever one of its posts (see `valid_id`), and the words publishers name
  it by in their own page data besides its name (`aliases`: a "tweet" block), and the shape of
  ids that name a collection of posts rather than one (`collection_shape`: a playlist), and
  its posts' thumbnail image URLs, which a player's facade may show alone (`thumbnails`);
- whether it has closed (`retired`): its posts are found and recorded as gone with it, never
  captured;
- optionally, what the offline world (the tests' and the demo's stand-in for the platforms'
  servers) needs to stand in for it (`stand_in`: see StandIn): plain data, read only there.

Only `name`, `url_patterns` and `canonical_url` are required; everything else degrades.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import httpx
    from lxml import html

    from archiver.models import Embed, PostData

# How far into a query string a parameter is looked for (see query_to).
QUERY_REACH = 500


def query_to(name: str) -> str:
    """A regex for a query string from its "?" to the parameter `name` (a regex) and its "=",
    wherever the parameter stands (after `&` or `&amp;`). The run before it is bounded: an
    unbounded one takes time quadratic in text that repeats the URL's start."""
    return rf"\?(?:[^\"'#\s<>]{{0,{QUERY_REACH}}}?&(?:amp;)?)?(?:{name})="


# The date line of an embed's byline, in the language the embed was made in ("August 7, 2024",
# "25. September 2018", "16 мая 2018 г.", "2019年1月26日"): not a list of month names but
# anything short that ends with a year (YEAR_TEXT), or is a CJK date.
YEAR_TEXT = r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}(?:\s*г\.?|\s*년)?)"
DATE_LINE = r"(?P<date>[^\n\r—–()@]{0,40}?" + YEAR_TEXT + r")"


@dataclass(frozen=True)
class TextForm:
    """How a platform's embed reads once its markup is flattened to text (copied as text, or a
    blockquote that lost its class): the post's text, its media links, then a signature naming
    the author as "(@handle)" and the date. Discovery finds the posts so written in plain text
    and in an article's paragraphs, and reads the byline of any embed with the signatures."""

    # The signature, with the groups `name`, `handle` and `date` (see DATE_LINE).
    signature: re.Pattern[str]
    # A link to the post's media, standing for the post when no status URL is at hand; in
    # text its scheme may be missing.
    media_link: re.Pattern[str]


class Page(Protocol):
    """What a detector is given: one parsed tree, the page or markup hidden in it (discovery's
    Document is one). A detector reads `root`, builds each embed it finds with `embed`, and
    claims the element it is, so that no later rule reports that element again."""

    @property
    def root(self) -> html.HtmlElement: ...

    def absolute(self, url: str) -> str:
        """`url` made absolute against the page's base URL."""
        ...

    def embed(
        self,
        platform: Platform,
        post_id: str | None,
        source: str,
        element: Any,
        url: str | None = None,
        **fields: Any,
    ) -> Embed:
        """An Embed of `platform` found at `element`; `url` is the post URL as found, if any.
        Raises ValueError when `post_id` has not the platform's shape (see valid_id)."""
        ...

    def claim(self, element: Any) -> None:
        """Mark `element` as an embed found: later rules leave it, and what it holds, alone."""
        ...

    def is_claimed(self, element: Any) -> bool:
        """Is `element` an embed found already?"""
        ...


@dataclass(frozen=True)
class ViewState:
    """A state of the platform's rendered embed view that is the platform's own word on the post:
    "This post isn't available", "Video unavailable", "Private video". `selector` (CSS) is
    looked for in the view, and, when `text` is given, the regex must match the text of what
    it found (or of the whole page, when selector is "body"). The first state that matches gives
    the post's status (a POST_STATUSES word); `reason` says in a few words what it means."""

    status: str
    selector: str
    text: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class StandInAnswer:
    """One answer of a platform's data endpoint, as the offline world serves it."""

    status: int
    body: str
    content_type: str = "application/json"


@dataclass(frozen=True)
class StandInData:
    """What the platform's data endpoint (the one its fetch_data asks) answers, so that the
    offline world can serve any post of it: live, edited (a new text) and gone."""

    host: str
    # Regex the data URL's path fully matches; its group `id` is the post id (or a post URL).
    path: str
    # (post id, the post's text) -> the answer for a live post.
    live: Callable[[str, str], StandInAnswer]
    # For each status fetch_data can say (a PostGone status), the answer that makes it say so.
    gone: Mapping[str, StandInAnswer] = field(default_factory=dict, compare=False)
    # The query parameter that names the post (its id or URL) when the path has no group `id`
    # (oEmbed's `url`).
    query: str | None = None


@dataclass(frozen=True)
class StandIn:
    """How the platform's embed view looks once rendered, for the offline world to draw one for
    any post: a page on the view's hosts whose script renders one post element (`tag` with
    `classes`, holding a line of text, an image from `image_host` and `extra`), which is what
    render_selector finds. Everything has a default, taken from the rest of the declaration:
    when tag, classes and extra are all left alone, the element is read off render_selector
    (its first alternative made of a tag and classes). A platform that declares no stand-in
    gets the defaults; twitter's is the world's own emulation."""

    title: str = ""  # how the view names the platform; default: its name, capitalized
    hosts: tuple[str, ...] = ()  # the view's hosts; default: those of embed_url of the examples
    path: str = r"/.*"  # regex the view's path fully matches
    image_host: str = ""  # where the post's image is; default: the view's first host
    classes: str = ""  # the platform's own class names on the rendered post
    tag: str = "article"  # the rendered post's element (Reddit's is a custom element)
    extra: str = ""  # markup inside the post that render_selector looks for
    data: StandInData | None = None  # for a platform with fetch_data: its data endpoint
    # For a post the platform says is gone, per status: the markup its real embed view shows
    # instead of the post (what the platform's view_states look for); default: a plain box.
    gone: Mapping[str, str] = field(default_factory=dict, compare=False)


FetchData = Callable[["httpx.AsyncClient", str], Awaitable["PostData"]]
# A custom detector: given one parsed tree (a Page), yields the embeds it finds, made with
# page.embed(...), and claims the element of each with page.claim(...).
Detector = Callable[[Page], Iterable["Embed"]]


@dataclass(frozen=True)
class Platform:
    """One platform's declaration, as the module docstring tells; see twitter.py for a full one."""

    name: str
    url_patterns: tuple[str, ...]
    canonical_url: Callable[[str], str]
    # Markup of the platform's embed code.
    embed_classes: tuple[str, ...] = ()  # class of a blockquote/div placeholder
    embed_tags: tuple[str, ...] = ()  # custom elements that are embeds (amp-twitter)
    # Where an embed_classes/embed_tags element keeps the post: a URL, or a bare id (see post_id).
    url_attributes: tuple[str, ...] = ("cite", "data-href")
    # Attributes that mark an embed on ANY element (data-tweet-id, data-telegram-post): URL or id.
    id_attributes: tuple[str, ...] = ()
    # iframe src patterns: named group `id`, or `url` holding the (percent-encoded) post URL.
    iframe_patterns: tuple[str, ...] = ()
    # Short links that redirect to this platform's posts (t.co, youtu.be): resolve.py follows them.
    short_links: tuple[str, ...] = ()
    # Its posts' thumbnail image URLs (named group `id`): a player's facade, named for the
    # platform, showing one as its picture beside a play button, stands for that post's player.
    thumbnails: tuple[str, ...] = ()
    # Query parameters that are part of a post URL (YouTube's v, list); others are tracking noise.
    url_query: tuple[str, ...] = ()
    detectors: tuple[Detector, ...] = ()  # anything the declarations above cannot say
    text_form: TextForm | None = None  # what its embed leaves once flattened to text
    # Builds the id from a url_patterns match when it is no single `id` group (Bluesky's
    # handle/rkey, a Reddit thread/comment); None rejects the match. Default: the `id` group.
    make_id: Callable[[re.Match[str]], str | None] | None = None
    # Capture.
    embed_url: Callable[[str], str | None] | None = None
    render_selector: str | None = None  # present once the embed view has rendered
    fetch_data: FetchData | None = None
    # What the rendered embed view shows for a post the platform says is gone (see ViewState).
    view_states: tuple[ViewState, ...] = ()
    # Its posts may carry video that yt-dlp can fetch from the canonical URL (capture/video.py).
    video: bool = False
    # The URL yt-dlp is given for a post, when its extractor does not read the canonical one.
    video_url: Callable[[str], str] | None = None
    # A long-lived public post (its URL) that `archiver doctor --live` captures to tell whether
    # the platform still works as this module expects.
    probe: str | None = None
    # A regex every post id fully matches (YouTube's 11 characters, a tweet's at most 19 digits);
    # None: an id is valid when its rebuilt canonical URL names it again (see valid_id).
    id_shape: str | None = None
    # A regex the ids of a collection of posts (a playlist) fully match, not one post's: such an
    # embed in the site's sidebar widgets is the site's chrome, not the article's (see collection).
    collection_shape: str | None = None
    # Other words that name the platform in publishers' page data ("tweet" for twitter).
    aliases: tuple[str, ...] = ()
    # When and why the platform closed ("Vine closed in January 2017"): its posts are recorded
    # "unavailable" with this reason, without a capture. None for a live platform.
    retired: str | None = None
    # (url, expected post_id) pairs: every platform's examples are tested against every other.
    examples: tuple[tuple[str, str], ...] = ()
    # What the offline world needs to stand in for it (not part of the platform's identity).
    stand_in: StandIn | None = field(default=None, compare=False)
    url_res: tuple[re.Pattern[str], ...] = field(default=(), init=False, repr=False, compare=False)
    iframe_res: tuple[re.Pattern[str], ...] = field(default=(), init=False, repr=False, compare=False)
    short_link_res: tuple[re.Pattern[str], ...] = field(default=(), init=False, repr=False, compare=False)
    thumbnail_res: tuple[re.Pattern[str], ...] = field(default=(), init=False, repr=False, compare=False)
    id_re: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def compile_all(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(p, re.IGNORECASE) for p in patterns)

        object.__setattr__(self, "url_res", compile_all(self.url_patterns))
        object.__setattr__(self, "iframe_res", compile_all(self.iframe_patterns))
        object.__setattr__(self, "short_link_res", compile_all(self.short_links))
        object.__setattr__(self, "thumbnail_res", compile_all(self.thumbnails))
        object.__setattr__(self, "id_re", re.compile(self.id_shape) if self.id_shape else None)

    def match(self, url: str) -> str | None:
        """The post id if `url` is one of this platform's post URLs, else None."""
        for pattern in self.url_res:
            m = pattern.search(url)
            if m:
                post_id = m.group("id") if self.make_id is None else self.make_id(m)
                if post_id and (self.id_re is None or self.id_re.fullmatch(post_id)):
                    return post_id
        return None

    def valid_id(self, post_id: str) -> bool:
        """Has `post_id` the shape of this platform's post ids? It fully matches id_shape when
        one is declared, else it is the id its own canonical URL names: the one test every id
        discovery reports passes (a wrapper's name such as "EmbedBoxModule" is no shortcode)."""
        if not post_id or len(post_id) > 300:
            return False
        if self.id_re is not None:
            return self.id_re.fullmatch(post_id) is not None
        try:
            return self.match(self.canonical_url(post_id)) == post_id
        except (ValueError, KeyError, IndexError):
            return False

    def collection(self, post_id: str | None) -> bool:
        """Does `post_id` name a collection of posts (a playlist), not one post?"""
        return bool(post_id and self.collection_shape and re.fullmatch(self.collection_shape, post_id))

    def post_id(self, value: str) -> str | None:
        """The post id in `value`, a post URL or a bare id (checked by rebuilding its URL)."""
        value = value.strip()
        if not value:
            return None
        found = self.match(value)
        if found is None and "://" not in value and not value.startswith("//") and len(value) <= 200:
            try:
                rebuilt = self.match(self.canonical_url(value))
            except (ValueError, KeyError):
                return None
            found = rebuilt if rebuilt is not None and rebuilt.lower() == value.lower() else None
            if found is None and self.id_re is not None and self.id_re.fullmatch(value):
                found = value  # its shape says so where its canonical URL does not (Facebook's)
        return found

    def view_url(self, post_id: str) -> str:
        """What capture renders: the embed view if the platform has one, else the post itself."""
        if self.embed_url is not None:
            url = self.embed_url(post_id)
            if url:
                return url
        return self.canonical_url(post_id)
