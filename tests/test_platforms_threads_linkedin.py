"""Threads and LinkedIn: ids, and their embed code found (and share or profile links not)."""

from __future__ import annotations

from platforms_support import found

from archiver.discovery.find import find_embeds
from archiver.platforms import linkedin, threads

# Threads' embed code as its "Embed" menu writes it (styles shortened).
THREADS_BLOCKQUOTE = (
    '<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/@zuck/post/C8Fr0YgS0Bt"'
    ' data-text-post-version="0" id="ig-tp-C8Fr0YgS0Bt" style="background:#FFF; max-width:540px;">'
    ' <a href="https://www.threads.net/@zuck/post/C8Fr0YgS0Bt" target="_blank"> <div>'
    " <div>Post by @zuck</div> <div>View on Threads</div></div></a></blockquote>"
    '<script async src="https://www.threads.net/embed.js"></script>'
)
LINKEDIN_IFRAME = (
    '<iframe src="https://www.linkedin.com/embed/feed/update/urn:li:share:7012345678901234567"'
    ' height="670" width="504" frameborder="0" allowfullscreen="" title="Embedded post"></iframe>'
)


def test_threads_ids():
    match = threads.PLATFORM.match
    assert match("https://www.threads.net/@zuck/post/C8Fr0YgS0Bt") == "C8Fr0YgS0Bt"
    assert match("https://www.threads.com/@zuck/post/C8Fr0YgS0Bt/?xmt=AQGz") == "C8Fr0YgS0Bt"
    assert match("https://threads.net/t/CuXFPIeLLod") == "CuXFPIeLLod"
    assert match("https://www.threads.net/@thelocalsweden") is None
    assert match("https://www.threads.net/@zuck/post/C8Fr0YgS0Bt/media") == "C8Fr0YgS0Bt"
    assert threads.PLATFORM.view_url("C8Fr0YgS0Bt") == "https://www.threads.com/t/C8Fr0YgS0Bt/embed"
    assert threads.PLATFORM.fetch_data is not None  # Meta's oEmbed and embed view: test_platforms_meta.py


def test_linkedin_ids():
    match = linkedin.PLATFORM.match
    urn = "urn:li:activity:7198765432109876543"
    assert match(f"https://www.linkedin.com/feed/update/{urn}/") == urn
    assert (
        match("https://www.linkedin.com/embed/feed/update/urn%3Ali%3Aactivity%3A7198765432109876543") == urn
    )
    assert match("https://www.linkedin.com/posts/someone_a-title-activity-7198765432109876543-Xy_z") == urn
    assert match("https://www.linkedin.com/in/nlomas") is None
    assert match("https://www.linkedin.com/shareArticle?mini=true&url=https%3A%2F%2Fexample.com") is None
    assert match("https://www.linkedin.com/company/example/") is None
    assert linkedin.PLATFORM.view_url(urn) == f"https://www.linkedin.com/embed/feed/update/{urn}"


def test_detect_threads_blockquote_and_iframe():
    page = (
        f"<p>One.</p>{THREADS_BLOCKQUOTE}<p>Two.</p>"
        '<iframe src="https://www.threads.com/@nasa/post/DAbCdEfGhIj/embed/" width="540"></iframe>'
        '<p>Follow <a href="https://www.threads.net/@thelocalsweden">us on Threads</a></p>'
    )
    assert found(find_embeds(page.encode(), links=True), "threads") == [
        ("C8Fr0YgS0Bt", "blockquote"),
        ("DAbCdEfGhIj", "iframe"),
    ]


def test_detect_linkedin_iframe_not_share_buttons():
    page = (
        f"<p>One.</p>{LINKEDIN_IFRAME}"
        '<a href="https://www.linkedin.com/shareArticle?mini=true&amp;url=https%3A%2F%2Fexample.com">Share</a>'
        '<a href="https://www.linkedin.com/in/nlomas">Natasha on LinkedIn</a>'
    )
    assert found(find_embeds(page.encode(), links=True), "linkedin") == [
        ("urn:li:share:7012345678901234567", "iframe")
    ]
