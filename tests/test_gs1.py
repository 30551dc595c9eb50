from datetime import date

import pytest

from traceability_plus.core.gs1 import (
	GS1Error,
	date_from_yymmdd,
	element_string,
	gtin14,
	looks_like_gs1,
	parse,
	scanned_lot,
)

GTIN = "09506000134352"  # GS1's own example GTIN-14


def test_gtin_check_digits_are_validated_and_padded_to_14():
	assert gtin14("9506000134352") == GTIN  # EAN-13
	assert gtin14("036000291452") == "00036000291452"  # UPC-A
	assert gtin14("96385074") == "00000096385074"  # GTIN-8
	with pytest.raises(GS1Error, match="should end in 2"):
		gtin14("09506000134353")
	with pytest.raises(GS1Error, match="8, 12, 13 or 14 digits"):
		gtin14("12345")


def test_fixed_length_ais_first_and_fnc1_only_between_variable_fields():
	es = element_string(
		gtin=GTIN,
		batch="AB-123",
		production_date=date(2026, 1, 5),
		expiry_date=date(2027, 1, 31),
		serial="SN1",
	)
	assert [ai for ai, _value in es.elements] == ["01", "11", "17", "10", "21"]
	assert es.barcode_data == "01095060001343521126010517270131" + "10AB-123\xf1" + "21SN1"
	assert es.transmitted == "01095060001343521126010517270131" + "10AB-123\x1d" + "21SN1"
	assert es.human_readable == "(01)09506000134352(11)260105(17)270131(10)AB-123(21)SN1"


def test_no_separator_after_the_last_field_or_after_fixed_length_fields():
	assert (
		element_string(gtin=GTIN, expiry_date=date(2027, 1, 31)).barcode_data
		== "0109506000134352" + "17270131"
	)
	assert element_string(gtin=GTIN, batch="L1").barcode_data == "0109506000134352" + "10L1"


def test_batch_and_serial_limits():
	with pytest.raises(GS1Error, match="more than 20"):
		element_string(gtin=GTIN, batch="X" * 21)
	with pytest.raises(GS1Error, match="cannot be printed"):
		element_string(gtin=GTIN, serial="SN#1")
	assert element_string(gtin=GTIN, batch="X" * 20).elements[-1] == ("10", "X" * 20)


def test_a_lot_without_gtin_is_refused():
	with pytest.raises(GS1Error, match="GTIN"):
		element_string(batch="L1")


def test_dates():
	assert date_from_yymmdd("270131") == date(2027, 1, 31)
	assert date_from_yymmdd("270200") == date(2027, 2, 28)  # day 00: last day of the month
	assert date_from_yymmdd("991231", today=date(2026, 11, 27)) == date(1999, 12, 31)
	assert date_from_yymmdd("760101", today=date(2026, 11, 27)) == date(2076, 1, 1)
	with pytest.raises(GS1Error):
		date_from_yymmdd("271340")


def test_parse_what_scanners_send():
	raw = "]C10109506000134352172701311" + "0AB-123\x1d21SN1"
	assert parse(raw) == {"01": GTIN, "17": "270131", "10": "AB-123", "21": "SN1"}
	assert parse("(01)09506000134352(10)AB-123") == {"01": GTIN, "10": "AB-123"}
	assert parse("]d2" + "0109506000134352" + "3103000250" + "10L7") == {
		"01": GTIN,
		"3103": "000250",
		"10": "L7",
	}


def test_scanned_lot_and_plain_barcodes():
	lot = scanned_lot("]C10109506000134352" + "17270131" + "10AB-123\x1d21SN1")
	assert (lot.gtin, lot.batch, lot.serial, lot.expiry_date) == (GTIN, "AB-123", "SN1", date(2027, 1, 31))
	assert looks_like_gs1("]C1" + "0109506000134352")
	assert looks_like_gs1("0109506000134352" + "10AB")
	assert not looks_like_gs1("9506000134352")  # a plain EAN-13
	assert not looks_like_gs1("ITEM-0001")
	with pytest.raises(GS1Error, match="check digit"):
		scanned_lot("(01)09506000134353(10)X")


@pytest.mark.parametrize(
	"scanned, problem",
	[
		("(01)09506000134352(10)<img src=x>", "contains"),
		("(01)09506000134352(21)SN 1", "contains"),
		("(01)09506000134352(10)" + "A" * 21, "more than 20"),
		("]C10109506000134352" + "10LOT-ü1", "contains"),
	],
)
def test_scanned_batch_or_serial_outside_gs1_is_refused(scanned, problem):
	with pytest.raises(GS1Error, match=problem):
		scanned_lot(scanned)


def test_scanned_batch_of_20_gs1_characters_is_kept():
	assert scanned_lot("(01)09506000134352(10)" + "A-1/2_x%" + "9" * 12).batch == "A-1/2_x%999999999999"
