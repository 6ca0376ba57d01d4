"""Bytes to text: sniff binary, pick the encoding, and tell HTML from plain text by content."""

from __future__ import annotations

import codecs
import re

from archiver.errors import InputError

# Content types we can read; anything else (image/*, application/pdf...) is not an article.
READABLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")

_MAGIC = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"\x00\x00\x00", "binary data"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control bytes that do not occur in text (all below 0x20 but tab, newlines, form feed and escape).
_TEXT_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# What browsers really use for the legacy labels (WHATWG Encoding Standard). A page declaring
# UTF-16 or UTF-32 without being so (it has no BOM and no NUL bytes: see _decode) is UTF-8.
_ALIASES = {
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
}
_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|span|a|blockquote|iframe|script|style|article"
    r"|section|main|br|img|figure|table|ul|ol|li|h[1-6]|template|noscript|textarea|amp-[a-z-]+)[\s>/]",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def check_content_type(content_type: str | None) -> None:
    """Raise InputError for a declared type that is no article (an image, a PDF, JSON...)."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and mime not in READABLE_TYPES and not mime.startswith("text/"):
        raise InputError(f"not an article: content type {mime}")


def to_text(body: bytes | str, content_type: str | None = None, max_bytes: int | None = None) -> str:
    """The document as text, at most `max_bytes` of it; InputError when empty or binary."""
    check_content_type(content_type)
    if isinstance(body, str):
        text = body if max_bytes is None else body[:max_bytes]
        text = text.encode("utf-8", "replace").decode("utf-8")  # lxml stops at a lone surrogate
    else:
        data = body if max_bytes is None else body[:max_bytes]
        text = _decode(data, content_type)
    text = text.replace("\x00", "")
    if not text.strip():
        raise InputError("empty input: nothing to read")
    return text


def looks_like_html(text: str) -> bool:
    """HTML when tags show up near the top; plain text otherwise (a flattened article)."""
    return _HTML_TAG.search(text, 0, 200_000) is not None


def strip_xml_declaration(text: str) -> str:
    """lxml refuses str input that declares an encoding: the declaration has done its job."""
    return _XML_DECLARATION.sub("", text, count=1)


def _decode(data: bytes, content_type: str | None) -> str:
    if not data.strip():
        raise InputError("empty input: nothing to read")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    head = data[:8192]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"not an article: the input is {what}")
    if head.count(0) > len(head) // 8:
        utf16 = _utf16_without_bom(head)
        if utf16 is None:
            raise InputError("not an article: the input is binary data")
        return data.decode(utf16, "replace")
    if len(head.translate(None, _TEXT_CONTROLS)) < len(head) * 0.9:
        raise InputError("not an article: the input is binary data")
    declared = _declared_charset(data, content_type)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    if declared == "utf-8" or _mostly_utf8(data, bad_at):  # a cut character, whatever the label
        return data.decode("utf-8", "replace")
    if declared:
        try:
            return data.decode(declared, "replace")
        except (LookupError, UnicodeError):  # a codec that is no text encoding (rot13, hex, idna)
            pass
    return data.decode("cp1252", "replace")


def _declared_charset(data: bytes, content_type: str | None) -> str | None:
    candidates: list[str] = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            candidates.append(m.group(1))
    head = data[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found:
            candidates.append(found.group(1).decode("ascii", "replace"))
    for label in candidates:
        try:
            name = codecs.lookup(label).name
        except LookupError:
            continue
        return _ALIASES.get(name, name)
    return None


def _mostly_utf8(data: bytes, bad_at: int) -> bool:
    """A UTF-8 page with a few broken sequences (a cut character) rather than a legacy charset."""
    sample = data[max(0, bad_at - 65536) : bad_at + 65536]
    decoded = sample.decode("utf-8", "replace")
    bad = decoded.count("\ufffd")
    high = sum(1 for b in sample if b >= 0x80)
    return bad * 20 < max(high, 1)


def _utf16_without_bom(head: bytes) -> str | None:
    even_zeros = head[0::2].count(0)
    odd_zeros = head[1::2].count(0)
    half = len(head) // 2
    if odd_zeros > half * 0.7 and even_zeros < half * 0.1:
        return "utf-16-le"
    if even_zeros > half * 0.7 and odd_zeros < half * 0.1:
        return "utf-16-be"
    return None
