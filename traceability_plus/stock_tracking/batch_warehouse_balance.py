"""Batch Warehouse Balance: the stock of each batch in each warehouse, kept as vouchers post,
with Batch Warehouse Movement: what that stock changed by in each month.

The batch reports that show current stock read the balances instead of summing the
ledger; Batch Stock Balance on a past date reads the balances less the months after it
(or the months before it) and at most one month of the ledger. Both tables are kept
the way ERPNext keeps Batch.batch_qty and the Bin:

- Each new Stock Ledger Entry of a batch is noted when ERPNext submits it. The notes are
  added to the balances when the voucher's own submit or cancel is done, when ERPNext
  has settled the bundles' quantities and values, and at the latest before the commit.
  The additions are atomic upserts, so two vouchers never read and write back the same
  row; two vouchers that move the same batch in the same warehouse are serialised
  anyway by the lock ERPNext takes on the item's Bin before this runs.
- A repost changes the quantities and values of entries already counted without making
  new ones, and a landed cost posts a receipt again at new values: when either is done,
  the items it touched are recomputed from the ledger.
- Every night both tables are checked against the ledger; any difference is
  corrected and written to the Error Log, so that a drift is seen, not hidden.
"""

import hashlib
from datetime import date, timedelta
from typing import NamedTuple

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Min, Sum
from frappe.utils import add_months, getdate, nowdate
from pypika.terms import Values

from traceability_plus.core.batch_balance import (
	Balance,
	BundleBatch,
	LedgerEntry,
	Pair,
	balances_before,
	changes_of,
	changes_to,
	corrections,
	recompute_chunks,
)
from traceability_plus.stock_tracking.batch_stock import batch_balances
from traceability_plus.stock_tracking.stock_movements import ENTRY, SLE

BALANCE_DOCTYPE = "Batch Warehouse Balance"
MOVEMENT_DOCTYPE = "Batch Warehouse Movement"
BALANCE = frappe.qb.DocType(BALANCE_DOCTYPE)
BATCH = frappe.qb.DocType("Batch")
PENDING = "tp_batch_balance_pending"  # frappe.flags key: {ledger entry name: reverses}
# Submitted while a voucher posts, before its ledger entries are final.
POSTED_WHILE_POSTING = ("Stock Ledger Entry", "Serial and Batch Bundle")
BATCHES_PER_RECOMPUTE = 5000  # the nightly check's chunk
ROWS_PER_STATEMENT = 1000  # rows of one upsert
CORRECTIONS_LOGGED = 50
# A past balance reads the kept rows of the batches moved since by name, up to this many.
MOVED_BATCHES_LISTED = 2000


# Kept as vouchers post ---------------------------------------------------------------------


def note_ledger_entry(doc, method=None):
	"""Stock Ledger Entry on_submit: remember a batch entry until its voucher is done."""
	if not doc.batch_no and not (
		doc.serial_and_batch_bundle and frappe.get_cached_value("Item", doc.item_code, "has_batch_no")
	):
		return
	pending = frappe.flags.get(PENDING)
	if pending is None:
		pending = frappe.flags[PENDING] = {}
		frappe.db.before_commit.add(apply_noted_entries)
		frappe.db.after_rollback.add(forget_noted_entries)
	pending[doc.name] = bool(doc.is_cancelled)


