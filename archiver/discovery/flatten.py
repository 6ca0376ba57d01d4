"""Markup nested deeper than the parser goes, made shallow enough to parse.

libxml2 stops reading a page at 2,048 levels of nesting (with huge_tree; 256 without) and
everything after that point is lost, while a browser goes on showing it (it flattens what is
too deep). A page that hits the limit is re-tokenized here and written out again with its
nesting capped, a start tag past its depth dropped with its end tag (what it held joins its
nearest kept ancestor): a tag without attributes (a bare <div>, <span>, <b>: what deep-nesting
pages are made of) past BARE_DEPTH, one with only layout attributes (class, id, style) past
ATTRIBUTED_DEPTH, one that carries data (a data-href, a src) or can hold an embed (blockquote,
a) past EMBED_DEPTH, and one that is or hides an embed itself (iframe, script, template,
noscript, a custom element such as amp-twitter) past FRAME_DEPTH, below the parser's limit
with room for the elements it adds itself (tbody). Only a page nesting more than that many
embed-like elements loses what is inside the deepest of them. Text, comments and positions
(line breaks) are kept, so the embeds inside and after the deep part are found where they stand.
"""

from __future__ import annotations

from html.parser import HTMLParser

# The depth past which a tag is dropped, by kind; libxml2 stops at 2,048.
BARE_DEPTH, ATTRIBUTED_DEPTH, EMBED_DEPTH, FRAME_DEPTH = 900, 1500, 1900, 2000
# The tags embeds are made of.
EMBED_TAGS = frozenset({"blockquote", "a"})
# The tags that are an embed, or hide its markup.
FRAME_TAGS = frozenset(
    {"iframe", "script", "noscript", "template", "textarea", "object", "embed", "video", "frame", "xmp"}
)
# Attributes that only lay an element out (a wrapper's), as opposed to carrying data.
LAYOUT_ATTRIBUTES = frozenset(
    {"class", "id", "style", "dir", "lang", "role", "title", "align", "width", "height"}
)
VOID_TAGS = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track")
) | {"wbr"}


def too_deep(messages: list[str]) -> bool:
    """Did the parser stop at its nesting limit (from its error log's messages)?"""
    return any("Excessive depth" in message for message in messages)


def flatten(text: str) -> str:
    """`text` written out again with its nesting capped (see the module docstring)."""
    writer = _Writer()
    writer.feed(text)
    writer.close()
    return "".join(writer.out)


class _Writer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # every open element, and whether it was written
        self.depth = 0  # open elements written

    def _keeps(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in FRAME_TAGS or "-" in tag:
            return self.depth < FRAME_DEPTH
        if not attrs:
            return self.depth < BARE_DEPTH
        if tag in EMBED_TAGS or any(name not in LAYOUT_ATTRIBUTES for name, _ in attrs):
            return self.depth < EMBED_DEPTH
        return self.depth < ATTRIBUTED_DEPTH

    def _drop(self, raw: str) -> None:
        self.out.append("\n" * raw.count("\n"))  # the lines after it stay where they were

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag in VOID_TAGS:
            self.out.append(raw)
            return
        keep = self._keeps(tag, attrs)
        self.open.append((tag, keep))
        if keep:
            self.depth += 1
            self.out.append(raw)
        else:
            self._drop(raw)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not any(name == tag for name, _ in self.open):
            return  # a stray end tag: the parser would ignore it too
        while self.open:
            name, kept = self.open.pop()
            if kept:
                self.depth -= 1
                self.out.append(f"</{name}>")
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")
