# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class BatchWarehouseMovement(Document):
	"""Written only by traceability_plus.stock_tracking.batch_warehouse_balance, never through the form."""


def on_doctype_update():
	# A past date's balances read one company's months after (or before) that date.
	frappe.db.add_index("Batch Warehouse Movement", ["company", "month"], "company_month")
