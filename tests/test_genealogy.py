from datetime import date

import pytest

from traceability_plus.core.genealogy import (
	BACKWARD,
	FORWARD,
	Kind,
	Movement,
	mass_balance,
	movement_kind,
	trace,
	tree_order,
)

DAY = date(2026, 3, 1)


def move(voucher, item, lot, qty, transformation=False, party=None, serial=False, kind=None):
	voucher_type, voucher_no = voucher
	if kind is None:
		kind = guess_kind(voucher_no, qty)
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
		kind=kind,
		transformation=voucher if transformation else None,
	)


def guess_kind(voucher_no, qty):
	if voucher_no.startswith(("MFG", "PACK", "REWORK")):
		return movement_kind("Stock Entry", qty, purpose="Manufacture")
	if voucher_no.startswith("PR"):
		return movement_kind("Purchase Receipt", qty)
	return movement_kind("Delivery Note", qty)


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


def test_forward_shows_sales_returns_and_count_adjustments_backward_does_not():
	ret = ("Delivery Note", "RET-1")
	count = ("Stock Reconciliation", "SR-1")
	ledger = Ledger(
		[
			move(PR, "Meal", "M1", 10, party="Mill"),
			move(DN1, "Meal", "M1", -4, party="Alice"),
			move(ret, "Meal", "M1", 1, party="Alice", kind=Kind.SALES_RETURN),
			move(count, "Meal", "M1", -2, kind=Kind.ADJUSTMENT),
		]
	)
	assert walk({("Meal", "M1")}, FORWARD, ledger) == [
		(1, "DN-1", "M1", -4),
		(1, "RET-1", "M1", 1),
		(1, "SR-1", "M1", -2),
	]
	assert walk({("Meal", "M1")}, BACKWARD, ledger) == [(1, "PR-1", "M1", 10)]


def test_a_work_order_is_one_transformation_across_its_stock_entries():
	order = ("Work Order", "WO-1")
	consume = ("Stock Entry", "CONS-1")
	finish = ("Stock Entry", "FIN-1")
	ledger = [
		move(PR, "Flour", "F1", 100, party="Mill"),
		Movement(
			*consume, DAY, "Flour", -60, "WIP", batch_no="F1", kind=Kind.CONSUMPTION, transformation=order
		),
		Movement(
			*finish, DAY, "Bread", 50, "Stores", batch_no="B1", kind=Kind.PRODUCTION, transformation=order
		),
	]

	def of_transformations(ids):
		return [m for m in ledger if m.transformation in ids]

	steps = trace(
		{("Flour", "F1")}, FORWARD, lambda lots: [m for m in ledger if m.lot in lots], of_transformations
	)
	assert [(s.level, s.movement.voucher_no, s.crossed) for s in steps] == [
		(1, "CONS-1", False),
		(2, "FIN-1", True),
	]


def test_tree_order_hangs_each_lot_under_the_movement_that_brought_it():
	steps = trace({("Flour", "F1")}, FORWARD, Ledger(LEDGER).of_lots, Ledger(LEDGER).of_vouchers)
	assert [(depth, s.movement.voucher_no, s.movement.lot[1]) for depth, s in tree_order(steps)] == [
		(0, "DN-1", "F1"),
		(0, "MFG-1", "F1"),
		(1, "MFG-1", "B1"),
		(2, "PACK-1", "B1"),
		(3, "PACK-1", "X1"),
		(4, "DN-1", "X1"),
		(4, "DN-2", "X1"),
	]


def test_tree_order_of_a_backward_trace_keeps_every_step_once():
	steps = trace({("Box", "X1")}, BACKWARD, Ledger(LEDGER).of_lots, Ledger(LEDGER).of_vouchers)
	ordered = tree_order(steps)
	assert sorted(id(s) for _, s in ordered) == sorted(id(s) for s in steps)
	assert [(depth, s.movement.voucher_no, s.movement.lot[1]) for depth, s in ordered][:3] == [
		(0, "PACK-1", "X1"),
		(1, "PACK-1", "B1"),
		(2, "MFG-1", "B1"),
	]


