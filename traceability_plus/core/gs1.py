"""GS1 element strings: what a GS1-128 (or GS1 DataMatrix) label says about a lot, and
what a scanned one means.

Encoding follows the GS1 General Specifications: the predefined-length AIs (01) GTIN,
(11) production date and (17) expiry date come first, the variable-length (10) batch
and (21) serial last, with FNC1 after every variable-length field that is not the last.
GTIN check digits are validated with python-stdnum, which ERPNext already installs.
"""

from dataclasses import dataclass
from datetime import date

from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumValidationError

from traceability_plus.core.naming_pattern import gs1_problem

FNC1 = "\xf1"  # FNC1 as python-barcode and reportlab take it inside Code 128 data
GROUP_SEPARATOR = "\x1d"  # what a scanner sends for an FNC1 that separates fields

GTIN, BATCH, PRODUCTION_DATE, EXPIRY_DATE, SERIAL = "01", "10", "11", "17", "21"
# Fixed-length AIs first, so that only the variable-length ones need a separator.
ENCODING_ORDER = (GTIN, PRODUCTION_DATE, EXPIRY_DATE, BATCH, SERIAL)
PREDEFINED_LENGTH_AIS = frozenset({GTIN, PRODUCTION_DATE, EXPIRY_DATE})

# GS1 General Specifications, figure 7.8.5-2: element strings whose AI starts with these
# two digits have a predefined length (AI included), so no separator follows them.
PREDEFINED_LENGTH = {
	"00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "11": 8, "12": 8, "13": 8, "14": 8,
	"15": 8, "16": 8, "17": 8, "18": 8, "19": 8, "20": 4, "31": 10, "32": 10, "33": 10,
	"34": 10, "35": 10, "36": 10, "41": 16,
}  # fmt: skip
# Length of the AI itself, by its first two digits, for the AIs a lot label may carry.
AI_LENGTH_BY_PREFIX = {**dict.fromkeys(("23", "24", "25", "40", "41", "42"), 3)}
AI_LENGTH_BY_PREFIX.update(dict.fromkeys(("31", "32", "33", "34", "35", "36", "39", "70", "71", "72"), 4))
AI_LENGTH_BY_PREFIX.update(dict.fromkeys(("80", "81", "82"), 4))
# Symbology identifiers a scanner may put in front: GS1-128, GS1 DataMatrix, GS1 QR.
GS1_SYMBOLOGY_IDS = ("]C1", "]d2", "]Q3", "]e0", "]J1")


class GS1Error(ValueError):
	"""Data that cannot go into, or did not come from, a valid GS1 element string."""


def gtin14(code: str) -> str:
	"""The GTIN-14 of a GTIN-8, UPC-A (GTIN-12), EAN-13 or GTIN-14, check digit validated."""
	digits = (code or "").strip()
	if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
		raise GS1Error(f"{code!r} is not a GTIN: a GTIN has 8, 12, 13 or 14 digits.")
	try:
		ean.validate(digits)
	except StdnumValidationError:
		expected = ean.calc_check_digit(digits[:-1])
		raise GS1Error(
			f"GTIN {digits} has a wrong check digit: it ends in {digits[-1]}, it should end in {expected}."
		) from None
	return digits.rjust(14, "0")


@dataclass(frozen=True)
class ElementString:
	"""AI and value pairs, in encoding order."""

	elements: tuple[tuple[str, str], ...]

	def _joined(self, separator: str) -> str:
		parts = []
		for index, (ai, value) in enumerate(self.elements):
			parts.append(ai + value)
			is_last = index == len(self.elements) - 1
			if ai not in PREDEFINED_LENGTH_AIS and not is_last:
				parts.append(separator)
		return "".join(parts)

	@property
	def barcode_data(self) -> str:
		"""For a Code 128 encoder that adds the leading FNC1 itself (python-barcode's Gs1_128)."""
		return self._joined(FNC1)

	@property
	def transmitted(self) -> str:
		"""What a scanner sends for this symbol, without its symbology identifier."""
		return self._joined(GROUP_SEPARATOR)

	@property
	def human_readable(self) -> str:
		"""GS1's bracket form, printed under the bars."""
		return "".join(f"({ai}){value}" for ai, value in self.elements)


def element_string(
	gtin: str | None = None,
	batch: str | None = None,
	production_date: date | None = None,
	expiry_date: date | None = None,
	serial: str | None = None,
) -> ElementString:
	"""The element string of a lot or unit label; refuses values GS1 cannot carry."""
	values = {
		GTIN: gtin14(gtin) if gtin else None,
		BATCH: _lot_value("batch", batch),
		PRODUCTION_DATE: yymmdd(production_date) if production_date else None,
		EXPIRY_DATE: yymmdd(expiry_date) if expiry_date else None,
		SERIAL: _lot_value("serial number", serial),
	}
	elements = tuple((ai, values[ai]) for ai in ENCODING_ORDER if values[ai])
	if not elements:
		raise GS1Error("There is nothing to encode: no GTIN, batch, date or serial number.")
	if values[GTIN] is None and (values[BATCH] or values[SERIAL] or values[EXPIRY_DATE]):
		raise GS1Error(
			"A GS1 label needs the item's GTIN (01) to go with its batch, dates or serial number: "
			"add a GTIN, EAN or UPC barcode to the item."
		)
	return ElementString(elements)