def apply_noted_entries(doc=None, method=None):
	"""Add the noted ledger entries to the balances (any doctype's on_submit and on_cancel:
	a voucher's ledger entries are final once its own submit or cancel is done)."""
	if doc is not None and doc.doctype in POSTED_WHILE_POSTING:
		return
	pending = frappe.flags.pop(PENDING, None)
	if not pending:
		return
	rows = (
		frappe.qb.from_(SLE)
		.select(
			SLE.name,
			SLE.item_code,
			SLE.warehouse,
			SLE.company,
			SLE.serial_and_batch_bundle,
			SLE.batch_no,
			SLE.actual_qty,
			SLE.stock_value_difference,
			SLE.posting_date,
		)
		.where(SLE.name.isin(list(pending)))
		.run(as_dict=True)
	)  # an entry rolled back to a savepoint since is simply not found
	entries = [
		(
			month_of(row.posting_date),
			LedgerEntry(
				item_code=row.item_code,
				warehouse=row.warehouse,
				company=row.company,
				bundle=row.serial_and_batch_bundle or None,
				batch_no=row.batch_no or None,
				actual_qty=row.actual_qty or 0.0,
				stock_value_difference=row.stock_value_difference or 0.0,
				reverses=pending[row.name],
			),
		)
		for row in rows
	]
	bundles = bundle_batches({entry.bundle for _month, entry in entries} - {None})
	add_to_balances(changes_of([entry for _month, entry in entries], bundles))
	by_month: dict[date, list[LedgerEntry]] = {}
	for month, entry in entries:
		by_month.setdefault(month, []).append(entry)
	add_to(
		MOVEMENTS,
		{
			(*pair, month): change
			for month, month_entries in by_month.items()
			for pair, change in changes_of(month_entries, bundles).items()
		},
	)


def forget_noted_entries():
	frappe.flags.pop(PENDING, None)


def bundle_batches(bundles: set[str]) -> dict[str, list[BundleBatch]]:
	if not bundles:
		return {}
	rows = (
		frappe.qb.from_(ENTRY)
		.select(
			ENTRY.parent,
			ENTRY.batch_no,
			Sum(ENTRY.qty).as_("qty"),
			Sum(ENTRY.stock_value_difference).as_("stock_value"),
		)
		.where(ENTRY.parent.isin(list(bundles)))
		.where(ENTRY.batch_no.isnotnull() & (ENTRY.batch_no != ""))
		.groupby(ENTRY.parent, ENTRY.batch_no)
		.run(as_dict=True)
	)
	batches: dict[str, list[BundleBatch]] = {}
	for row in rows:
		batches.setdefault(row.parent, []).append(
			BundleBatch(row.batch_no, row.qty or 0.0, row.stock_value or 0.0)
		)
	return batches


class KeptTable(NamedTuple):
	"""A table kept from the ledger, one row per key."""

	doctype: str
	key_fields: tuple[str, ...]

	@property
	def table(self):
		return frappe.qb.DocType(self.doctype)

	def key_of(self, row) -> tuple:
		return tuple(row[field] for field in self.key_fields)


BALANCES = KeptTable(BALANCE_DOCTYPE, ("batch_no", "warehouse"))
MOVEMENTS = KeptTable(MOVEMENT_DOCTYPE, ("batch_no", "warehouse", "month"))


def add_to_balances(changes: dict[Pair, Balance]) -> None:
	add_to(BALANCES, changes)


def add_to(kept: KeptTable, changes: dict[tuple, Balance]) -> None:
	if not changes:
		return
	now = frappe.utils.now()
	user = frappe.session.user
	# One statement, its rows in one order, so that two writers never wait on each other
	# crosswise.
	rows = [
		(
			row_name(key),
			now,
			now,
			user,
			user,
			change.item_code,
			*key,
			change.company,
			change.qty,
			change.stock_value,
		)
		for key, change in sorted(changes.items())
	]
	for start in range(0, len(rows), ROWS_PER_STATEMENT):
		upsert(kept, rows[start : start + ROWS_PER_STATEMENT])


def upsert(kept: KeptTable, rows: list[tuple]) -> None:
	table = kept.table
	(
		frappe.qb.into(table)
		.columns(
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"item_code",
			*kept.key_fields,
			"company",
			"qty",
			"stock_value",
		)
		.insert(*rows)
		.on_duplicate_key_update(table.qty, table.qty + Values(table.qty))
		.on_duplicate_key_update(table.stock_value, table.stock_value + Values(table.stock_value))
		.on_duplicate_key_update(table.modified, Values(table.modified))
		.run()
	)


def balance_name(batch_no: str, warehouse: str) -> str:
	"""One row per batch and warehouse: its name is made from the two."""
	return row_name((batch_no, warehouse))


def row_name(key: tuple) -> str:
	"""One row per key: its name is made from it."""
	return hashlib.sha1("\n".join(str(part) for part in key).encode()).hexdigest()[:20]


def month_of(day) -> date:
	return getdate(day).replace(day=1)


