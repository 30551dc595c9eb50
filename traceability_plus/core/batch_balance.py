"""Stock of each batch in each warehouse, kept as a running total of the ledger.

ERPNext keeps a batch's total (Batch.batch_qty) by adding each voucher's bundle
quantities as it posts them. The batch-by-warehouse balance is kept the same way: every
new ledger entry adds its batches' quantities and values; the reversing entry that
ERPNext writes when a voucher is cancelled takes the same bundle's quantities away
again. What a repost changes afterwards is recomputed from the ledger instead.
"""

from collections.abc import Iterable
from dataclasses import dataclass

# Quantities and values closer than this are the same (the ledger stores 9 decimals).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class LedgerEntry:
	"""What the running total needs of one new Stock Ledger Entry."""

	item_code: str
	warehouse: str
	company: str
	bundle: str | None = None
	batch_no: str | None = None  # the old Batch No field, when there is no bundle
	actual_qty: float = 0.0
	stock_value_difference: float = 0.0
	# The entry ERPNext writes when it cancels a voucher: it points at the cancelled
	# entry's bundle, whose quantities it takes away.
	reverses: bool = False


@dataclass(frozen=True)
class BundleBatch:
	"""One batch's signed quantity and value in one bundle."""

	batch_no: str
	qty: float
	stock_value: float


@dataclass
class Balance:
	item_code: str
	company: str
	qty: float = 0.0
	stock_value: float = 0.0


Pair = tuple[str, str]  # (batch_no, warehouse)


def changes_of(entries: Iterable[LedgerEntry], bundles: dict[str, list[BundleBatch]]) -> dict[Pair, Balance]:
	"""How much each (batch, warehouse) balance changes by these new ledger entries.

	An entry with a bundle moves the bundle's batches; one without moves its own Batch
	No by its own quantity and value (a reversing entry's are already negated). Pairs
	whose changes cancel out are left in, at zero, so that they are written all the same.
	"""
	changes: dict[Pair, Balance] = {}

	def add(batch_no, entry, qty, value):
		change = changes.setdefault(
			(batch_no, entry.warehouse), Balance(item_code=entry.item_code, company=entry.company)
		)
		change.qty += qty
		change.stock_value += value

	for entry in entries:
		if entry.bundle:
			sign = -1 if entry.reverses else 1
			for batch in bundles.get(entry.bundle, ()):
				add(batch.batch_no, entry, sign * batch.qty, sign * batch.stock_value)
		elif entry.batch_no:
			add(entry.batch_no, entry, entry.actual_qty, entry.stock_value_difference)
	return changes


def corrections(stored: dict[Pair, Balance], exact: dict[Pair, Balance]) -> dict[Pair, Balance]:
	"""The balances to write so that the stored ones equal the exact ones: a pair stored
	but no longer in the ledger comes back at zero."""
	wrong: dict[Pair, Balance] = {}
	for pair in stored.keys() | exact.keys():
		want = exact.get(pair)
		have = stored.get(pair)
		if want is None:
			want = Balance(item_code=have.item_code, company=have.company)
		if (
			have is None
			or abs(have.qty - want.qty) > TOLERANCE
			or abs(have.stock_value - want.stock_value) > TOLERANCE
		):
			wrong[pair] = want
	return wrong


def changes_to(wanted: dict[Pair, Balance], stored: dict[Pair, Balance]) -> dict[Pair, Balance]:
	"""What to add to the stored balances to make them the wanted ones."""
	changes: dict[Pair, Balance] = {}
	for pair, want in wanted.items():
		have = stored.get(pair) or Balance(want.item_code, want.company)
		changes[pair] = Balance(
			want.item_code, want.company, want.qty - have.qty, want.stock_value - have.stock_value
		)
	return changes


def balances_before(stored: dict[Pair, Balance], later: dict[Pair, Balance]) -> dict[Pair, Balance]:
	"""The balances as they were before the `later` movements: the kept ones less those
	movements. A pair that only moved later (received after the date) comes out at zero;
	one that is at zero now but moved later had stock before. A pair that did not move
	is the stored Balance itself, not a copy (a site can have thousands in stock and few
	moved since the date): treat the result as read-only."""
	before = dict(stored)
	for pair, moved in later.items():
		have = stored.get(pair) or Balance(moved.item_code, moved.company)
		before[pair] = Balance(
			have.item_code, have.company, have.qty - moved.qty, have.stock_value - moved.stock_value
		)
	return before


def recompute_chunks(batches_per_item: list[tuple[str, int]], most: int) -> list[list[str]]:
	"""Items grouped so that each group has at most `most` batches, in the order given;
	an item with more than that is a group of its own (and is checked a slice of its
	batches at a time)."""
	chunks: list[list[str]] = []
	count = 0
	for item_code, batches in batches_per_item:
		if not chunks or count + batches > most:
			chunks.append([])
			count = 0
		chunks[-1].append(item_code)
		count += batches
	return chunks
