"""Serial and Batch Bundles that the app builds for a voucher row, with ERPNext's own code."""

import frappe


def make_row_bundle(
	doc, row, serial_nos: list[str] | None = None, batches: dict | None = None, **flags
) -> str:
	"""A draft bundle for the row, as ERPNext's batch dialog makes one; the voucher submits it.

	`flags` go to ERPNext's SerialBatchCreation (for instance make_bundle_from_sle).
	"""
	from erpnext.stock.serial_batch_bundle import SerialBatchCreation

	bundle_details = {
		"item_code": row.item_code,
		"posting_date": doc.posting_date,
		"posting_time": doc.posting_time,
		"voucher_type": doc.doctype,
		"voucher_no": doc.name,
		"voucher_detail_no": row.name,
		"company": doc.company,
		"do_not_submit": True,
	}
	doc.update_bundle_details(bundle_details, "items", row)
	if serial_nos is not None:
		bundle_details["serial_nos"] = serial_nos
	if batches is not None:
		bundle_details["batches"] = frappe._dict(batches)
	bundle_details.update(flags)
	return SerialBatchCreation(bundle_details).make_serial_and_batch_bundle().name
