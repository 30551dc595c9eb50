"""Barcode labels as one PDF: page layout, text that fits, bars that scan.

python-barcode turns the data into bar modules (it knows Code 128's code sets and GS1-128's
FNC1); reportlab draws them as vector rectangles, so 1,000 labels take a fraction of a
second instead of one raster image each. QR codes come from reportlab's own encoder.

A barcode is never squeezed below its symbology's smallest bar width and text is never
cut: what does not fit raises LabelError with a message that says what to change.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from itertools import islice
from xml.sax.saxutils import escape as xml_escape

from barcode import EAN13
from barcode.charsets.code128 import START_CODES
from barcode.codex import Code128, Gs1_128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

START_CODE_C = START_CODES["C"]
CODE_128 = "Code 128"
GS1_128 = "GS1-128"
EAN_13 = "EAN-13"
QR_CODE = "QR Code"
SYMBOLOGIES = (CODE_128, GS1_128, EAN_13, QR_CODE)

# Smallest module (narrowest bar) each symbology may be printed with, in mm. GS1-128 and
# EAN-13 follow the GS1 General Specifications (symbol specification tables: 0.250 mm for
# GS1-128 on items not scanned at the point of sale, 80% magnification for EAN-13);
# 0.19 mm (7.5 mil) is the usual floor for plain Code 128 and 0.25 mm for a QR module.
MIN_MODULE_MM = {CODE_128: 0.19, GS1_128: 0.25, EAN_13: 0.264, QR_CODE: 0.25}
MAX_MODULE_MM = 0.5  # wider bars scan no better; leave the rest of the label blank
QUIET_ZONE_MODULES = {CODE_128: 10, GS1_128: 10, EAN_13: 11, QR_CODE: 4}
MIN_BAR_HEIGHT_MM = 5.0
FONT = "Helvetica"
BOLD_FONT = "Helvetica-Bold"
MIN_FONT_SIZE = 4.0
LINE_SPACING = 1.15
HUMAN_READABLE_SIZE = 6.0


class LabelError(ValueError):
	"""A label that cannot be printed legibly with this template."""


@dataclass(frozen=True)
class PageLayout:
	"""A page of rows x columns labels, in mm; a thermal roll is a one-label page."""

	page_width: float
	page_height: float
	rows: int = 1
	columns: int = 1
	margin_top: float = 0.0
	margin_left: float = 0.0
	gap_x: float = 0.0
	gap_y: float = 0.0
	padding: float = 1.5  # kept blank inside each label

	def __post_init__(self):
		if self.rows < 1 or self.columns < 1:
			raise LabelError("A page needs at least one row and one column of labels.")
		width, height = self.label_size
		if width <= 2 * self.padding or height <= 2 * self.padding:
			raise LabelError(
				f"Labels of {width:.1f} x {height:.1f} mm leave no room: check the page size, "
				"margins, gaps, rows and columns."
			)

	@property
	def label_size(self) -> tuple[float, float]:
		width = (self.page_width - 2 * self.margin_left - (self.columns - 1) * self.gap_x) / self.columns
		height = (self.page_height - 2 * self.margin_top - (self.rows - 1) * self.gap_y) / self.rows
		return width, height

	@property
	def per_page(self) -> int:
		return self.rows * self.columns

	def slots(self) -> list[tuple[float, float]]:
		"""Bottom-left corner of each label on a page, in mm, left to right, top to bottom."""
		width, height = self.label_size
		return [
			(
				self.margin_left + column * (width + self.gap_x),
				self.page_height - self.margin_top - (row + 1) * height - row * self.gap_y,
			)
			for row in range(self.rows)
			for column in range(self.columns)
		]


@dataclass(frozen=True)
class Barcode:
	symbology: str
	data: str  # for GS1-128: element string with FNC1 between fields, without the leading FNC1
	human_readable: str | None = None  # printed under the bars


@dataclass(frozen=True)
class Label:
	lines: tuple[str, ...]
	barcode: Barcode | None = None


@dataclass(frozen=True)
class LabelTemplate:
	layout: PageLayout
	font_size: float = 7.0
	bold_first_line: bool = True
	min_module_mm: dict[str, float] = field(default_factory=lambda: dict(MIN_MODULE_MM))


@dataclass(frozen=True)
class FittedText:
	size: float
	lines: tuple[str, ...]


def fit_text(text: str, width_mm: float, font: str, size: float, max_lines: int = 2) -> FittedText:
	"""The text on one line, shrunk by at most a quarter; else wrapped on up to `max_lines`
	lines, shrunk as far as MIN_FONT_SIZE; else on one line at any size down to MIN_FONT_SIZE.
	LabelError if none fits: text is never cut."""
	width = width_mm * mm
	readable = max(MIN_FONT_SIZE, size * 0.75)
	for current in _sizes(size, readable):
		if stringWidth(text, font, current) <= width:
			return FittedText(current, (text,))
	if max_lines > 1:
		for current in _sizes(size, MIN_FONT_SIZE):
			wrapped = _wrap(text, font, current, width)
			if wrapped and len(wrapped) <= max_lines:
				return FittedText(current, tuple(wrapped))
	for current in _sizes(readable, MIN_FONT_SIZE):
		if stringWidth(text, font, current) <= width:
			return FittedText(current, (text,))
	raise LabelError(
		f"The text {text!r} does not fit a {width_mm:.1f} mm wide label even at {MIN_FONT_SIZE} pt: "
		"use a wider label or fewer characters."
	)


def _sizes(largest: float, smallest: float) -> Iterator[float]:
	"""Font sizes from `largest` down to `smallest`, half a point apart."""
	current = largest
	while current >= smallest - 1e-9:
		yield current
		current = round(current - 0.5, 2)


def _wrap(text: str, font: str, size: float, width: float) -> list[str] | None:
	"""Greedy word wrap; breaks inside a word that is wider than the line. None if a single
	character does not fit."""
	lines: list[str] = []
	current = ""
	for word in text.split(" "):
		candidate = f"{current} {word}" if current else word
		if stringWidth(candidate, font, size) <= width:
			current = candidate
			continue
		if current:
			lines.append(current)
		current = ""
		for character in word:
			if stringWidth(current + character, font, size) <= width:
				current += character
			elif current:
				lines.append(current)
				current = character
			else:
				return None
	if current:
		lines.append(current)
	return lines


class _KeepsLeadingDigitPair99:
	"""python-barcode (0.16) starts every Code 128 symbol in code set C and then replaces
	"start C, switch to B" by "start B". It mistakes a leading digit pair 99 (data in code
	set C) for a switch to C and drops it: "99519DB" scanned as "519DB". A 99 right after
	the start is always data here, so that replacement is skipped for it."""

	def _try_to_optimize(self, encoded: list[int]) -> list[int]:
		if len(encoded) > 1 and encoded[0] == START_CODE_C and encoded[1] == 99:
			return encoded
		return super()._try_to_optimize(encoded)


class SafeCode128(_KeepsLeadingDigitPair99, Code128):
	pass


class SafeGs1_128(_KeepsLeadingDigitPair99, Gs1_128):
	pass


def bar_modules(barcode: Barcode) -> str:
	"""The symbol as a string of modules, "1" dark and "0" light, quiet zones excluded."""
	if barcode.symbology == GS1_128:
		return SafeGs1_128(barcode.data).build()[0]
	if barcode.symbology == CODE_128:
		if not all(32 <= ord(character) < 127 for character in barcode.data):
			raise LabelError(
				f"Code 128 carries printable ASCII only, and {barcode.data!r} has other characters: "
				"use a QR code template for this number."
			)
		return SafeCode128(barcode.data).build()[0]
	if barcode.symbology == EAN_13:
		digits = barcode.data
		if not (digits.isdigit() and len(digits) in (12, 13)):
			raise LabelError(f"EAN-13 encodes 12 or 13 digits, not {digits!r}.")
		code = EAN13(digits[:12])
		if len(digits) == 13 and code.get_fullcode() != digits:
			raise LabelError(f"EAN {digits} has a wrong check digit: it should be {code.get_fullcode()}.")
		return code.build()[0]
	raise LabelError(f"{barcode.symbology} is not a linear symbology.")


@dataclass(frozen=True)
class BarcodeBox:
	"""Where a barcode goes and how big its modules are, once it was checked to fit."""

	module_mm: float
	width_mm: float
	height_mm: float


def plan_barcode(barcode: Barcode, template: LabelTemplate, width_mm: float, height_mm: float) -> BarcodeBox:
	"""Module size for the barcode in a box of width x height, or LabelError if even the
	smallest module allowed does not fit."""
	minimum = template.min_module_mm.get(barcode.symbology, MIN_MODULE_MM[barcode.symbology])
	if barcode.symbology == QR_CODE:
		modules = _qr(barcode.data).getModuleCount() + 2 * QUIET_ZONE_MODULES[QR_CODE]
		side = min(width_mm, height_mm)
		module = min(side / modules, MAX_MODULE_MM)
		if module < minimum:
			raise LabelError(
				f"A QR code of {barcode.data!r} needs {modules * minimum:.1f} mm, the label has "
				f"{side:.1f} mm: use a bigger label or less data."
			)
		return BarcodeBox(module, modules * module, modules * module)
	modules = len(bar_modules(barcode)) + 2 * QUIET_ZONE_MODULES[barcode.symbology]
	module = min(width_mm / modules, MAX_MODULE_MM)
	if module < minimum:
		raise LabelError(
			f"The {barcode.symbology} barcode of {barcode.human_readable or barcode.data!r} needs "
			f"{modules * minimum:.1f} mm at the smallest bar width that scans ({minimum} mm), "
			f"the label has {width_mm:.1f} mm: use a wider label or less data."
		)
	if height_mm < MIN_BAR_HEIGHT_MM:
		raise LabelError(
			f"The label leaves {height_mm:.1f} mm for the bars, less than {MIN_BAR_HEIGHT_MM} mm: "
			"use a taller label, a smaller font or fewer text lines."
		)
	return BarcodeBox(module, modules * module, height_mm)


def _qr(data: str):
	"""reportlab's QR encoder (error correction level M), its modules computed."""
	qr = QrCodeWidget(data).qr
	qr.make()
	return qr