# Recomputed from the ledger ------------------------------------------------------------------


def recompute_after_repost(doc, method=None):
	"""Repost Item Valuation on_change: once a repost is done, recompute what it touched."""
	if doc.status == "Completed":
		schedule_recompute(items_of_repost(doc))


def recompute_after_landed_cost(doc, method=None):
	"""Landed Cost Voucher on_submit and on_cancel: the receipts' entries are posted again
	at new values, which their reversal cannot take back (it takes the new ones); ERPNext
	reposts only when later entries exist, so the items are recomputed here."""
	schedule_recompute({row.item_code for row in doc.items})


def schedule_recompute(item_codes: set[str]) -> None:
	item_codes = batch_items(item_codes)
	if not item_codes:
		return
	# Tests run reposts inside their own transaction, which must not be committed.
	in_test = bool(frappe.flags.in_test)
	frappe.enqueue(
		"traceability_plus.stock_tracking.batch_warehouse_balance.recompute_items",
		queue="long",
		enqueue_after_commit=True,
		now=in_test,
		item_codes=item_codes,
		in_own_transaction=not in_test,
	)


def items_of_repost(doc) -> set[str]:
	"""The items of the voucher or item reposted and of every voucher the repost changed."""
	items = {doc.item_code} if doc.get("item_code") else set()
	vouchers = frappe.parse_json(doc.get("affected_transactions") or "[]") or []
	if doc.get("voucher_type") and doc.get("voucher_no"):
		vouchers.append((doc.voucher_type, doc.voucher_no))
	by_type: dict[str, set[str]] = {}
	for voucher_type, voucher_no in vouchers:
		by_type.setdefault(voucher_type, set()).add(voucher_no)
	for voucher_type, voucher_nos in by_type.items():
		voucher_nos = sorted(voucher_nos)
		for start in range(0, len(voucher_nos), 500):
			items.update(
				frappe.qb.from_(SLE)
				.select(SLE.item_code)
				.distinct()
				.where(SLE.voucher_type == voucher_type)
				.where(SLE.voucher_no.isin(voucher_nos[start : start + 500]))
				.run(pluck=True)
			)
	return items


def batch_items(item_codes: set[str]) -> list[str]:
	if not item_codes:
		return []
	query = frappe.qb.from_(BATCH).select(BATCH.item).distinct().where(BATCH.item.isin(list(item_codes)))
	return sorted(query.run(pluck=True))


def recompute_items(
	item_codes: list[str], in_own_transaction: bool = True, batch_nos: list[str] | None = None
) -> dict[Pair, Balance]:
	"""Bring these items' batch balances to the ledger's sums; return the ones that were wrong.

	Every voucher writes its ledger entries and its change to this table in one
	transaction, so within one snapshot the two agree, except for what the ledger changed
	without the table (a repost, a landed cost) or a drift. That difference is added like
	any voucher's change: it needs no lock, and vouchers posting meanwhile add theirs on
	top of it.
	"""
	if in_own_transaction:
		frappe.db.commit()  # a snapshot from now
	apply_noted_entries()
	wrong = recompute(BALANCES, item_codes, batch_nos, ledger_balances(item_codes, batch_nos))
	wrong |= recompute(MOVEMENTS, item_codes, batch_nos, ledger_movements(item_codes, batch_nos))
	if in_own_transaction:
		frappe.db.commit()
	return wrong


def recompute(kept: KeptTable, item_codes, batch_nos, exact: dict[tuple, Balance]) -> dict[tuple, Balance]:
	rows = stored_rows(item_codes, batch_nos, kept)
	stored = balances_of_rows(rows, kept)
	wrong = corrections(stored, exact)
	changes = changes_to(wrong, stored)
	# A merged warehouse or item leaves a second row for a key: it is folded into the
	# key's own row. No voucher writes to such a row, so it can go without a lock.
	for row in rows:
		key = kept.key_of(row)
		if row.name != row_name(key):
			change = changes.setdefault(key, Balance(row.item_code, row.company))
			change.qty += row.qty
			change.stock_value += row.stock_value
			frappe.qb.from_(kept.table).delete().where(kept.table.name == row.name).run()
	add_to(kept, changes)
	return wrong