@pytest.mark.parametrize(
	"voucher_type, qty, is_return, purpose, kind",
	[
		("Purchase Receipt", 5, False, None, Kind.RECEIPT),
		("Purchase Receipt", -5, True, None, Kind.PURCHASE_RETURN),
		("Delivery Note", -5, False, None, Kind.DELIVERY),
		("Sales Invoice", 5, True, None, Kind.SALES_RETURN),
		("POS Invoice", -1, False, None, Kind.DELIVERY),
		("Stock Entry", 5, False, "Manufacture", Kind.PRODUCTION),
		("Stock Entry", -5, False, "Repack", Kind.CONSUMPTION),
		("Stock Entry", -5, False, "Material Issue", Kind.CONSUMPTION),
		("Stock Entry", -5, False, "Material Consumption for Manufacture", Kind.CONSUMPTION),
		("Stock Entry", 5, False, "Material Receipt", Kind.RECEIPT),
		("Stock Entry", -5, False, "Send to Subcontractor", Kind.TRANSFER),
		("Stock Reconciliation", -2, False, None, Kind.ADJUSTMENT),
		("Subcontracting Receipt", 5, False, None, Kind.PRODUCTION),
		("Asset Capitalization", -1, False, None, Kind.OTHER),
	],
)
def test_movement_kind(voucher_type, qty, is_return, purpose, kind):
	assert movement_kind(voucher_type, qty, is_return, purpose) == kind


def test_mass_balance_adds_up_and_shows_what_does_not():
	lot = [
		Movement("Purchase Receipt", "PR-1", DAY, "Flour", 100, "Stores", "F1", kind=Kind.RECEIPT),
		Movement("Purchase Receipt", "PRET-1", DAY, "Flour", -5, "Stores", "F1", kind=Kind.PURCHASE_RETURN),
		Movement("Stock Entry", "MFG-1", DAY, "Flour", -60, "Stores", "F1", kind=Kind.CONSUMPTION),
		Movement("Delivery Note", "DN-1", DAY, "Flour", -20, "Stores", "F1", kind=Kind.DELIVERY),
		Movement("Delivery Note", "RET-1", DAY, "Flour", 3, "Stores", "F1", kind=Kind.SALES_RETURN),
		Movement("Stock Reconciliation", "SR-1", DAY, "Flour", -2, "Stores", "F1", kind=Kind.ADJUSTMENT),
		Movement("Stock Entry", "TR-1", DAY, "Flour", -10, "Stores", "F1", kind=Kind.TRANSFER),
		Movement("Stock Entry", "TR-1", DAY, "Flour", 10, "Shop", "F1", kind=Kind.TRANSFER),
	]
	balance = mass_balance(lot, on_hand=16)
	assert (balance.received_or_produced, balance.consumed, balance.delivered) == (95, 60, 20)
	assert (balance.returned, balance.adjusted, balance.other, balance.on_hand) == (3, 2, 0, 16)
	assert balance.difference == 0
	assert mass_balance(lot, on_hand=15).difference == 1


def test_an_empty_mass_balance_reads_zero_not_minus_zero():
	balance = mass_balance(
		[Movement("Purchase Receipt", "PR-1", DAY, "Flour", 5, "Stores", "F1", kind=Kind.RECEIPT)], 5
	)
	assert f"{balance.consumed} {balance.delivered} {balance.adjusted} {balance.other}" == "0.0 0.0 0.0 0.0"


def test_transformation_of_each_voucher():
	from traceability_plus.core.genealogy import transformation_of

	assert transformation_of("Stock Entry", "SE-1", purpose="Repack") == ("Stock Entry", "SE-1")
	assert transformation_of("Stock Entry", "SE-2", purpose="Manufacture", work_order="WO-1") == (
		"Work Order",
		"WO-1",
	)
	assert transformation_of(
		"Stock Entry", "SE-3", purpose="Material Consumption for Manufacture", work_order="WO-1"
	) == ("Work Order", "WO-1")
	assert transformation_of("Stock Entry", "SE-4", purpose="Material Consumption for Manufacture") is None
	assert transformation_of("Stock Entry", "SE-5", purpose="Material Transfer", work_order="WO-1") is None
	assert transformation_of("Subcontracting Receipt", "SCR-1") == ("Subcontracting Receipt", "SCR-1")
	assert transformation_of("Subcontracting Receipt", "SCR-2", is_return=True) is None
	assert transformation_of("Delivery Note", "DN-1") is None
