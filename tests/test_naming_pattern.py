from datetime import date

import pytest

from traceability_plus.core.naming_pattern import (
	GS1_CSET82,
	PatternError,
	check_gs1_safe,
	gs1_problem,
	longest_name,
	parse_pattern,
	render_pattern,
	short_supplier_code,
)

VALUES = {
	"item_code": "PARA500",
	"item_group": "Drugs",
	"supplier": "Acme Pharma Ltd",
	"supplier_code": "ACME",
	"company_abbr": "TP",
	"warehouse": "Stores - TP",
}
# 2026-02-03 is day 034 of the year, ISO week 06.
FEB_3 = date(2026, 2, 3)


def render(pattern: str, on: date = FEB_3, number: int = 7) -> str:
	return render_pattern(parse_pattern(pattern), on, VALUES).name(number)


@pytest.mark.parametrize(
	"pattern, expected",
	[
		("LOT-.YY.JJJ.-.####", "LOT-26034-0007"),
		("{item_code}-.YYYY.MM.-.#####", "PARA500-202602-00007"),
		("SN-.{item_code}.-.######", "SN-PARA500-000007"),
		("B.YYYY.MM.DD.###", "B20260203007"),
		("W.WW.-.##", "W06-07"),
		("{supplier_code}.JJJ.###", "ACME034007"),
		("{company_abbr}-{item_group}-.###", "TP-Drugs-007"),
		("LOT.####.-X", "LOT0007-X"),
	],
)
def test_every_token_renders(pattern, expected):
	assert render(pattern) == expected


def test_julian_day_covers_leap_years_and_the_last_day():
	assert render("JJJ.#", date(2024, 12, 31), 1) == "3661"
	assert render("JJJ.#", date(2026, 1, 1), 1) == "0011"


def test_the_posting_date_decides_the_date_parts():
	assert render("LOT-.YYYY.MM.DD.-.#", date(2025, 12, 31), 1) == "LOT-20251231-1"


def test_counter_key_is_the_prefix_so_it_restarts_per_prefix():
	pattern = parse_pattern("LOT-.YY.JJJ.-.####")
	monday = render_pattern(pattern, date(2026, 2, 2), VALUES)
	tuesday = render_pattern(pattern, date(2026, 2, 3), VALUES)
	assert monday.prefix == "LOT-26033-"
	assert tuesday.prefix == "LOT-26034-"
	assert tuesday.names(1, 3) == ["LOT-26034-0001", "LOT-26034-0002", "LOT-26034-0003"]


def test_counter_grows_past_its_digits_instead_of_wrapping():
	assert render("A.##", number=123) == "A123"


@pytest.mark.parametrize(
	"pattern, complaint",
	[
		("", "empty"),
		("LOT-.YYYY.", "no counter"),
		("LOT-.####.-.##", "more than one counter"),
		("LOT-.##A#.", "# only"),
		("LOT-.YYY.####", "Unknown token 'YYY'"),
		("LOT-.JJ.####", "Unknown token 'JJ'"),
		("{itemcode}.####", "Unknown token '{itemcode}'"),
		("{item_code.####", "Unbalanced brace"),
		("LOT#.####", "mixes #"),
		(" LOT.####", "space"),
	],
)
def test_unusable_patterns_are_refused_with_the_reason(pattern, complaint):
	with pytest.raises(PatternError, match=complaint):
		parse_pattern(pattern)


def test_empty_value_is_refused_when_rendering():
	with pytest.raises(PatternError, match="supplier_code"):
		render_pattern(parse_pattern("{supplier_code}.####"), FEB_3, {**VALUES, "supplier_code": ""})


def test_gs1_safe_accepts_short_names_in_cset82():
	check_gs1_safe(parse_pattern("LOT-.YY.JJJ.-.####"), {})
	assert longest_name(parse_pattern("LOT-.YY.JJJ.-.####"), {}) == 14


def test_gs1_safe_refuses_names_over_20_characters():
	with pytest.raises(PatternError, match="21 characters"):
		check_gs1_safe(parse_pattern("LOT-.YYYY.MM.DD.-.########"), {})


def test_gs1_safe_counts_the_longest_placeholder_value():
	pattern = parse_pattern("{item_code}-.YYYY.-.#####")
	check_gs1_safe(pattern, {"item_code": 9})  # 9 + 1 + 4 + 1 + 5 = 20
	with pytest.raises(PatternError, match="21 characters"):
		check_gs1_safe(pattern, {"item_code": 10})
	with pytest.raises(PatternError, match="not known"):
		check_gs1_safe(pattern, {})


def test_gs1_safe_refuses_characters_outside_cset82():
	with pytest.raises(PatternError, match="'~'"):
		check_gs1_safe(parse_pattern("LOT~.####"), {})
	with pytest.raises(PatternError, match="' '"):
		check_gs1_safe(parse_pattern("LOT A.####"), {})


def test_cset82_has_82_characters():
	assert len(GS1_CSET82) == 82


def test_gs1_problem_of_a_single_name():
	assert gs1_problem("LOT-26034-0001") is None
	assert "21 characters" in gs1_problem("X" * 21)
	assert "' '" in gs1_problem("LOT 1")


def test_short_supplier_code():
	assert short_supplier_code("Acme Pharma Ltd") == "ACME"
	assert short_supplier_code("3M Deutschland") == "3MDE"
	assert short_supplier_code("Acme Pharma Ltd", "ap") == "AP"