def ledger_balances(item_codes: list[str], batch_nos: list[str] | None = None) -> dict[Pair, Balance]:
	"""These items' batch balances as the ledger sums them, zeros kept."""
	return {
		(row.batch_no, row.warehouse): Balance(row.item_code, row.company, row.qty, row.stock_value)
		for row in batch_balances(item_codes=item_codes, batch_nos=batch_nos, keep_zero=True)
	}


def ledger_movements(item_codes: list[str], batch_nos: list[str] | None = None) -> dict[tuple, Balance]:
	"""These items' batch movements of each month as the ledger sums them."""
	return {
		(row.batch_no, row.warehouse, row.month): Balance(
			row.item_code, row.company, row.qty, row.stock_value
		)
		for row in batch_balances(item_codes=item_codes, batch_nos=batch_nos, keep_zero=True, by_month=True)
	}


def kept_rows_query(kept: KeptTable = BALANCES):
	"""The kept rows, each with what a balance needs."""
	table = kept.table
	return frappe.qb.from_(table).select(
		table.name,
		*(table[field] for field in kept.key_fields),
		table.item_code,
		table.company,
		table.qty,
		table.stock_value,
	)


def stored_rows(
	item_codes: list[str], batch_nos: list[str] | None = None, kept: KeptTable = BALANCES
) -> list[frappe._dict]:
	table = kept.table
	query = kept_rows_query(kept).where(table.item_code.isin(item_codes))
	if batch_nos is not None:
		query = query.where(table.batch_no.isin(batch_nos or [""]))
	return query.run(as_dict=True)


def stored_balances(item_codes: list[str], kept: KeptTable = BALANCES) -> dict[tuple, Balance]:
	return balances_of_rows(stored_rows(item_codes, kept=kept), kept)


def balances_of_rows(rows: list[frappe._dict], kept: KeptTable = BALANCES) -> dict[tuple, Balance]:
	stored: dict[tuple, Balance] = {}
	add_rows(stored, rows, kept)
	return stored


def rebuild(log_corrections: bool = False, in_own_transaction: bool = True) -> int:
	"""Recompute every batch item's balances from the ledger, some batches at a time, each
	in a transaction of its own; return how many balances were wrong. The ledger is summed
	by the database and only the sums of one chunk are held here, so the memory it takes
	follows the chunk, not the ledger."""
	batches_per_item = (
		frappe.qb.from_(BATCH).select(BATCH.item, Count("*")).groupby(BATCH.item).orderby(BATCH.item).run()
	)
	batch_count = dict(batches_per_item)
	wrong_count, listed = 0, []

	def check_chunk(chunk, batch_nos=None):
		nonlocal wrong_count
		wrong = recompute_items(chunk, in_own_transaction, batch_nos=batch_nos)
		wrong_count += len(wrong)
		listed.extend(sorted(wrong.items())[: CORRECTIONS_LOGGED - len(listed)])

	for chunk in recompute_chunks(batches_per_item, BATCHES_PER_RECOMPUTE):
		if len(chunk) > 1 or batch_count[chunk[0]] <= BATCHES_PER_RECOMPUTE:
			check_chunk(chunk)
			continue
		batch_nos = (
			frappe.qb.from_(BATCH).select(BATCH.name).where(BATCH.item == chunk[0]).orderby(BATCH.name)
		).run(pluck=True)
		for start in range(0, len(batch_nos), BATCHES_PER_RECOMPUTE):
			check_chunk(chunk, batch_nos[start : start + BATCHES_PER_RECOMPUTE])
	if wrong_count and log_corrections:
		message = "\n".join(
			f"{batch_no} / {warehouse}: {balance.qty:g}, {balance.stock_value:g}"
			for (batch_no, warehouse), balance in listed
		)
		frappe.log_error(
			title=_("Batch Warehouse Balance: {0} balances corrected from the stock ledger").format(
				wrong_count
			),
			message=message,
			reference_doctype=BALANCE_DOCTYPE,
		)
		if in_own_transaction:
			frappe.db.commit()
	return wrong_count