def render_labels(
	template: LabelTemplate,
	labels: Iterable[Label],
	progress: Callable[[int], None] | None = None,
	title: str = "Labels",
) -> bytes:
	"""One PDF of all labels, laid out page by page; `progress` is told every 100 labels."""
	layout = template.layout
	buffer = BytesIO()
	canvas = Canvas(buffer, pagesize=(layout.page_width * mm, layout.page_height * mm), pageCompression=1)
	canvas.setTitle(title)
	slots = layout.slots()
	count = 0
	for count, label in enumerate(labels, start=1):
		slot = (count - 1) % layout.per_page
		if slot == 0 and count > 1:
			canvas.showPage()
		_draw_label(canvas, template, label, *slots[slot])
		if progress and count % 100 == 0:
			progress(count)
	if count == 0:
		raise LabelError("There are no labels to print.")
	canvas.showPage()
	canvas.save()
	return buffer.getvalue()


def render_label_parts(
	template: LabelTemplate,
	labels: Iterable[Label],
	labels_per_part: int,
	progress: Callable[[int], None] | None = None,
	title: str = "Labels",
) -> Iterator[bytes]:
	"""The labels as PDFs of at most `labels_per_part` labels each, one part at a time.

	reportlab keeps every page of a document in memory, uncompressed, until it saves it
	(about 12 kB a page): one PDF of 20,000 labels needs a quarter of a gigabyte. Parts
	keep a big run's memory at that of one part, whatever the run's size."""
	labels = iter(labels)
	done = 0
	while part := list(islice(labels, labels_per_part)):
		yield render_labels(template, part, title=title)
		done += len(part)
		if progress:
			progress(done)


