import csv
import io
from datetime import date

import pytest
from ledger import move

from traceability_plus.core.fsma import (
	HEADINGS,
	RECEIVING,
	SHIPPING,
	TRANSFORMATION_INPUT,
	TRANSFORMATION_OUTPUT,
	Sources,
	critical_tracking_event,
	location_description,
	spreadsheet_rows,
	to_csv,
	tracking_events,
)
from traceability_plus.core.genealogy import Kind

PR = ("Purchase Receipt", "PR-1")
PR2 = ("Purchase Receipt", "PR-2")
MFG = ("Stock Entry", "MFG-1")
OTHER_MFG = ("Stock Entry", "MFG-2")
MOVE = ("Stock Entry", "MT-1")
DN = ("Delivery Note", "DN-1")

FLOUR_RECEIPT = move(PR, "Flour", "F1", 100, Kind.RECEIPT, party="Mill")
YEAST_RECEIPT = move(PR2, "Yeast", "Y1", 10, Kind.RECEIPT, party="Yeast Co")
FLOUR_USED = move(MFG, "Flour", "F1", -60, Kind.CONSUMPTION, day=2, warehouse="Bakery", transformation=True)
YEAST_USED = move(MFG, "Yeast", "Y1", -2, Kind.CONSUMPTION, day=2, warehouse="Bakery", transformation=True)
BREAD_MADE = move(MFG, "Bread", "B1", 50, Kind.PRODUCTION, day=2, warehouse="Bakery", transformation=True)
FLOUR_ELSEWHERE = move(OTHER_MFG, "Flour", "F1", -5, Kind.CONSUMPTION, day=3, transformation=True)
FLOUR_MOVED = move(MOVE, "Flour", "F1", -10, Kind.TRANSFER, day=3)
# Two rows of one lot in one delivery are one shipping event.
BREAD_SOLD = [
	move(DN, "Bread", "B1", -6, Kind.DELIVERY, party="Alice", day=4),
	move(DN, "Bread", "B1", -4, Kind.DELIVERY, party="Alice", day=4),
]

SOURCES = Sources(
	products={
		"Flour": ("Wheat flour 25 kg", "Kg"),
		"Yeast": ("Dry yeast", "Kg"),
		"Bread": ("White loaf", "Nos"),
	},
	supplier_lot_codes={("Flour", "F1"): "MILL-LOT-7"},
	warehouse_locations={"Stores": "Bakery Inc, 1 Main St", "Bakery": "Bakery Inc, 2 Oven Rd"},
	party_locations={PR: "Mill Ltd, Mill Lane", PR2: "Yeast Co, Yeast St", DN: "Alice Shop, High St"},
)


def test_events_of_movements():
	assert critical_tracking_event(FLOUR_RECEIPT) == RECEIVING
	assert critical_tracking_event(FLOUR_USED) == TRANSFORMATION_INPUT
	assert critical_tracking_event(BREAD_MADE) == TRANSFORMATION_OUTPUT
	assert critical_tracking_event(BREAD_SOLD[0]) == SHIPPING
	assert critical_tracking_event(FLOUR_MOVED) is None
	assert critical_tracking_event(move(DN, "Bread", "B1", 1, Kind.SALES_RETURN, party="Alice")) is None


def test_events_take_every_input_of_a_crossed_transformation_and_no_other_transformation():
	traced = {("Flour", "F1"), ("Bread", "B1")}
	lot_movements = [FLOUR_RECEIPT, FLOUR_USED, BREAD_MADE, FLOUR_ELSEWHERE, FLOUR_MOVED, *BREAD_SOLD]
	events = tracking_events(lot_movements, [FLOUR_USED, YEAST_USED, BREAD_MADE], traced, {MFG})
	assert events == [FLOUR_RECEIPT, FLOUR_USED, BREAD_MADE, *BREAD_SOLD, YEAST_USED]


