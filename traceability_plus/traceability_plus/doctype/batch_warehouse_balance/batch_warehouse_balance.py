# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class BatchWarehouseBalance(Document):
	"""Written only by traceability_plus.batch_warehouse_balance, never through the form."""
