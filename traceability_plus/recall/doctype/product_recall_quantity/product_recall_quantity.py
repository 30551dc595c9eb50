# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class ProductRecallQuantity(Document):
	"""A recall's quantities and effectiveness in one stock unit."""
