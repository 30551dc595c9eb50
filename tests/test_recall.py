import pytest
from ledger import move

from traceability_plus.core.genealogy import BACKWARD, FORWARD, Kind, MassBalance, trace
from traceability_plus.core.recall import (
	BATCH,
	SERIAL_NO,
	UnitQuantities,
	accounted_share,
	affected_lots,
	customers_reached,
	least_effectiveness,
	one_unit_total,
	recall_effectiveness,
	recovered_per_customer,
	suppliers_reached,
)

PR = ("Purchase Receipt", "PR-1")
PR2 = ("Purchase Receipt", "PR-2")
MFG = ("Stock Entry", "MFG-1")
PACK = ("Stock Entry", "PACK-1")
DN1 = ("Delivery Note", "DN-1")
DN2 = ("Delivery Note", "DN-2")
DN3 = ("Delivery Note", "DN-3")
RET = ("Delivery Note", "DN-RET-1")

# Flour F1 -> bread B1 -> boxes X1 and serial-numbered ovens on the side.
LEDGER = [
	move(PR, "Flour", "F1", 100, Kind.RECEIPT, party="Mill"),
	move(PR2, "Yeast", "Y1", 10, Kind.RECEIPT, party="Yeast Co"),
	move(MFG, "Flour", "F1", -60, Kind.CONSUMPTION, transformation=True, day=2),
	move(MFG, "Yeast", "Y1", -2, Kind.CONSUMPTION, transformation=True, day=2),
	move(MFG, "Bread", "B1", 50, Kind.PRODUCTION, transformation=True, day=2),
	move(PACK, "Bread", "B1", -20, Kind.CONSUMPTION, transformation=True, day=3),
	move(PACK, "Box", "X1", 4, Kind.PRODUCTION, transformation=True, day=3),
	move(DN1, "Flour", "F1", -5, Kind.DELIVERY, party="Bob", day=4),
	move(DN2, "Bread", "B1", -10, Kind.DELIVERY, party="Alice", day=4),
	# Two rows of the same lot in one voucher add up.
	move(DN3, "Bread", "B1", -7, Kind.DELIVERY, party="Bob", day=5),
	move(DN3, "Bread", "B1", -8, Kind.DELIVERY, party="Bob", day=5),
	move(DN3, "Box", "X1", -3, Kind.DELIVERY, party="Bob", day=5),
	move(RET, "Bread", "B1", 2, Kind.SALES_RETURN, party="Alice", day=6),
]


def of_lots(lots):
	return [m for m in LEDGER if m.lot in lots]


def of_transformations(transformations):
	return [m for m in LEDGER if m.transformation in transformations]


def walk(start, direction):
	return trace(start, direction, of_lots, of_transformations)


def test_affected_lots_are_the_start_lots_and_everything_made_from_them():
	lots = affected_lots({("Flour", "F1"): BATCH}, walk({("Flour", "F1")}, FORWARD))
	assert [(a.lot, a.number_type, a.level, a.is_start) for a in lots] == [
		(("Flour", "F1"), BATCH, 0, True),
		(("Bread", "B1"), BATCH, 1, False),
		(("Box", "X1"), BATCH, 2, False),
	]


def test_several_start_lots_keep_level_zero_even_when_one_is_made_from_the_other():
	start = {("Flour", "F1"), ("Bread", "B1")}
	lots = affected_lots(dict.fromkeys(start, BATCH), walk(start, FORWARD))
	assert {a.lot: a.level for a in lots} == {("Flour", "F1"): 0, ("Bread", "B1"): 0, ("Box", "X1"): 1}


def test_customers_with_quantity_shipped_returned_and_vouchers():
	customers = customers_reached(walk({("Flour", "F1")}, FORWARD))
	assert [(c.customer, c.shipped, c.returned, c.net_shipped, c.vouchers) for c in customers] == [
		("Alice", 10, 2, 8, ["DN-2", "DN-RET-1"]),
		("Bob", 23, 0, 23, ["DN-1", "DN-3"]),
	]
	bob = customers[1]
	assert [(s.voucher[1], s.lot[1], s.qty) for s in bob.shipments] == [
		("DN-1", "F1", 5),
		("DN-3", "X1", 3),
		("DN-3", "B1", 15),
	]


def test_suppliers_upstream_of_the_box_through_both_transformations():
	receipts = suppliers_reached(walk({("Box", "X1")}, BACKWARD))
	assert [(r.party, r.voucher[1], r.lot[1], r.qty) for r in receipts] == [
		("Mill", "PR-1", "F1", 100),
		("Yeast Co", "PR-2", "Y1", 10),
	]


def test_serial_numbers_are_told_apart_from_batches():
	ovens = [
		move(("Delivery Note", "DN-9"), "Oven", "SN-1", -1, Kind.DELIVERY, party="Carol", serial=True),
	]
	steps = trace({("Oven", "SN-1")}, FORWARD, lambda lots: ovens, lambda t: [])
	assert customers_reached(steps)[0].shipments[0].number_type == SERIAL_NO


def balance(received, consumed=0.0, delivered=0.0, on_hand=0.0, returned=0.0):
	return MassBalance(
		received_or_produced=received,
		consumed=consumed,
		delivered=delivered,
		returned=returned,
		adjusted=0.0,
		other=0.0,
		on_hand=on_hand,
	)


def test_accounted_share_counts_every_gap_against_the_lot():
	assert accounted_share([balance(100, consumed=60, delivered=40)]) == 100
	# 5 missing from one lot, 5 too many on the other: 10 of 150 unexplained.
	assert accounted_share([balance(100, consumed=60, delivered=35), balance(50, on_hand=55)]) == 93.33
	assert accounted_share([balance(0, on_hand=3)]) is None
	assert accounted_share([]) is None


def test_recovered_per_customer_reads_sales_returns_only():
	assert recovered_per_customer(LEDGER) == {"Alice": 2}


@pytest.mark.parametrize(
	("recovered", "destroyed", "held", "shipped", "expected"),
	[
		(20, 5, 0, 25, 100),
		(10, 0, 0, 40, 25),
		(10, 0, 30, 70, 40),  # 10 back + 30 held of 70 shipped + 30 held
		(50, 0, 0, 40, 100),  # never above 100 %
		(0, 0, 0, 0, None),
	],
)
def test_recall_effectiveness(recovered, destroyed, held, shipped, expected):
	assert recall_effectiveness(recovered, destroyed, held, shipped) == expected


def test_effectiveness_per_unit_is_the_least_controlled_unit_never_a_mix():
	flour = UnitQuantities("Kg", shipped=10, recovered=2)  # 20 %
	loaves = UnitQuantities("Nos", shipped=10, recovered=10)  # 100 %
	assert (flour.effectiveness, loaves.effectiveness) == (20, 100)
	# Adding the quantities would say 60 %: one figure of two units means nothing.
	assert least_effectiveness([flour, loaves]) == 20
	assert least_effectiveness([UnitQuantities("Kg")]) is None
	assert one_unit_total({"Kg": 10}) == 10
	assert one_unit_total({"Kg": 10, "Nos": 10}) is None
	assert one_unit_total({}) == 0
