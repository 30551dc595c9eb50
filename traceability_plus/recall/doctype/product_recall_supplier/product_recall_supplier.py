# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class ProductRecallSupplier(Document):
	"""A receipt from a supplier upstream of the start lots."""
