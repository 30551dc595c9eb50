# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class BatchWarehouseBalance(Document):
	"""Written only by traceability_plus.stock_tracking.batch_warehouse_balance, never through the form."""


def on_doctype_update():
	# The reports read one company's rows with stock; most rows of a long-lived site are
	# batches used up, at zero.
	frappe.db.add_index("Batch Warehouse Balance", ["company", "qty"], "company_qty")
