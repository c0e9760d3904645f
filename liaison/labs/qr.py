"""QR codes (segno) and the printable label sheet (reportlab), one code per asset pointing
at its public page. Avery 5160 layout: US Letter, 3 × 10 labels of 2⅝ × 1 inches."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import segno
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

from liaison.labs.models import Asset

# Avery 5160 / 8160: the sheet's geometry, in points.
PAGE_W, PAGE_H = 8.5 * inch, 11 * inch
COLUMNS, ROWS = 3, 10
LABEL_W, LABEL_H = 2.625 * inch, 1.0 * inch
LEFT, TOP = 0.1875 * inch, 0.5 * inch
GAP_X = 0.125 * inch


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An inline SVG (no style attributes, so the CSP's style rules do not apply)."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=True)


def label_sheet_pdf(assets: Iterable[Asset], url_for: Callable[[Asset], str]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(PAGE_W, PAGE_H))
    pdf.setTitle("Asset labels")
    per_page = COLUMNS * ROWS
    for index, asset in enumerate(assets):
        if index and index % per_page == 0:
            pdf.showPage()
        slot = index % per_page
        col, row = slot % COLUMNS, slot // COLUMNS
        x = LEFT + col * (LABEL_W + GAP_X)
        y = PAGE_H - TOP - (row + 1) * LABEL_H
        _draw_label(pdf, asset, url_for(asset), x, y)
    pdf.save()
    return buffer.getvalue()


def _draw_label(pdf: canvas.Canvas, asset: Asset, url: str, x: float, y: float) -> None:
    code = segno.make(url, error="m")
    matrix = list(code.matrix)
    size = 0.86 * inch
    cell = size / len(matrix)
    qx, qy = x + 0.07 * inch, y + (LABEL_H - size) / 2
    pdf.setFillColorRGB(0, 0, 0)
    for r, line in enumerate(matrix):
        for c, dark in enumerate(line):
            if dark:
                pdf.rect(qx + c * cell, qy + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)
    tx = qx + size + 0.08 * inch
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawString(tx, y + 0.72 * inch, asset.tag[:26])
    pdf.setFont("Helvetica", 7)
    pdf.drawString(tx, y + 0.56 * inch, (asset.name or asset.get_kind_display())[:32])
    pdf.drawString(tx, y + 0.42 * inch, "Not working? Scan to report.")
    pdf.drawString(tx, y + 0.28 * inch, "No account needed.")