def _lot_value(what: str, value: str | None) -> str | None:
	if not value:
		return None
	problem = gs1_problem(value)
	if problem:
		raise GS1Error(f"The {what} {value!r} cannot be printed in a GS1 barcode: {problem}.")
	return value


def _scanned_lot_value(what: str, value: str | None) -> str | None:
	"""A scanned batch or serial number, refused unless GS1 allows it (CSET 82, at most 20
	characters): a bracket-form text typed or pasted in could carry anything."""
	if value is None:
		return None
	problem = gs1_problem(value)
	if problem:
		raise GS1Error(f"The scanned {what} {value!r} is not a GS1 value: {problem}.")
	return value


def yymmdd(day: date) -> str:
	return day.strftime("%y%m%d")


def date_from_yymmdd(value: str, today: date | None = None) -> date:
	"""A GS1 date. Day 00 means the last day of the month. The century is the one that puts
	the year from 49 years back to 50 years ahead of this year (GS1 General Specifications
	7.12)."""
	if len(value) != 6 or not value.isdigit():
		raise GS1Error(f"{value!r} is not a GS1 date (YYMMDD).")
	this_year = (today or date.today()).year
	year = this_year - this_year % 100 + int(value[:2])
	if year - this_year > 50:
		year -= 100
	elif this_year - year > 49:
		year += 100
	month, day = int(value[2:4]), int(value[4:])
	try:
		if day == 0:
			next_month = date(year + month // 12, month % 12 + 1, 1)
			return date.fromordinal(next_month.toordinal() - 1)
		return date(year, month, day)
	except ValueError:
		raise GS1Error(f"{value!r} is not a valid GS1 date (YYMMDD).") from None


def parse(scanned: str) -> dict[str, str]:
	"""AI to value of a scanned GS1 element string: raw with group separators (as scanners
	send it, with or without a symbology identifier) or in bracket form."""
	text = (scanned or "").strip()
	for prefix in GS1_SYMBOLOGY_IDS:
		if text.startswith(prefix):
			text = text[len(prefix) :]
			break
	text = text.replace(FNC1, GROUP_SEPARATOR).lstrip(GROUP_SEPARATOR)
	if text.startswith("("):
		return _parse_bracketed(text)
	elements: dict[str, str] = {}
	position = 0
	while position < len(text):
		prefix = text[position : position + 2]
		if not prefix.isdigit():
			raise GS1Error(f"{scanned!r} is not a GS1 element string.")
		ai_length = AI_LENGTH_BY_PREFIX.get(prefix, 2)
		ai = text[position : position + ai_length]
		if prefix in PREDEFINED_LENGTH:
			end = position + PREDEFINED_LENGTH[prefix]
			if end > len(text):
				raise GS1Error(f"AI ({ai}) in {scanned!r} is cut short.")
		else:
			separator = text.find(GROUP_SEPARATOR, position)
			end = len(text) if separator == -1 else separator
		elements[ai] = text[position + ai_length : end]
		position = end + (1 if text[end : end + 1] == GROUP_SEPARATOR else 0)
	return elements


def _parse_bracketed(text: str) -> dict[str, str]:
	elements = {}
	for part in text.split("(")[1:]:
		ai, _bracket, value = part.partition(")")
		if not ai.isdigit() or not _bracket:
			raise GS1Error(f"{text!r} is not a GS1 element string in bracket form.")
		elements[ai] = value
	return elements


def looks_like_gs1(scanned: str) -> bool:
	"""Whether a scan is a GS1 element string rather than a plain barcode (an EAN, an item code)."""
	text = (scanned or "").strip()
	if text.startswith(GS1_SYMBOLOGY_IDS) or text.startswith("(01)") or GROUP_SEPARATOR in text:
		return True
	# A bare "01" + GTIN-14 followed by more AIs, as a keyboard-wedge scanner may type it.
	return len(text) > 16 and text.startswith("01") and text[2:16].isdigit() and ean.is_valid(text[2:16])


@dataclass(frozen=True)
class ScannedLot:
	gtin: str | None
	batch: str | None
	serial: str | None
	production_date: date | None
	expiry_date: date | None


def scanned_lot(scanned: str) -> ScannedLot:
	"""The lot data of a scanned GS1 element string, its GTIN and dates validated."""
	elements = parse(scanned)
	gtin = gtin14(elements[GTIN]) if GTIN in elements else None
	return ScannedLot(
		gtin=gtin,
		batch=_scanned_lot_value("batch (10)", elements.get(BATCH)),
		serial=_scanned_lot_value("serial number (21)", elements.get(SERIAL)),
		production_date=date_from_yymmdd(elements[PRODUCTION_DATE]) if PRODUCTION_DATE in elements else None,
		expiry_date=date_from_yymmdd(elements[EXPIRY_DATE]) if EXPIRY_DATE in elements else None,
	)
