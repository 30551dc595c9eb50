"""Batch Warehouse Balance: the stock of each batch in each warehouse, kept as vouchers post.

The batch reports that show current stock read this table instead of summing the ledger.
It is kept the way ERPNext keeps Batch.batch_qty and the Bin:

- Each new Stock Ledger Entry of a batch is noted when ERPNext submits it. The notes are
  added to the balances when the voucher's own submit or cancel is done, when ERPNext
  has settled the bundles' quantities and values, and at the latest before the commit.
  The additions are atomic upserts, so two vouchers never read and write back the same
  row; two vouchers that move the same batch in the same warehouse are serialised
  anyway by the lock ERPNext takes on the item's Bin before this runs.
- A repost changes the quantities and values of entries already counted without making
  new ones, and a landed cost posts a receipt again at new values: when either is done,
  the items it touched are recomputed from the ledger.
- Every night the whole table is checked against the ledger; any difference is
  corrected and written to the Error Log, so that a drift is seen, not hidden.
"""

import hashlib
from datetime import date
from typing import NamedTuple

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Min, Sum
from frappe.utils import getdate, nowdate
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
		)
		.where(SLE.name.isin(list(pending)))
		.run(as_dict=True)
	)  # an entry rolled back to a savepoint since is simply not found
	entries = [
		LedgerEntry(
			item_code=row.item_code,
			warehouse=row.warehouse,
			company=row.company,
			bundle=row.serial_and_batch_bundle or None,
			batch_no=row.batch_no or None,
			actual_qty=row.actual_qty or 0.0,
			stock_value_difference=row.stock_value_difference or 0.0,
			reverses=pending[row.name],
		)
		for row in rows
	]
	add_to_balances(changes_of(entries, bundle_batches({entry.bundle for entry in entries} - {None})))


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


def add_to_balances(changes: dict[Pair, Balance]) -> None:
	if not changes:
		return
	now = frappe.utils.now()
	user = frappe.session.user
	# One statement, its rows in one order, so that two writers never wait on each other
	# crosswise.
	rows = [
		(
			balance_name(batch_no, warehouse),
			now,
			now,
			user,
			user,
			change.item_code,
			batch_no,
			warehouse,
			change.company,
			change.qty,
			change.stock_value,
		)
		for (batch_no, warehouse), change in sorted(changes.items())
	]
	for start in range(0, len(rows), ROWS_PER_STATEMENT):
		upsert(rows[start : start + ROWS_PER_STATEMENT])


def upsert(rows: list[tuple]) -> None:
	(
		frappe.qb.into(BALANCE)
		.columns(
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"item_code",
			"batch_no",
			"warehouse",
			"company",
			"qty",
			"stock_value",
		)
		.insert(*rows)
		.on_duplicate_key_update(BALANCE.qty, BALANCE.qty + Values(BALANCE.qty))
		.on_duplicate_key_update(BALANCE.stock_value, BALANCE.stock_value + Values(BALANCE.stock_value))
		.on_duplicate_key_update(BALANCE.modified, Values(BALANCE.modified))
		.run()
	)


def balance_name(batch_no: str, warehouse: str) -> str:
	"""One row per batch and warehouse: its name is made from the two."""
	return hashlib.sha1(f"{batch_no}\n{warehouse}".encode()).hexdigest()[:20]


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
	rows = stored_rows(item_codes, batch_nos)
	stored = balances_of_rows(rows)
	wrong = corrections(stored, ledger_balances(item_codes, batch_nos))
	changes = changes_to(wrong, stored)
	# A merged warehouse or item leaves a second row for a pair: it is folded into the
	# pair's own row. No voucher writes to such a row, so it can go without a lock.
	for row in rows:
		pair = (row.batch_no, row.warehouse)
		if row.name != balance_name(*pair):
			change = changes.setdefault(pair, Balance(row.item_code, row.company))
			change.qty += row.qty
			change.stock_value += row.stock_value
			frappe.qb.from_(BALANCE).delete().where(BALANCE.name == row.name).run()
	add_to_balances(changes)
	if in_own_transaction:
		frappe.db.commit()
	return wrong


def ledger_balances(item_codes: list[str], batch_nos: list[str] | None = None) -> dict[Pair, Balance]:
	"""These items' batch balances as the ledger sums them, zeros kept."""
	return {
		(row.batch_no, row.warehouse): Balance(row.item_code, row.company, row.qty, row.stock_value)
		for row in batch_balances(item_codes=item_codes, batch_nos=batch_nos, keep_zero=True)
	}


def kept_balances_query():
	"""The kept rows, each with what a balance needs."""
	return frappe.qb.from_(BALANCE).select(
		BALANCE.name,
		BALANCE.batch_no,
		BALANCE.warehouse,
		BALANCE.item_code,
		BALANCE.company,
		BALANCE.qty,
		BALANCE.stock_value,
	)


