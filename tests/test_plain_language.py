"""Plain language on every page: a crawler signs in as every demo role and reads what is shown.

Issue 16 §1: a Vietnamese page shows no rule code (G1, S5, C6 …), no rulebook id (nd90@1,
ND335 …), no internal value (hoan_thanh, general_points …) and no English; an English page shows
no Vietnamese interface text (the demo's own data, such as people's and units' names, excepted);
neither writes a number the other language's way (67.31 on a Vietnamese page, 67,31 on an
English one). The official forms (Mẫu số 01–03, minutes, reports) are Vietnamese documents in
every language and are read as such. Only the visible text counts: tags, scripts, styles and
attributes are stripped, and so is an element written in the other language on purpose (the
language switch carries `lang`).

One application and one demo load for the module; each role follows every same-origin link
(GET only) breadth first, a few URLs per endpoint, so every kind of page is read without
reading every person's.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from collections.abc import Iterator
from datetime import datetime, time, tzinfo
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

import criteria
from evaluation import create_app
from evaluation.core import clock as clock_module
from evaluation.core.db import Base, db
from evaluation.core.throttle import limiter
from evaluation.demo.loader import read_seed
from tests.conftest import DEMO_DAY

TODAY = DEMO_DAY  # the evaluation season: every step of the procedure is on a page
PER_ENDPOINT = 2  # URLs read per endpoint and role (people's pages differ only in data)
OFFICIAL_FORMS = "/reports/forms/"  # Mẫu số 01–03, minutes, reports: Vietnamese documents
MAX_PAGES = 80  # per role and language, a bound the crawl never reaches on the demo

# --- what may not be shown -----------------------------------------------------------------

RULE_CODE = re.compile(r"(?<!khổ )\b[ABCDEGHKPQSTUX][1-9]\b")  # "khổ A4" is the paper
RULEBOOK_ID = re.compile(r"(?i)\bn[dđ]\s?(?:48|90|335)\b|@\d\b")
POINT_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])")  # 67.31: English digits
COMMA_DECIMAL = re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d.,])")  # 67,31: Vietnamese digits
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ENGLISH = re.compile(
    r"\b(?:Art\.|cl\.|the|of|and|at most|regardless|as amended|by analogy|points?|levels?|"
    r"policy|required|must|between|invalid|not a valid|field|None|True|False)(?![\wÀ-ỹ])",
    re.IGNORECASE,
)
# A Vietnamese word: a letter no English word has (đ, or a vowel with a tone or hat).
VIETNAMESE_LETTER = re.compile(
    r"[đĐàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    r"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]"
)
WORD = re.compile(r"[\wÀ-ỹ]+")


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles, and nothing marked as
    written in another language than the page's."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = ""
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.page_lang = attributes.get("lang") or ""
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        if tag in self.VOID:
            return
        hidden = bool(self.stack and self.stack[-1][1])
        hidden = hidden or tag in ("script", "style", "template")
        lang = attributes.get("lang")
        hidden = hidden or bool(lang and tag != "html" and lang != self.page_lang)
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts)).strip()


def read_page(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def _around(text: str, match: re.Match[str]) -> str:
    return text[max(0, match.start() - 40) : match.end() + 40]


def vietnamese_findings(text: str) -> list[str]:
    """What a Vietnamese page may not show: codes, rulebook ids, internal values, English."""
    found = []
    for kind, pattern in (
        ("rule code", RULE_CODE),
        ("rulebook id", RULEBOOK_ID),
        ("internal value", SNAKE_CASE),
        ("English", ENGLISH),
        ("English number", POINT_DECIMAL),
    ):
        found += [f"{kind} {m.group(0)!r}: …{_around(text, m)}…" for m in pattern.finditer(text)]
    return found


def english_findings(text: str, allowed: set[str]) -> list[str]:
    """What an English page may not show: Vietnamese words that are not the demo's data, and
    numbers written the Vietnamese way."""
    found = [
        f"Vietnamese {m.group(0)!r}: …{_around(text, m)}…"
        for m in WORD.finditer(text)
        if VIETNAMESE_LETTER.search(m.group(0)) and m.group(0).casefold() not in allowed
    ]
    return found + [
        f"Vietnamese number {m.group(0)!r}: …{_around(text, m)}…"
        for m in COMMA_DECIMAL.finditer(text)
    ]


def report(findings: dict[str, list[str]]) -> str:
    """The first few findings of each page, so a failure reads in one screen."""
    lines = [f"{sum(map(len, findings.values()))} findings on {len(findings)} pages:"]
    for url, found in list(findings.items())[:20]:
        lines += [f"{url}: {f}" for f in found[:4]]
    return "\n".join(lines)


# --- the crawl -----------------------------------------------------------------------------


def demo_logins() -> list[str]:
    seed = read_seed("organisation.json")
    return [spec["username"] for spec in [*seed["accounts"], *seed["people"]] if "demo" in spec]


def crawl(app: Flask, client: FlaskClient, broken: list[str]) -> Iterator[tuple[str, str]]:
    """Every same-origin page reachable from the home page by GET links: (url, html); a URL
    that answers 500 goes to `broken`."""
    adapter = app.url_map.bind("localhost")
    per_endpoint: Counter[str] = Counter()
    seen: set[str] = set()
    queue = deque(["/"])
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        try:
            endpoint, _ = adapter.match(urlsplit(url).path, method="GET")
        except HTTPException:
            continue
        if endpoint == "static" or per_endpoint[endpoint] >= PER_ENDPOINT:
            continue
        per_endpoint[endpoint] += 1
        response = client.get(url)
        if response.status_code >= 500:
            broken.append(url)
            continue
        if response.status_code in (301, 302, 303) and response.location:
            hrefs = [response.location]
        elif response.status_code == 200 and response.mimetype == "text/html":
            pages += 1
            html = response.get_data(as_text=True)
            yield url, html
            hrefs = read_page(html).links
        else:
            continue
        for href in hrefs:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)


@pytest.fixture(scope="module")
def demo_app(demo_database: str) -> Iterator[Flask]:
    """One application on the session's demo database (conftest), on the demo's day."""
    url = demo_database
    noon = datetime.combine(TODAY, time(12), clock_module.AGENCY_TIMEZONE)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return noon.astimezone(tz) if tz else noon.replace(tzinfo=None)

    application = create_app(
        {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock_module, "datetime", Frozen)
        yield application
    db.engine_of(application).dispose()


@pytest.fixture(scope="module")
def demo_words(demo_app: Flask) -> set[str]:
    """Every word of the demo's own data (names, units, positions, tasks, comments …): on an
    English page these are the user's text, not the interface's."""
    words: set[str] = set()
    with demo_app.app_context():
        session = db.new_session(demo_app)
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
            columns = [c for c in columns if not isinstance(c.type, sa.Enum)]
            if not columns:
                continue
            for row in session.execute(sa.select(*columns)):
                for value in row:
                    if isinstance(value, str):
                        words.update(w.casefold() for w in WORD.findall(value))
        session.close()
    # The criteria sets are a province's own scheme, written in its language and shown as
    # written (criteria/sets/*.json): content, like the names above, not interface text.
    for path in (Path(criteria.__file__).parent / "sets").glob("*.json"):
        words.update(
            w.casefold() for w in WORD.findall(" ".join(_strings(json.loads(path.read_text()))))
        )
    return words


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def signed_in(app: Flask, username: str, lang: str) -> FlaskClient:
    limiter.reset()
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": "Danhgia@2026"})
    assert response.status_code == 302, username
    client.post("/language", data={"lang": lang})
    return client


@pytest.mark.parametrize("username", demo_logins())
def test_vietnamese_pages_show_no_codes_and_no_english(demo_app: Flask, username: str) -> None:
    client = signed_in(demo_app, username, "vi")
    findings: dict[str, list[str]] = {}
    broken: list[str] = []
    pages = 0
    for url, html in crawl(demo_app, client, broken):
        page = read_page(html)
        assert page.page_lang == "vi", url
        pages += 1
        if found := vietnamese_findings(page.text):
            findings[url] = found
    assert not broken
    assert pages >= 5
    assert not findings, report(findings)


@pytest.mark.parametrize("username", demo_logins())
def test_english_pages_show_no_vietnamese_interface(
    demo_app: Flask, demo_words: set[str], username: str
) -> None:
    client = signed_in(demo_app, username, "en")
    findings: dict[str, list[str]] = {}
    broken: list[str] = []
    pages = 0
    for url, html in crawl(demo_app, client, broken):
        page = read_page(html)
        pages += 1
        if page.page_lang == "vi":
            # an official form is a Vietnamese document in every language; its screen-only
            # links are marked as the page's language and skipped
            assert urlsplit(url).path.startswith(OFFICIAL_FORMS), url
            found = vietnamese_findings(page.text)
        else:
            assert page.page_lang == "en", url
            found = english_findings(page.text, demo_words)
        if found:
            findings[url] = found
    assert not broken
    assert pages >= 5
    assert not findings, report(findings)


def test_the_checks_catch_what_issue_16_found() -> None:
    """The patterns themselves: each example of the issue is caught, plain Vietnamese is not."""
    for bad in (
        "Q1 (ND335/2025/NĐ-CP, xuat_sac at most 20% of those at tot)",
        "G1 (ND90 Art. 4–15 …)",
        "Phòng Kinh tế nd335@1",
        "Văn phòng (nd90)",
        "This field is required.",
        "Number must be between 0 and 6.0.",
        "general_points",
        "C6",
    ):
        assert vietnamese_findings(bad), bad
    plain = (
        "Khoản 1 Điều 13 Nghị định 90/2020/NĐ-CP: Hoàn thành tốt nhiệm vụ, 67,31 điểm. "
        "Có thể được xem xét bổ nhiệm vào vị trí cao hơn. Mã X-TANPHONG, SL0001."
    )
    assert vietnamese_findings(plain) == []
    assert english_findings("Level: Hoàn thành tốt nhiệm vụ", {"nguyễn"})
    assert english_findings("Nguyễn Văn An: well completed", {"nguyễn", "văn"}) == []
    page = read_page(
        '<html lang="vi"><title>Trang</title><script>var x_y = 1;</script>'
        '<p title="G1">Mức</p><button lang="en">English</button></html>'
    )
    assert page.text == "Trang Mức"
