# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class ProductRecallStock(Document):
	"""Stock of an affected lot in one warehouse when the recall was traced."""
