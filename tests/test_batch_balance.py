from traceability_plus.core.batch_balance import (
	Balance,
	BundleBatch,
	LedgerEntry,
	balances_before,
	changes_of,
	changes_to,
	corrections,
)


def entry(warehouse="Stores", **fields):
	return LedgerEntry(item_code="RM", warehouse=warehouse, company="Co", **fields)


BUNDLES = {
	"RECEIPT": [BundleBatch("B1", 10, 100.0), BundleBatch("B2", 5, 60.0)],
	"DELIVERY": [BundleBatch("B1", -4, -40.0)],
}


def as_tuples(balances):
	return {pair: (b.qty, b.stock_value) for pair, b in balances.items()}


def test_a_bundle_moves_each_of_its_batches():
	changes = changes_of([entry(bundle="RECEIPT"), entry(bundle="DELIVERY")], BUNDLES)
	assert as_tuples(changes) == {("B1", "Stores"): (6, 60.0), ("B2", "Stores"): (5, 60.0)}
	assert changes["B1", "Stores"].item_code == "RM"
	assert changes["B1", "Stores"].company == "Co"


def test_a_reversing_entry_takes_its_bundle_away_again():
	changes = changes_of([entry(bundle="DELIVERY", reverses=True)], BUNDLES)
	assert as_tuples(changes) == {("B1", "Stores"): (4, 40.0)}


def test_a_voucher_posted_and_cancelled_together_leaves_its_pairs_at_zero():
	changes = changes_of([entry(bundle="RECEIPT"), entry(bundle="RECEIPT", reverses=True)], BUNDLES)
	assert as_tuples(changes) == {("B1", "Stores"): (0, 0.0), ("B2", "Stores"): (0, 0.0)}


def test_an_entry_without_bundle_moves_its_own_batch_by_its_own_signed_figures():
	changes = changes_of(
		[
			entry(batch_no="OLD", actual_qty=8, stock_value_difference=80.0),
			# ERPNext negates a reversing entry's quantity and value itself.
			entry(batch_no="OLD", actual_qty=-8, stock_value_difference=-80.0, reverses=True),
			entry(batch_no="OLD", warehouse="Shop", actual_qty=3, stock_value_difference=30.0),
		],
		{},
	)
	assert as_tuples(changes) == {("OLD", "Stores"): (0, 0.0), ("OLD", "Shop"): (3, 30.0)}


def test_an_entry_with_no_batch_moves_nothing():
	assert changes_of([entry(bundle="SERIALS ONLY"), entry(actual_qty=5)], BUNDLES) == {}


def balance(qty, value):
	return Balance(item_code="RM", company="Co", qty=qty, stock_value=value)


def test_corrections_name_only_the_wrong_missing_and_vanished_pairs():
	stored = {
		("B1", "Stores"): balance(6, 60.0),
		("B2", "Stores"): balance(5, 61.0),
		("B3", "Stores"): balance(2, 20.0),
	}
	exact = {
		("B1", "Stores"): balance(6, 60.0 + 1e-9),
		("B2", "Stores"): balance(5, 60.0),
		("B4", "Shop"): balance(1, 10.0),
	}
	assert as_tuples(corrections(stored, exact)) == {
		("B2", "Stores"): (5, 60.0),
		("B3", "Stores"): (0, 0.0),
		("B4", "Shop"): (1, 10.0),
	}


def test_changes_to_the_wanted_balances_add_what_is_missing():
	stored = {("B1", "Stores"): balance(6, 61.0)}
	wanted = {("B1", "Stores"): balance(4, 40.0), ("B4", "Shop"): balance(1, 10.0)}
	assert as_tuples(changes_to(wanted, stored)) == {("B1", "Stores"): (-2, -21.0), ("B4", "Shop"): (1, 10.0)}


def test_a_past_balance_is_the_kept_one_less_what_moved_after():
	stored = {
		("B1", "Stores"): Balance("RM", "Co", 6, 60.0),  # 10 received, 4 delivered after the date
		("B2", "Stores"): Balance("RM", "Co", 0, 0.0),  # all 5 delivered after the date
		("B3", "Stores"): Balance("RM", "Co", 3, 36.0),  # received after the date
		("B4", "Stores"): Balance("RM", "Co", 2, 20.0),  # no movement since
	}
	later = {
		("B1", "Stores"): Balance("RM", "Co", -4, -40.0),
		("B2", "Stores"): Balance("RM", "Co", -5, -60.0),
		("B3", "Stores"): Balance("RM", "Co", 3, 36.0),
		("B5", "Shop"): Balance("FG", "Co", 1, 9.0),  # a pair the kept table does not have
	}
	assert as_tuples(balances_before(stored, later)) == {
		("B1", "Stores"): (10, 100.0),
		("B2", "Stores"): (5, 60.0),
		("B3", "Stores"): (0, 0.0),
		("B4", "Stores"): (2, 20.0),
		("B5", "Shop"): (-1, -9.0),
	}
	assert balances_before(stored, later)["B5", "Shop"].item_code == "FG"
	assert as_tuples(stored)["B1", "Stores"] == (6, 60.0)  # the kept balances are left as they are
	assert as_tuples(later)["B1", "Stores"] == (-4, -40.0)


def test_the_nightly_check_groups_items_by_their_batches():
	from traceability_plus.core.batch_balance import recompute_chunks

	counts = [("A", 3000), ("B", 1500), ("C", 800), ("D", 9000), ("E", 10), ("F", 20)]
	assert recompute_chunks(counts, 5000) == [["A", "B"], ["C"], ["D"], ["E", "F"]]
	assert recompute_chunks([], 5000) == []
