from datetime import date

import pytest

from traceability_plus.core.genealogy import BACKWARD, FORWARD, Movement, trace

DAY = date(2026, 3, 1)


def move(voucher, item, lot, qty, transformation=False, party=None, serial=False):
	voucher_type, voucher_no = voucher
	return Movement(
		voucher_type=voucher_type,
		voucher_no=voucher_no,
		posting_date=DAY,
		item_code=item,
		qty=qty,
		warehouse="Stores",
		batch_no=None if serial else lot,
		serial_no=lot if serial else None,
		party_type=("Customer" if qty < 0 else "Supplier") if party else None,
		party=party,
		is_transformation=transformation,
	)


PR = ("Purchase Receipt", "PR-1")
MFG = ("Stock Entry", "MFG-1")
PACK = ("Stock Entry", "PACK-1")
DN1 = ("Delivery Note", "DN-1")
DN2 = ("Delivery Note", "DN-2")

# Flour lot F1 from a supplier -> bread B1 (manufacture) -> boxes X1 (repack) -> two customers.
LEDGER = [
	move(PR, "Flour", "F1", 100, party="Mill"),
	move(MFG, "Flour", "F1", -60, transformation=True),
	move(MFG, "Yeast", "Y1", -1, transformation=True),
	move(MFG, "Bread", "B1", 50, transformation=True),
	move(PACK, "Bread", "B1", -50, transformation=True),
	move(PACK, "Box", "X1", 10, transformation=True),
	move(DN1, "Box", "X1", -6, party="Alice"),
	move(DN2, "Box", "X1", -4, party="Bob"),
	move(DN1, "Flour", "F1", -10, party="Alice"),
]


class Ledger:
	def __init__(self, movements):
		self.movements = movements
		self.questions = 0

	def of_lots(self, lots):
		self.questions += 1
		return [m for m in self.movements if m.lot in lots]

	def of_vouchers(self, vouchers):
		self.questions += 1
		return [m for m in self.movements if m.voucher in vouchers]


def walk(start, direction, ledger=None, max_depth=None):
	ledger = ledger or Ledger(LEDGER)
	return [
		(step.level, step.movement.voucher_no, step.movement.lot[1], step.movement.qty)
		for step in trace(start, direction, ledger.of_lots, ledger.of_vouchers, max_depth)
	]


def test_forward_through_manufacture_and_repack_to_every_customer():
	assert walk({("Flour", "F1")}, FORWARD) == [
		(1, "DN-1", "F1", -10),
		(1, "MFG-1", "F1", -60),
		(2, "MFG-1", "B1", 50),
		(2, "PACK-1", "B1", -50),
		(3, "PACK-1", "X1", 10),
		(3, "DN-1", "X1", -6),
		(3, "DN-2", "X1", -4),
	]


def test_backward_from_the_box_to_every_raw_lot_and_supplier():
	assert walk({("Box", "X1")}, BACKWARD) == [
		(1, "PACK-1", "X1", 10),
		(2, "PACK-1", "B1", -50),
		(2, "MFG-1", "B1", 50),
		(3, "MFG-1", "F1", -60),
		(3, "MFG-1", "Y1", -1),
		(3, "PR-1", "F1", 100),
	]


def test_max_depth_stops_at_that_level():
	assert walk({("Flour", "F1")}, FORWARD, max_depth=1) == [(1, "DN-1", "F1", -10), (1, "MFG-1", "F1", -60)]
	assert [step[0] for step in walk({("Flour", "F1")}, FORWARD, max_depth=2)] == [1, 1, 2, 2]


def test_a_cycle_ends_the_walk():
	rework = ("Stock Entry", "REWORK-1")
	ledger = Ledger(
		[
			move(PR, "Bread", "B1", 10, party="Mill"),
			move(rework, "Bread", "B1", -10, transformation=True),
			move(rework, "Bread", "B2", 10, transformation=True),
			move(PACK, "Bread", "B2", -10, transformation=True),
			move(PACK, "Bread", "B1", 10, transformation=True),  # back to the first lot
		]
	)
	steps = walk({("Bread", "B1")}, FORWARD, ledger)
	assert steps == [(1, "REWORK-1", "B1", -10), (2, "REWORK-1", "B2", 10), (2, "PACK-1", "B2", -10)]


def test_work_grows_with_the_genealogy_not_the_ledger():
	unrelated = [move(("Delivery Note", f"DN-X{n}"), "Other", f"O{n}", -1, party="Zed") for n in range(1000)]
	ledger = Ledger(LEDGER + unrelated)
	walk({("Flour", "F1")}, FORWARD, ledger)
	# Three levels: lots then vouchers for the first two, lots only for the last.
	assert ledger.questions == 5


def test_serial_numbers_are_lots_too():
	serial_ledger = [
		move(PR, "Meter", "SN1", 1, party="Acme", serial=True),
		move(DN1, "Meter", "SN1", -1, party="Alice", serial=True),
	]
	assert walk({("Meter", "SN1")}, FORWARD, Ledger(serial_ledger)) == [(1, "DN-1", "SN1", -1)]
	assert walk({("Meter", "SN1")}, BACKWARD, Ledger(serial_ledger)) == [(1, "PR-1", "SN1", 1)]


def test_unknown_direction_is_refused():
	with pytest.raises(ValueError, match="direction"):
		trace(set(), "Sideways", lambda lots: [], lambda vouchers: [])
