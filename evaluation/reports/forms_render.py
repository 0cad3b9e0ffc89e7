"""One HTML per form, three outputs: the print page, the PDF (WeasyPrint) and the workbook.

Each form is a Jinja template under `templates/forms/`. The print page is that HTML; the PDF
is the same HTML laid out by WeasyPrint on A4 with Liberation Serif embedded (DejaVu Serif
where Debian's fonts-liberation is missing); the workbook is written from the same HTML's
marked blocks (`data-x`: masthead, line, table, signs) through core's workbook conventions,
so the three can never say different things.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from flask import render_template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher
from xlsxwriter.format import Format

from evaluation.core.workbook import (
    FONT,
    Column,
    Export,
    Formats,
    Sheet,
    is_formula_like,
    new_workbook,
)

PDF_MIMETYPE = "application/pdf"
LONG_TABLE = 20  # rows past which a table's header repeats on every printed page
# Debian's fonts-liberation2: Liberation Serif 2.x, which has the Vietnamese letters (the 1.x
# of fonts-liberation lacks ệ, ữ, ơ …); DejaVu Serif where it is missing.
LIBERATION = Path("/usr/share/fonts/truetype/liberation2")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# (weight, style) → the Liberation Serif file, then the DejaVu Serif one to fall back on.
FACES = {
    ("normal", "normal"): ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    ("bold", "normal"): ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    ("normal", "italic"): ("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"),
    ("bold", "italic"): ("LiberationSerif-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}


def font_files() -> dict[tuple[str, str], tuple[str, Path]]:
    """Each face's family and file found on this machine, Liberation Serif first."""
    found = {}
    for face, (liberation, dejavu) in FACES.items():
        for family, path in (
            ("Liberation Serif", LIBERATION / liberation),
            ("DejaVu Serif", DEJAVU / dejavu),
        ):
            if path.is_file():
                found[face] = (family, path)
                break
    return found


def font_face_css() -> str:
    """@font-face rules naming the files by path, so WeasyPrint embeds exactly these."""
    rules = [
        f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for (weight, style), (family, path) in font_files().items()
    ]
    return "\n".join(rules)


class FontsOnly(URLFetcher):
    """WeasyPrint may open the font files and nothing else: no network, no other file."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        allowed = {path.as_uri() for _family, path in font_files().values()}
        if url not in allowed:
            raise ValueError(f"not fetched: {url[:80]}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class Rendered:
    """A form's HTML for print and for the PDF, and the names to download it under."""

    html: str
    pdf_html: str
    stem: str  # ASCII file name without extension
    display: str  # Vietnamese file name without extension


def render(template: str, stem: str, display: str, **context: Any) -> Rendered:
    return Rendered(
        render_template(template, pdf=False, **context),
        render_template(template, pdf=True, **context),
        stem,
        display,
    )


def stylesheet() -> str:
    return render_template("forms/form.css")


def pdf_bytes(rendered: Rendered) -> bytes:
    """The PDF of the print page: A4, page numbers from the second page, fonts embedded."""
    fonts = FontConfiguration()
    fetcher = FontsOnly(allowed_protocols=["file"])
    css = CSS(string=font_face_css() + "\n" + stylesheet(), font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=rendered.pdf_html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[css], font_config=fonts)


def pdf_export(rendered: Rendered) -> Export:
    return Export(
        io.BytesIO(pdf_bytes(rendered)), f"{rendered.stem}.pdf", f"{rendered.display}.pdf"
    )


# --- the workbook, from the same HTML ------------------------------------------------------


@dataclass
class Cell:
    text: str = ""
    number: float | None = None
    header: bool = False


@dataclass
class Block:
    """A marked element of the form: a line, the masthead, a table or the signatures."""

    kind: str  # line, masthead, table, signs
    style: str = "text"
    text: str = ""
    # masthead: [left lines, right lines]; signs: one list of lines per signer
    columns: list[list[tuple[str, str]]] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)


