"""Serial and Batch Bundles that the app builds for a voucher row, with ERPNext's own code."""

import frappe


def row_bundle_details(doc, row) -> dict:
	"""What ERPNext's batch dialog puts on a row's bundle: voucher, item, quantity, warehouse, direction."""
	details = {
		"item_code": row.item_code,
		"posting_date": doc.posting_date,
		"posting_time": doc.posting_time,
		"voucher_type": doc.doctype,
		"voucher_no": doc.name,
		"voucher_detail_no": row.name,
		"company": doc.company,
		"do_not_submit": True,
	}
	doc.update_bundle_details(details, "items", row)
	return details


def make_row_bundle(doc, row, batches: dict) -> str:
	"""A draft bundle of the given {batch: qty} for the row; the voucher submits it."""
	from erpnext.stock.serial_batch_bundle import SerialBatchCreation

	details = row_bundle_details(doc, row)
	details["batches"] = frappe._dict(batches)
	return SerialBatchCreation(details).make_serial_and_batch_bundle().name


def make_new_serials_bundle(doc, row, serial_nos: list[str]) -> str:
	"""A draft inward bundle of serial numbers created a moment ago; the voucher submits it.

	Saved the way ERPNext saves the bundles of the serial numbers it creates itself: the
	links (one per serial number) and the per-serial availability checks are left to the
	voucher's submit, which validates the bundle in full. Validating 10,000 links twice
	would add a tenth to the receipt.
	"""
	details = row_bundle_details(doc, row)
	bundle = frappe.new_doc("Serial and Batch Bundle")
	columns = set(bundle.meta.get_valid_columns())
	bundle.update({key: value for key, value in details.items() if key in columns})
	bundle.has_serial_no = 1
	for serial_no in serial_nos:
		bundle.append("entries", {"serial_no": serial_no, "qty": 1, "warehouse": details["warehouse"]})
	bundle.flags.ignore_links = True
	bundle.flags.ignore_validate_serial_batch = True
	bundle.flags.ignore_permissions = True
	bundle.insert()
	return bundle.name


def serials_and_batches_of_row(row) -> tuple[set[str], dict[str, float]]:
	"""The serial numbers and the quantity per batch that a voucher row names, in its old
	Batch No / Serial No fields or in its Serial and Batch Bundle."""
	serial_nos = set((row.get("serial_no") or "").split())
	batch_qty: dict[str, float] = {}
	if row.get("batch_no"):
		batch_qty[row.batch_no] = row.qty
	if row.get("serial_and_batch_bundle"):
		for entry in frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": row.serial_and_batch_bundle},
			fields=["serial_no", "batch_no", "qty"],
		):
			if entry.serial_no:
				serial_nos.add(entry.serial_no)
			if entry.batch_no:
				batch_qty[entry.batch_no] = batch_qty.get(entry.batch_no, 0) + abs(entry.qty)
	return serial_nos, batch_qty