def _draw_label(canvas: Canvas, template: LabelTemplate, label: Label, x_mm: float, y_mm: float) -> None:
	layout = template.layout
	width, height = layout.label_size
	inner_width = width - 2 * layout.padding
	top = y_mm + height - layout.padding
	for index, text in enumerate(label.lines):
		font = BOLD_FONT if index == 0 and template.bold_first_line else FONT
		fitted = fit_text(text, inner_width, font, template.font_size)
		canvas.setFont(font, fitted.size)
		for line in fitted.lines:
			top -= fitted.size * LINE_SPACING / mm
			canvas.drawString((x_mm + layout.padding) * mm, top * mm, line)
	if label.barcode is None:
		return
	bottom = y_mm + layout.padding
	human = None
	if label.barcode.human_readable:
		human = fit_text(label.barcode.human_readable, inner_width, FONT, HUMAN_READABLE_SIZE, max_lines=1)
		bottom += human.size * LINE_SPACING / mm
	gap = 0.8
	box = plan_barcode(label.barcode, template, inner_width, top - gap - bottom)
	left = x_mm + layout.padding + (inner_width - box.width_mm) / 2
	if label.barcode.symbology == QR_CODE:
		_draw_qr(canvas, label.barcode.data, left, bottom, box.width_mm)
	else:
		quiet = QUIET_ZONE_MODULES[label.barcode.symbology] * box.module_mm
		_draw_bars(canvas, bar_modules(label.barcode), left + quiet, bottom, box.module_mm, box.height_mm)
	if human:
		canvas.setFont(FONT, human.size)
		canvas.drawCentredString((x_mm + width / 2) * mm, (y_mm + layout.padding) * mm, human.lines[0])