class FormParser(HTMLParser):
    """Reads the blocks marked `data-x` (and, inside them, `data-s` lines and table cells)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.depth = 0  # element depth inside the current block
        self.text: list[str] | None = None  # the line or cell being read
        self.style = "text"
        self.cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "br" and self.text is not None:
            self.text.append("\n")
            return
        if tag in ("br", "hr", "img", "meta", "link"):
            return
        if self.block is None:
            kind = attr.get("data-x")
            if kind in ("line", "masthead", "table", "signs"):
                self.block = Block(kind, attr.get("data-s") or "text")
                self.depth = 1
                if kind == "line":
                    self.text = []
            return
        self.depth += 1
        block = self.block
        if block.kind in ("masthead", "signs") and attr.get("data-x") in ("left", "right", "sign"):
            block.columns.append([])
        elif block.kind == "table" and tag == "tr":
            block.rows.append([])
        elif block.kind == "table" and tag in ("td", "th"):
            number = attr.get("data-n")
            self.cell = Cell(number=float(number) if number else None, header=tag == "th")
            self.text = []
        elif block.kind in ("masthead", "signs") and attr.get("data-s"):
            self.style = attr["data-s"] or "text"
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if self.block is None or tag in ("br", "hr", "img", "meta", "link"):
            return
        self.depth -= 1
        block = self.block
        if self.depth == 0:
            if block.kind == "line" and self.text is not None:
                block.text = clean("".join(self.text))
            self.blocks.append(block)
            self.block, self.text = None, None
            return
        if block.kind == "table" and tag in ("td", "th") and self.cell is not None:
            self.cell.text = clean("".join(self.text or []))
            block.rows[-1].append(self.cell)
            self.cell, self.text = None, None
        elif block.kind in ("masthead", "signs") and self.text is not None and block.columns:
            block.columns[-1].append((self.style, clean("".join(self.text))))
            self.text = None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def clean(text: str) -> str:
    """Whitespace as a reader sees it: runs of spaces as one, line breaks kept."""
    lines = (" ".join(part.split()) for part in text.split("\n"))
    return "\n".join(lines).strip()


def blocks_of(html: str) -> list[Block]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


class FormSheet:
    """Writes a form's blocks on an A4 portrait sheet, on a grid as wide as its widest table."""

    def __init__(self, book: Any, blocks: list[Block], name: str) -> None:
        widths = column_widths(blocks)
        self.formats = Formats(book)
        self.sheet = Sheet(book, self.formats, name, [Column("", w, "wrap") for w in widths])
        self.sheet.ws.set_portrait()
        self.sheet.ws.set_margins(left=1.2, right=0.6, top=0.8, bottom=0.8)  # ND30: 30/15/20 mm
        self.widths = widths
        self.repeated = False
        base = {"font_name": FONT, "font_size": 12, "valign": "top", "text_wrap": True}

        self.book = book
        self.props: dict[int, dict[str, Any]] = {}  # each format's properties, by id
        self.quoted_formats: dict[int, Format] = {}

        def make(**props: Any) -> Format:
            fmt = book.add_format({**base, **props})
            self.props[id(fmt)] = {**base, **props}
            return fmt

        self.styles: dict[str, Format] = {
            "plain": make(align="center"),
            "bold": make(align="center", bold=True),
            "bold-rule": make(align="center", bold=True, bottom=1),
            "italic": make(align="center", italic=True),
            "label": make(align="right", bold=True),
            "title": make(align="center", bold=True, font_size=14),
            "subtitle": make(align="center", bold=True),
            "center": make(align="center"),
            "center-italic": make(align="center", italic=True),
            "section": make(bold=True, font_size=13),
            "text": make(align="justify"),
            "note": make(italic=True),
            "space": make(),
        }
        self.header = make(bold=True, align="center", border=1, bg_color="#E7E6E6")
        self.cell_text = make(border=1)
        self.cell_number = make(border=1, num_format="#,##0.00", text_wrap=False)
        self.cell_bold = make(border=1, bold=True)

    @property
    def last(self) -> int:
        return len(self.widths) - 1

    def write(self, blocks: list[Block]) -> None:
        for block in blocks:
            getattr(self, f"_{block.kind}")(block)

    def _span_height(self, text: str, first: int, last: int) -> None:
        chars = max(8, int(sum(self.widths[first : last + 1]) * 1.1))
        lines = sum(len(part) // chars + 1 for part in text.split("\n"))
        if lines > 1:
            self.sheet.ws.set_row(self.sheet.row, min(409, 16 * lines))

    def _quoted(self, text: str, fmt: Format) -> Format:
        """User text a spreadsheet would take for a formula keeps a quote prefix, so it stays
        text even when the cell is edited (as in every other export)."""
        if not is_formula_like(text):
            return fmt
        if id(fmt) not in self.quoted_formats:
            props = {**self.props.get(id(fmt), {}), "quote_prefix": True}
            self.quoted_formats[id(fmt)] = self.book.add_format(props)
        return self.quoted_formats[id(fmt)]

    def _line(self, block: Block) -> None:
        fmt = self._quoted(block.text, self.styles.get(block.style, self.styles["text"]))
        self._span_height(block.text, 0, self.last)
        self.sheet.merged(block.text, fmt)
        self.sheet.skip()

    def _columns(self, columns: list[list[tuple[str, str]]], spans: list[tuple[int, int]]) -> None:
        height = max((len(c) for c in columns), default=0)
        for line in range(height):
            for (first, last), column in zip(spans, columns, strict=True):
                if line < len(column):
                    style, text = column[line]
                    fmt = self.styles.get(style, self.styles["text"])
                    self.sheet.merged(text, fmt, first, last)
            self.sheet.skip()

    def _masthead(self, block: Block) -> None:
        split = max(0, (self.last + 1) * 2 // 5 - 1)
        spans = [(0, split), (min(split + 1, self.last), self.last)][: len(block.columns)]
        self._columns(block.columns, spans)
        self.sheet.skip()

    def _signs(self, block: Block) -> None:
        count = max(1, len(block.columns))
        span = max(1, (self.last + 1) // count)
        spans = [
            (i * span, self.last if i == count - 1 else (i + 1) * span - 1) for i in range(count)
        ]
        self.sheet.skip()
        self._columns(block.columns, spans)
        self.sheet.skip()

    def _table(self, block: Block) -> None:
        ws = self.sheet.ws
        headers = sum(1 for cells in block.rows if cells and all(c.header for c in cells))
        if headers and len(block.rows) > LONG_TABLE and not self.repeated:
            # the first long table's header is printed again at the top of each page
            ws.repeat_rows(self.sheet.row, self.sheet.row + headers - 1)
            self.repeated = True
        for cells in block.rows:
            last_col = len(cells) - 1
            for col, cell in enumerate(cells):
                # the last cell runs to the grid's edge, so narrow tables fill the width
                end = self.last if col == last_col else col
                if cell.header:
                    fmt = self.header
                elif cell.number is not None:
                    fmt = self.cell_number
                else:
                    fmt = self.cell_text
                if end > col:
                    ws.merge_range(self.sheet.row, col, self.sheet.row, end, "", fmt)
                if cell.number is not None and not cell.header:
                    ws.write_number(self.sheet.row, col, cell.number, fmt)
                elif cell.text:
                    ws.write_string(self.sheet.row, col, cell.text, self._quoted(cell.text, fmt))
                else:
                    ws.write_blank(self.sheet.row, col, None, fmt)
            longest = max(
                (len(c.text) / max(6, self.widths[i]) for i, c in enumerate(cells)), default=0
            )
            if longest > 1:
                ws.set_row(self.sheet.row, min(409, 16 * (int(longest) + 1)))
            self.sheet.skip()
        self.sheet.skip()


def column_widths(blocks: list[Block]) -> list[float]:
    """The grid: as many columns as the widest table (at least 6), each as wide as its
    longest short text allows, between 6 and 40 characters."""
    count = max([6, *(max((len(r) for r in b.rows), default=0) for b in blocks)])
    widths = [8.0] * count
    for block in blocks:
        for row in block.rows:
            for col, cell in enumerate(row[:count]):
                longest = max((len(word) for word in cell.text.split("\n")), default=0)
                widths[col] = max(widths[col], min(40.0, longest * 0.6 + 4))
    return widths


def xlsx_export(rendered: Rendered, sheet_name: str) -> Export:
    """The form as a workbook: the print page's blocks, row by row, A4 portrait."""
    stream = io.BytesIO()
    book = new_workbook(stream)
    blocks = blocks_of(rendered.pdf_html)
    writer = FormSheet(book, blocks, sheet_name)
    writer.write(blocks)
    book.close()
    stream.seek(0)
    return Export(stream, f"{rendered.stem}.xlsx", f"{rendered.display}.xlsx")