def stored_rows(item_codes: list[str], batch_nos: list[str] | None = None) -> list[frappe._dict]:
	query = kept_balances_query().where(BALANCE.item_code.isin(item_codes))
	if batch_nos is not None:
		query = query.where(BALANCE.batch_no.isin(batch_nos or [""]))
	return query.run(as_dict=True)


def stored_balances(item_codes: list[str]) -> dict[Pair, Balance]:
	return balances_of_rows(stored_rows(item_codes))


def balances_of_rows(rows: list[frappe._dict]) -> dict[Pair, Balance]:
	stored: dict[Pair, Balance] = {}
	for row in rows:
		balance = stored.setdefault((row.batch_no, row.warehouse), Balance(row.item_code, row.company))
		balance.qty += row.qty
		balance.stock_value += row.stock_value
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

	def recompute(chunk, batch_nos=None):
		nonlocal wrong_count
		wrong = recompute_items(chunk, in_own_transaction, batch_nos=batch_nos)
		wrong_count += len(wrong)
		listed.extend(sorted(wrong.items())[: CORRECTIONS_LOGGED - len(listed)])

	for chunk in recompute_chunks(batches_per_item, BATCHES_PER_RECOMPUTE):
		if len(chunk) > 1 or batch_count[chunk[0]] <= BATCHES_PER_RECOMPUTE:
			recompute(chunk)
			continue
		batch_nos = (
			frappe.qb.from_(BATCH).select(BATCH.name).where(BATCH.item == chunk[0]).orderby(BATCH.name)
		).run(pluck=True)
		for start in range(0, len(batch_nos), BATCHES_PER_RECOMPUTE):
			recompute(chunk, batch_nos[start : start + BATCHES_PER_RECOMPUTE])
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


def balances_on(
	company: str,
	on_date,
	item_codes: list[str] | None = None,
	warehouses: list[str] | None = None,
	batch_nos: list[str] | None = None,
) -> list[frappe._dict]:
	"""Quantity and value of each batch in each warehouse at the end of `on_date`, the same
	numbers as the ledger's sum up to that date, at a cost that follows what was posted
	after the date rather than the whole ledger: the kept balances less the ledger's
	movements since. A date nearer the ledger's first entry than today is summed from
	the start instead, so that the work is at most half the ledger."""
	on_date = getdate(on_date)
	filters = {"item_codes": item_codes, "warehouses": warehouses, "batch_nos": batch_nos}
	if nearer_the_start(on_date):
		return batch_balances(company, to_date=on_date, **filters)
	return kept_balances_on(company, on_date, **filters)


def kept_balances_on(
	company: str,
	on_date: date,
	item_codes: list[str] | None = None,
	warehouses: list[str] | None = None,
	batch_nos: list[str] | None = None,
) -> list[frappe._dict]:
	"""The kept balances less the ledger's movements after `on_date`."""
	filters = {"item_codes": item_codes, "warehouses": warehouses, "batch_nos": batch_nos}
	later = {
		(row.batch_no, row.warehouse): Balance(row.item_code, row.company, row.qty, row.stock_value)
		for row in batch_balances(company, after_date=on_date, keep_zero=True, **filters)
	}
	stored = balances_of_rows(kept_rows(company, {batch_no for batch_no, _w in later}, **filters))
	return [
		frappe._dict(
			item_code=balance.item_code,
			batch_no=batch_no,
			warehouse=warehouse,
			company=balance.company,
			qty=balance.qty,
			stock_value=balance.stock_value,
		)
		for (batch_no, warehouse), balance in balances_before(stored, later).items()
		if abs(balance.qty) > 1e-9
	]


def nearer_the_start(on_date: date) -> bool:
	first = frappe.qb.from_(SLE).select(Min(SLE.posting_datetime)).run()[0][0]
	if not first:
		return True  # an empty ledger: nothing to sum either way
	today = getdate(nowdate())
	return (on_date - getdate(first)) < (today - on_date)


def kept_rows(
	company: str,
	moved_batches: set[str],
	item_codes: list[str] | None,
	warehouses: list[str] | None,
	batch_nos: list[str] | None,
) -> list[frappe._dict]:
	"""The kept balances in stock now, and those of the batches that moved since the date
	(which may be at zero now and not then): when those are many, every kept balance."""
	query = kept_balances_query().where(BALANCE.company == company)
	if len(moved_batches) <= MOVED_BATCHES_LISTED:
		in_stock = BALANCE.qty != 0
		if moved_batches:
			in_stock = in_stock | BALANCE.batch_no.isin(sorted(moved_batches))
		query = query.where(in_stock)
	if item_codes is not None:
		query = query.where(BALANCE.item_code.isin(item_codes or [""]))
	if warehouses is not None:
		query = query.where(BALANCE.warehouse.isin(warehouses or [""]))
	if batch_nos is not None:
		query = query.where(BALANCE.batch_no.isin(batch_nos or [""]))
	return query.run(as_dict=True)
