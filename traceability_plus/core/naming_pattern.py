"""Naming patterns for batch and serial numbers: parse, check, render.

The syntax is Frappe's naming series, which ERPNext users already write for items:
parts separated by dots, `#####` for the counter, `YYYY` `YY` `MM` `DD` `WW` for the
date and `{fieldname}` for a value of the document. Lot codes in food and pharma also
need the day of the year, so `JJJ` (Julian day, 001-366) is added, and the values
`{item_code}`, `{item_group}`, `{supplier}`, `{supplier_code}` (a short code of the
supplier), `{company_abbr}` and `{warehouse}`.

Unlike Frappe's parser, a `{placeholder}` may share a part with literal text
(`{item_code}-` is the item code then a dash; Frappe would drop it silently), and the
date is the voucher's posting date, so a back-dated receipt gets the lot code of its
own day. The counter key is the rendered text before the counter, as in Frappe's
Series table: a counter restarts for each distinct prefix.
"""

import re
from dataclasses import dataclass
from datetime import date

# GS1 General Specifications, figure 7.11-1 (CSET 82): the characters allowed in
# AI (10) batch/lot and AI (21) serial number, each at most 20 characters long.
GS1_CSET82 = frozenset("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
GS1_MAX_LENGTH = 20

DATE_TOKENS = {
	"YYYY": lambda day: f"{day.year:04d}",
	"YY": lambda day: f"{day.year % 100:02d}",
	"MM": lambda day: f"{day.month:02d}",
	"DD": lambda day: f"{day.day:02d}",
	"JJJ": lambda day: f"{day.timetuple().tm_yday:03d}",
	"WW": lambda day: f"{day.isocalendar()[1]:02d}",
}
DATE_TOKEN_LENGTHS = {"YYYY": 4, "YY": 2, "MM": 2, "DD": 2, "JJJ": 3, "WW": 2}

PLACEHOLDERS = ("item_code", "item_group", "supplier", "supplier_code", "company_abbr", "warehouse")
SUPPLIER_CODE_LENGTH = 4

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# A part made only of date-token letters that is not a token is almost surely a typo
# (YYY, JJ, MMM); Frappe would print it literally.
_LOOKS_LIKE_DATE_TOKEN = re.compile(r"^[YMDJW]{2,}$")


class PatternError(ValueError):
	"""A pattern that cannot name anything reliably; the message says why."""


@dataclass(frozen=True)
class Segment:
	kind: str  # "literal", "date", "placeholder" or "counter"
	value: str  # the text, the date token, the placeholder name, or the counter's "###"


@dataclass(frozen=True)
class NamingPattern:
	text: str
	segments: tuple[Segment, ...]

	@property
	def counter_digits(self) -> int:
		return next(len(segment.value) for segment in self.segments if segment.kind == "counter")

	@property
	def placeholders(self) -> tuple[str, ...]:
		return tuple(segment.value for segment in self.segments if segment.kind == "placeholder")


def parse_pattern(text: str) -> NamingPattern:
	"""Split a pattern into segments, or raise PatternError saying what is wrong."""
	if not text or not text.strip():
		raise PatternError("The naming pattern is empty.")
	if text != text.strip():
		raise PatternError("The naming pattern starts or ends with a space.")

	segments: list[Segment] = []
	for part in text.split("."):
		if not part:
			continue
		if part.startswith("#"):
			if set(part) != {"#"}:
				raise PatternError(f"The counter '{part}' must be made of # only, one # per digit.")
			if any(segment.kind == "counter" for segment in segments):
				raise PatternError("The naming pattern has more than one counter (#).")
			segments.append(Segment("counter", part))
		elif part in DATE_TOKENS:
			segments.append(Segment("date", part))
		elif _LOOKS_LIKE_DATE_TOKEN.match(part):
			raise PatternError(
				f"Unknown token '{part}'. Date tokens are {', '.join(DATE_TOKENS)}; "
				"put literal text in a part of its own with other characters."
			)
		else:
			segments.extend(_split_placeholders(part))

	if not any(segment.kind == "counter" for segment in segments):
		raise PatternError("The naming pattern has no counter: add a part like .#####. for a running number.")
	return NamingPattern(text, tuple(segments))


def _split_placeholders(part: str) -> list[Segment]:
	segments = []
	position = 0
	for match in _PLACEHOLDER.finditer(part):
		if match.start() > position:
			segments.append(_literal(part[position : match.start()]))
		name = match.group(1).strip()
		if name not in PLACEHOLDERS:
			raise PatternError(
				f"Unknown token '{{{name}}}'. Known values: " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
			)
		segments.append(Segment("placeholder", name))
		position = match.end()
	if position < len(part):
		segments.append(_literal(part[position:]))
	return segments


def _literal(text: str) -> Segment:
	if "{" in text or "}" in text:
		raise PatternError(f"Unbalanced brace in '{text}': write values as {{item_code}}.")
	if "#" in text:
		raise PatternError(
			f"'{text}' mixes # with other text: put the counter in a part of its own, like .####."
		)
	return Segment("literal", text)


def check_gs1_safe(pattern: NamingPattern, placeholder_max_lengths: dict[str, int]) -> None:
	"""Refuse a pattern whose names could break a GS1 AI (10) or (21) element.

	`placeholder_max_lengths` gives the longest value each placeholder can take
	(for `{item_code}` of an item rule, that item's code).
	"""
	bad_characters = sorted(
		{
			character
			for segment in pattern.segments
			if segment.kind == "literal"
			for character in segment.value
			if character not in GS1_CSET82
		}
	)
	if bad_characters:
		raise PatternError(
			"Characters outside the GS1 character set: "
			+ " ".join(repr(character) for character in bad_characters)
			+ ". GS1 lot and serial numbers allow A-Z, a-z, 0-9 and !\"%&'()*+,-./:;<=>?_ only."
		)
	length = longest_name(pattern, placeholder_max_lengths)
	if length > GS1_MAX_LENGTH:
		raise PatternError(
			f"Names from this pattern can be {length} characters long; GS1 lot and serial numbers "
			f"allow at most {GS1_MAX_LENGTH}. Shorten the literal text or the counter."
		)


def longest_name(pattern: NamingPattern, placeholder_max_lengths: dict[str, int]) -> int:
	length = 0
	for segment in pattern.segments:
		if segment.kind == "literal":
			length += len(segment.value)
		elif segment.kind == "date":
			length += DATE_TOKEN_LENGTHS[segment.value]
		elif segment.kind == "counter":
			length += len(segment.value)
		else:
			if segment.value not in placeholder_max_lengths:
				raise PatternError(
					f"The length of {{{segment.value}}} is not known for this rule: "
					"set the rule's item, or leave the value out of a GS1-safe pattern."
				)
			length += placeholder_max_lengths[segment.value]
	return length


def gs1_problem(name: str) -> str | None:
	"""Why `name` cannot be a GS1 lot or serial number, or None when it can."""
	if len(name) > GS1_MAX_LENGTH:
		return f"it has {len(name)} characters, more than {GS1_MAX_LENGTH}"
	bad = sorted({character for character in name if character not in GS1_CSET82})
	if bad:
		return "it contains " + " ".join(repr(character) for character in bad)
	return None


@dataclass(frozen=True)
class RenderedPattern:
	"""A pattern with its date and values filled in: names are prefix + counter + suffix."""

	prefix: str
	digits: int
	suffix: str

	def name(self, number: int) -> str:
		return f"{self.prefix}{number:0{self.digits}d}{self.suffix}"

	def names(self, first_number: int, count: int) -> list[str]:
		return [self.name(number) for number in range(first_number, first_number + count)]


def render_pattern(pattern: NamingPattern, on: date, values: dict[str, str]) -> RenderedPattern:
	"""Fill in the date and values; the counter key is the prefix, as in Frappe's Series."""
	prefix, suffix = [], []
	target = prefix
	digits = 0
	for segment in pattern.segments:
		if segment.kind == "counter":
			digits = len(segment.value)
			target = suffix
		elif segment.kind == "literal":
			target.append(segment.value)
		elif segment.kind == "date":
			target.append(DATE_TOKENS[segment.value](on))
		else:
			value = values.get(segment.value)
			if not value:
				raise PatternError(f"The value {{{segment.value}}} is empty for this document.")
			target.append(str(value).strip())
	return RenderedPattern("".join(prefix), digits, "".join(suffix))


def short_supplier_code(supplier_name: str, explicit_code: str | None = None) -> str:
	"""The supplier's own lot-code prefix, or the first letters and digits of its name."""
	if explicit_code and explicit_code.strip():
		return explicit_code.strip().upper()
	letters = "".join(character for character in (supplier_name or "") if character.isalnum())
	return letters[:SUPPLIER_CODE_LENGTH].upper()