def _draw_bars(canvas: Canvas, modules: str, x_mm: float, y_mm: float, module_mm: float, height_mm: float):
	"""All bars of a symbol as one filled path, one rectangle per run of dark modules.

	Written as PDF path operators directly: a thousand labels have a hundred thousand bars,
	and formatting each through canvas.rect() would take most of the rendering time.
	"""
	y, height = y_mm * mm, height_mm * mm
	bars = " ".join(
		f"{(x_mm + start * module_mm) * mm:.3f} {y:.3f} {length * module_mm * mm:.3f} {height:.3f} re"
		for start, length in _dark_runs(modules)
	)
	canvas.setFillGray(0)
	canvas.addLiteral(f"n {bars} f")


def _dark_runs(modules: str) -> Iterator[tuple[int, int]]:
	start = None
	for index, module in enumerate(modules + "0"):
		if module == "1" and start is None:
			start = index
		elif module != "1" and start is not None:
			yield start, index - start
			start = None


def _draw_qr(canvas: Canvas, data: str, x_mm: float, y_mm: float, side_mm: float) -> None:
	"""The QR symbol's dark modules as squares, inside its quiet zone."""
	qr = _qr(data)
	count = qr.getModuleCount()
	module_mm = side_mm / (count + 2 * QUIET_ZONE_MODULES[QR_CODE])
	origin_x = x_mm + QUIET_ZONE_MODULES[QR_CODE] * module_mm
	top = y_mm + side_mm - QUIET_ZONE_MODULES[QR_CODE] * module_mm
	canvas.setFillGray(0)
	for row in range(count):
		line = "".join("1" if qr.isDark(row, column) else "0" for column in range(count))
		for start, length in _dark_runs(line):
			canvas.rect(
				(origin_x + start * module_mm) * mm,
				(top - (row + 1) * module_mm) * mm,
				length * module_mm * mm,
				module_mm * mm,
				stroke=0,
				fill=1,
			)


class SvgCanvas:
	"""The few reportlab Canvas calls that `_draw_label` makes, drawn as SVG instead.

	The preview goes through the same drawing code as the PDF, so it shows the label that
	prints, not a look-alike. Units are PDF points, y up, as on the canvas; the SVG flips y."""

	def __init__(self, width_pt: float, height_pt: float):
		self.width, self.height = width_pt, height_pt
		self.font, self.size = FONT, 7.0
		self.shapes: list[str] = []

	def setFont(self, font: str, size: float):
		self.font, self.size = font, size

	def setFillGray(self, _gray: float):
		"""Labels print black on white: every fill is black."""

	def _text(self, x: float, y: float, text: str, anchor: str):
		weight = "bold" if self.font == BOLD_FONT else "normal"
		self.shapes.append(
			f'<text x="{x:.2f}" y="{self.height - y:.2f}" font-family="Helvetica, Arial, sans-serif" '
			f'font-size="{self.size:.2f}" font-weight="{weight}" text-anchor="{anchor}">{xml_escape(text)}</text>'
		)

	def drawString(self, x: float, y: float, text: str):
		self._text(x, y, text, "start")

	def drawCentredString(self, x: float, y: float, text: str):
		self._text(x, y, text, "middle")

	def rect(self, x: float, y: float, width: float, height: float, stroke: int = 0, fill: int = 1):
		self.shapes.append(
			f'<rect x="{x:.3f}" y="{self.height - y - height:.3f}" width="{width:.3f}" height="{height:.3f}"/>'
		)

	def addLiteral(self, operators: str):
		"""`_draw_bars`' path: "n x y w h re ... f", one `re` per bar."""
		tokens = operators.split()
		for index, token in enumerate(tokens):
			if token == "re":
				x, y, width, height = (float(value) for value in tokens[index - 4 : index])
				self.rect(x, y, width, height)

	def svg(self) -> str:
		return (
			f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:.2f} {self.height:.2f}" '
			f'width="{self.width / mm:.2f}mm" height="{self.height / mm:.2f}mm">'
			f'<rect width="100%" height="100%" fill="#fff" stroke="#999" stroke-width="0.5"/>'
			f"{''.join(self.shapes)}</svg>"
		)


def render_label_svg(template: LabelTemplate, label: Label) -> str:
	"""One label as an SVG image, the size it prints: the preview of Print Labels."""
	width, height = template.layout.label_size
	canvas = SvgCanvas(width * mm, height * mm)
	_draw_label(canvas, template, label, 0.0, 0.0)
	return canvas.svg()