def check_against_ledger():
	"""Daily: correct any balance that differs from the ledger, and log it."""
	rebuild(log_corrections=True)


@frappe.whitelist(methods=["POST"])
def enqueue_rebuild():
	"""Rebuild the table from the ledger in the background (System Manager)."""
	# Not frappe.only_for, which lets everyone through while tests run.
	if "System Manager" not in frappe.get_roles():
		frappe.throw(_("Only a System Manager can start this check."), frappe.PermissionError)
	frappe.enqueue(
		"traceability_plus.stock_tracking.batch_warehouse_balance.check_against_ledger",
		queue="long",
		timeout=3600,
	)
	frappe.msgprint(_("The batch balances are being checked against the stock ledger in the background."))


# Read by the reports --------------------------------------------------------------------------


class BatchInStock(NamedTuple):
	"""A batch's stock in one warehouse, as the reports show it."""

	item_code: str
	item_name: str | None
	stock_uom: str | None
	batch_no: str
	warehouse: str
	qty: float
	stock_value: float
	manufacturing_date: date | None
	expiry_date: date | None
	on_hold: int


def balances_in_stock(
	company: str, warehouses: list[str], item_codes: list[str] | None = None
) -> list[BatchInStock]:
	"""Each batch with stock in these warehouses: its quantity and value, with the batch's
	dates, hold and item. Read as plain tuples: on a site with thousands of batches in
	stock, turning rows into objects is most of the cost."""
	query = (
		frappe.qb.from_(BALANCE)
		.join(BATCH)
		.on(BATCH.name == BALANCE.batch_no)
		.select(
			BALANCE.item_code,
			BATCH.item_name,
			BATCH.stock_uom,
			BALANCE.batch_no,
			BALANCE.warehouse,
			BALANCE.qty,
			BALANCE.stock_value,
			BATCH.manufacturing_date,
			BATCH.expiry_date,
			BATCH.tp_on_hold,
		)
		.where(BALANCE.company == company)
		.where(BALANCE.qty != 0)
		.where(BALANCE.warehouse.isin(warehouses or [""]))
	)
	if item_codes is not None:
		query = query.where(BALANCE.item_code.isin(item_codes or [""]))
	# Summed here rather than grouped in SQL, which sorts wide text keys in a temporary
	# table: a merged warehouse may leave two rows for a pair until the nightly check.
	balances: dict[Pair, BatchInStock] = {}
	for row in query.run():
		row = BatchInStock(*row)
		pair = (row.batch_no, row.warehouse)
		if pair in balances:
			row = balances[pair]._replace(
				qty=balances[pair].qty + row.qty, stock_value=balances[pair].stock_value + row.stock_value
			)
		balances[pair] = row
	return [row for row in balances.values() if row.qty > 0]


class BatchBalance(NamedTuple):
	item_code: str
	batch_no: str
	warehouse: str
	company: str
	qty: float
	stock_value: float


def balances_on(
	company: str,
	on_date,
	item_codes: list[str] | None = None,
	warehouses: list[str] | None = None,
	batch_nos: list[str] | None = None,
) -> list[BatchBalance]:
	"""Quantity and value of each batch in each warehouse at the end of `on_date`, the same
	numbers as the ledger's sum up to that date, without summing the whole ledger: the
	kept balances less the kept months after the date's month and the ledger's entries
	after the date within its month. A date nearer the ledger's first month than today's
	is added up from the kept months before it instead. Either way the ledger read is at
	most one month."""
	on_date = getdate(on_date)
	filters = {"item_codes": item_codes, "warehouses": warehouses, "batch_nos": batch_nos}
	first = frappe.qb.from_(SLE).select(Min(SLE.posting_datetime)).run()[0][0]
	if not first:
		return []  # an empty ledger
	month = month_of(on_date)
	if months_between(month_of(first), month) < months_between(month, month_of(nowdate())):
		return balances_from_start(company, on_date, **filters)
	return kept_balances_on(company, on_date, **filters)


def months_between(start: date, end: date) -> int:
	return (end.year - start.year) * 12 + end.month - start.month


