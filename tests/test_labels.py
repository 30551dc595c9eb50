"""Labels are rendered to PDF, rasterised and decoded with a real decoder (zxing-cpp):
what scans must be exactly what was meant."""

from datetime import date

import pypdfium2
import pytest
import zxingcpp

from traceability_plus.core.gs1 import element_string
from traceability_plus.core.labels import (
	CODE_128,
	EAN_13,
	GS1_128,
	QR_CODE,
	Barcode,
	Label,
	LabelError,
	LabelTemplate,
	PageLayout,
	fit_text,
	render_label_parts,
	render_label_svg,
	render_labels,
)

THERMAL = PageLayout(50, 25)
A4_SHEET = PageLayout(210, 297, rows=8, columns=3, margin_top=10, margin_left=7, gap_x=3, gap_y=2)


def decode(pdf: bytes, dpi: int = 600) -> list[list[tuple[str, str, str]]]:
	"""Per page: (format, symbology identifier, raw text with GS for FNC1) of each barcode."""
	pages = []
	for page in pypdfium2.PdfDocument(pdf):
		image = page.render(scale=dpi / 72).to_pil()
		results = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
		pages.append([(r.format.name, r.symbology_identifier, r.text) for r in results])
	return pages


def test_gs1_128_scans_back_exactly_fnc1_and_all():
	es = element_string(gtin="09506000134352", batch="AB-123", expiry_date=date(2027, 1, 31), serial="SN1")
	label = Label(("Paracetamol",), Barcode(GS1_128, es.barcode_data, es.human_readable))
	[[(_format, identifier, text)]] = decode(render_labels(LabelTemplate(PageLayout(100, 30)), [label]))
	assert identifier == "]C1"  # GS1-128: FNC1 in first position
	assert text == es.transmitted == "01095060001343521727013110AB-123\x1d21SN1"


@pytest.mark.parametrize(
	"barcode, expected",
	[
		(Barcode(CODE_128, "LOT-2026-0042"), ("]C0", "LOT-2026-0042")),
		(Barcode(EAN_13, "9506000134352"), ("]E0", "9506000134352")),
		(Barcode(QR_CODE, "SN-000123"), ("]Q1", "SN-000123")),
	],
)
def test_other_symbologies_scan_back(barcode, expected):
	[[(_format, identifier, text)]] = decode(render_labels(LabelTemplate(THERMAL), [Label(("X",), barcode)]))
	assert (identifier, text) == expected


def test_a_sheet_holds_rows_times_columns_and_every_label_scans():
	labels = [Label((f"Serial {n}",), Barcode(CODE_128, f"SN{n:05d}")) for n in range(30)]
	pages = decode(render_labels(LabelTemplate(A4_SHEET), labels), dpi=300)
	assert [len(page) for page in pages] == [24, 6]
	assert sorted(text for page in pages for _f, _i, text in page) == [f"SN{n:05d}" for n in range(30)]


def test_slots_are_laid_out_left_to_right_top_to_bottom():
	slots = PageLayout(100, 60, rows=2, columns=2, margin_top=5, margin_left=5, gap_x=10, gap_y=10).slots()
	assert slots == [(5, 35), (55, 35), (5, 5), (55, 5)]


def test_too_much_data_for_the_label_is_refused_not_squeezed():
	es = element_string(gtin="09506000134352", batch="ABCDEFGHIJKLMNOPQRST", expiry_date=date(2027, 1, 31))
	label = Label(("X",), Barcode(GS1_128, es.barcode_data, es.human_readable))
	with pytest.raises(LabelError, match=r"smallest bar width that scans \(0.25 mm\)"):
		render_labels(LabelTemplate(THERMAL), [label])


def test_too_many_text_lines_leave_no_room_for_bars():
	label = Label(tuple(f"Line {n}" for n in range(8)), Barcode(CODE_128, "L1"))
	with pytest.raises(LabelError, match="taller label"):
		render_labels(LabelTemplate(THERMAL, font_size=8), [label])