def test_rows_carry_the_key_data_elements_of_each_event():
	events = [FLOUR_RECEIPT, YEAST_RECEIPT, FLOUR_USED, YEAST_USED, BREAD_MADE, *BREAD_SOLD]
	rows = spreadsheet_rows(events, SOURCES)
	assert [len(row) for row in rows] == [len(HEADINGS)] * 6
	assert rows == [
		# The flour came with the mill's lot code: it is the lot code, assigned at the mill.
		[
			"MILL-LOT-7",
			"Wheat flour 25 kg",
			100,
			"Kg",
			RECEIVING,
			date(2026, 3, 1),
			"Bakery Inc, 1 Main St",
			"Mill Ltd, Mill Lane",
			"Mill Ltd, Mill Lane",
			"",
			"Purchase Receipt",
			"PR-1",
			"Flour",
			"F1",
		],
		[
			"Y1",
			"Dry yeast",
			10,
			"Kg",
			RECEIVING,
			date(2026, 3, 1),
			"Bakery Inc, 1 Main St",
			"Bakery Inc, 1 Main St",
			"Yeast Co, Yeast St",
			"",
			"Purchase Receipt",
			"PR-2",
			"Yeast",
			"Y1",
		],
		[
			"MILL-LOT-7",
			"Wheat flour 25 kg",
			60,
			"Kg",
			TRANSFORMATION_INPUT,
			date(2026, 3, 2),
			"Bakery Inc, 2 Oven Rd",
			"Mill Ltd, Mill Lane",
			"",
			"",
			"Stock Entry",
			"MFG-1",
			"Flour",
			"F1",
		],
		[
			"Y1",
			"Dry yeast",
			2,
			"Kg",
			TRANSFORMATION_INPUT,
			date(2026, 3, 2),
			"Bakery Inc, 2 Oven Rd",
			"Bakery Inc, 1 Main St",
			"",
			"",
			"Stock Entry",
			"MFG-1",
			"Yeast",
			"Y1",
		],
		# The bread's lot code was assigned where it was made.
		[
			"B1",
			"White loaf",
			50,
			"Nos",
			TRANSFORMATION_OUTPUT,
			date(2026, 3, 2),
			"Bakery Inc, 2 Oven Rd",
			"Bakery Inc, 2 Oven Rd",
			"",
			"",
			"Stock Entry",
			"MFG-1",
			"Bread",
			"B1",
		],
		[
			"B1",
			"White loaf",
			10,
			"Nos",
			SHIPPING,
			date(2026, 3, 4),
			"Bakery Inc, 1 Main St",
			"Bakery Inc, 2 Oven Rd",
			"",
			"Alice Shop, High St",
			"Delivery Note",
			"DN-1",
			"Bread",
			"B1",
		],
	]


def test_location_description_leaves_out_what_is_unknown():
	address = {
		"address_line1": "1 Main St",
		"address_line2": None,
		"city": "Springfield",
		"state": "IL",
		"pincode": "62701",
		"country": "United States",
		"phone": "+1 217 555 0100",
	}
	assert location_description("Bakery Inc", address) == (
		"Bakery Inc, 1 Main St, Springfield, IL 62701, United States, Phone +1 217 555 0100"
	)
	assert location_description("Bakery Inc") == "Bakery Inc"
	assert location_description("Bakery Inc", {"city": "Springfield", "pincode": "62701"}) == (
		"Bakery Inc, Springfield, 62701"
	)


def test_csv_has_the_headings_and_iso_dates():
	text = to_csv(spreadsheet_rows([FLOUR_RECEIPT], SOURCES))
	rows = list(csv.reader(io.StringIO(text)))
	assert rows[0] == list(HEADINGS)
	assert rows[1][:6] == ["MILL-LOT-7", "Wheat flour 25 kg", "100", "Kg", "Receiving", "2026-03-01"]
	assert len(rows) == 2


@pytest.mark.parametrize("text", ["=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")'])
def test_text_a_spreadsheet_would_run_is_kept_as_text(text):
	from traceability_plus.core.fsma import as_text_cell

	assert as_text_cell(text) == "'" + text


def test_numbers_dates_and_plain_text_are_left_as_they_are():
	from traceability_plus.core.fsma import as_text_cell

	for value in (-5, 2.5, date(2026, 1, 2), "MILL-77", "Alice's Bakery", "", None):
		assert as_text_cell(value) == value


def test_csv_neutralises_formula_cells():
	from traceability_plus.core.fsma import to_csv

	text = to_csv([["=cmd|' /C calc'!A0", -3]])
	assert text.splitlines()[1] == "'=cmd|' /C calc'!A0,-3"