def kept_balances_on(company: str, on_date: date, **filters) -> list[BatchBalance]:
	"""The kept balances less what moved after `on_date`: the kept months after its month,
	and the ledger's entries after it within its month. `filters`: item_codes, warehouses
	and batch_nos, as balances_on takes them."""
	month = month_of(on_date)
	later = kept_movements(company, MOVEMENTS.table.month > month, **filters)
	month_end = add_months(month, 1) - timedelta(days=1)
	add_rows(later, batch_balances(company, after_date=on_date, to_date=month_end, keep_zero=True, **filters))
	stored = kept_in_stock(company, {batch_no for batch_no, _w in later}, **filters)
	return balance_rows(balances_before(stored, later))


def balances_from_start(company: str, on_date: date, **filters) -> list[BatchBalance]:
	"""The kept months before `on_date`'s month, and the ledger from that month's first day
	to the date. `filters` as kept_balances_on takes them."""
	month = month_of(on_date)
	totals = kept_movements(company, MOVEMENTS.table.month < month, **filters)
	day_before = month - timedelta(days=1)
	add_rows(
		totals, batch_balances(company, after_date=day_before, to_date=on_date, keep_zero=True, **filters)
	)
	return balance_rows(totals)


def kept_movements(
	company: str, months, item_codes=None, warehouses=None, batch_nos=None
) -> dict[Pair, Balance]:
	"""The kept months that match `months`, added up per batch and warehouse."""
	table = MOVEMENTS.table
	query = pair_totals_query(table).where(table.company == company).where(months)
	return pair_totals(with_filters(query, table, item_codes, warehouses, batch_nos))


def pair_totals_query(table):
	"""What pair_totals reads, from a kept table."""
	return frappe.qb.from_(table).select(
		table.batch_no, table.warehouse, table.item_code, table.company, table.qty, table.stock_value
	)


def pair_totals(query) -> dict[Pair, Balance]:
	"""The rows of a pair_totals_query added up per batch and warehouse. Read as plain
	tuples, not add_rows' dicts: a year back is tens of thousands of months, and a site
	can have thousands of batches in stock."""
	totals: dict[Pair, Balance] = {}
	for batch_no, warehouse, item_code, row_company, qty, stock_value in query.run():
		total = totals.setdefault((batch_no, warehouse), Balance(item_code, row_company))
		total.qty += qty
		total.stock_value += stock_value
	return totals


def add_rows(totals: dict[tuple, Balance], rows: list[frappe._dict], kept: KeptTable = BALANCES) -> None:
	"""Add each row's quantity and value to the total of its key in `kept`."""
	for row in rows:
		total = totals.setdefault(kept.key_of(row), Balance(row.item_code, row.company))
		total.qty += row.qty
		total.stock_value += row.stock_value


def balance_rows(balances: dict[Pair, Balance]) -> list[BatchBalance]:
	return [
		BatchBalance(
			balance.item_code, batch_no, warehouse, balance.company, balance.qty, balance.stock_value
		)
		for (batch_no, warehouse), balance in balances.items()
		if abs(balance.qty) > 1e-9
	]


def with_filters(query, table, item_codes, warehouses, batch_nos):
	if item_codes is not None:
		query = query.where(table.item_code.isin(item_codes or [""]))
	if warehouses is not None:
		query = query.where(table.warehouse.isin(warehouses or [""]))
	if batch_nos is not None:
		query = query.where(table.batch_no.isin(batch_nos or [""]))
	return query


def kept_in_stock(
	company: str, moved_batches: set[str], item_codes=None, warehouses=None, batch_nos=None
) -> dict[Pair, Balance]:
	"""The kept balances in stock now, and, when they are few, those of the batches that
	moved since the date (at zero now, they may keep a value below a cent)."""
	in_stock = BALANCE.qty != 0
	if moved_batches and len(moved_batches) <= MOVED_BATCHES_LISTED:
		in_stock = in_stock | BALANCE.batch_no.isin(sorted(moved_batches))
	query = pair_totals_query(BALANCE).where(BALANCE.company == company).where(in_stock)
	# A pair can have two rows after a warehouse merge, until the nightly check: added up.
	return pair_totals(with_filters(query, BALANCE, item_codes, warehouses, batch_nos))