def test_long_text_is_shrunk_then_wrapped_never_cut():
	fitted = fit_text("Paracetamol", 40, "Helvetica", 8)
	assert fitted.lines == ("Paracetamol",) and fitted.size == 8
	long_name = "Paracetamol 500 mg film-coated tablets, blister of 20"
	fitted = fit_text(long_name, 40, "Helvetica", 8)
	assert " ".join(fitted.lines) == long_name and len(fitted.lines) == 2
	with pytest.raises(LabelError, match="does not fit"):
		fit_text("W" * 200, 40, "Helvetica", 8)


def test_bad_layouts_and_data_are_refused():
	with pytest.raises(LabelError, match="no room"):
		PageLayout(50, 25, rows=10)
	with pytest.raises(LabelError, match="check digit"):
		render_labels(LabelTemplate(THERMAL), [Label(("X",), Barcode(EAN_13, "9506000134353"))])
	with pytest.raises(LabelError, match="no labels"):
		render_labels(LabelTemplate(THERMAL), [])


def test_code_128_refuses_what_it_cannot_carry():
	with pytest.raises(LabelError, match="printable ASCII"):
		render_labels(LabelTemplate(THERMAL), [Label(("X",), Barcode(CODE_128, "LOT-ÉTÉ-1"))])


def test_a_big_run_is_rendered_in_parts_each_a_whole_pdf():
	labels = (Label((f"Box {n}",), Barcode(CODE_128, f"B{n:04d}")) for n in range(7))
	parts = list(render_label_parts(LabelTemplate(THERMAL), labels, labels_per_part=3))
	assert [len(pypdfium2.PdfDocument(part)) for part in parts] == [3, 3, 1]
	assert [code for page in decode(parts[2]) for _f, _s, code in page] == ["B0006"]


def rasterise_svg_shapes(svg: str, scale: float = 8.0):
	"""Paint the preview's black rectangles on white, as a browser would, for the decoder."""
	import re

	from PIL import Image, ImageDraw

	view_box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
	width, height = float(view_box.group(1)), float(view_box.group(2))
	image = Image.new("L", (int(width * scale), int(height * scale)), 255)
	draw = ImageDraw.Draw(image)
	for x, y, w, h in re.findall(
		r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/>', svg
	):
		x, y, w, h = (float(v) * scale for v in (x, y, w, h))
		draw.rectangle([x, y, x + w - 1, y + h - 1], fill=0)
	return image


@pytest.mark.parametrize("symbology, data", [(GS1_128, None), (QR_CODE, "SN-000123"), (CODE_128, "LOT-7")])
def test_the_preview_draws_the_label_that_prints(symbology, data):
	es = element_string(gtin="09506000134352", batch="AB-123", expiry_date=date(2027, 1, 31))
	barcode = Barcode(symbology, data or es.barcode_data, es.human_readable if data is None else data)
	label = Label(("Paracetamol <b>500</b> & co",), barcode)
	template = LabelTemplate(PageLayout(100, 30))
	svg = render_label_svg(template, label)
	assert 'width="100.00mm" height="30.00mm"' in svg
	# User text is text: escaped, never markup inside the image.
	assert "Paracetamol &lt;b&gt;500&lt;/b&gt; &amp; co" in svg
	assert "<b>" not in svg
	[preview] = zxingcpp.read_barcodes(rasterise_svg_shapes(svg), text_mode=zxingcpp.TextMode.Plain)
	[[(_format, identifier, text)]] = decode(render_labels(template, [label]))
	assert (preview.symbology_identifier, preview.text) == (identifier, text)


@pytest.mark.parametrize("data", ["99519DB", "99", "9912", "990001", "LOT-99", "1299AB"])
def test_a_number_that_starts_with_99_scans_whole(data):
	# python-barcode 0.16 alone drops the leading 99 of "99519DB": a batch scans as another.
	[[(_format, _identifier, text)]] = decode(
		render_labels(LabelTemplate(THERMAL), [Label(("X",), Barcode(CODE_128, data))])
	)
	assert text == data


def test_gs1_128_with_a_batch_that_starts_with_99_scans_whole():
	es = element_string(gtin="09506000134352", batch="99519DB")
	label = Label(("X",), Barcode(GS1_128, es.barcode_data, es.human_readable))
	[[(_format, _identifier, text)]] = decode(render_labels(LabelTemplate(PageLayout(100, 30)), [label]))
	assert text == es.transmitted
