import frappe


def execute():
	"""Versions before 0.8 set ERPNext's Stock Settings to pick by Expiry for FEFO. ERPNext's
	Expiry order leaves batches without an expiry date in no particular order; the app now
	does FEFO itself over ERPNext's FIFO, so the setting goes back to ERPNext's default."""
	if not frappe.db.get_single_value("Traceability Settings", "use_fefo_picking"):
		return
	if frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on") == "Expiry":
		frappe.db.set_single_value("Stock Settings", "pick_serial_and_batch_based_on", "FIFO")
		print("Stock Settings > Pick Serial / Batch Based On: back to FIFO; FEFO is now the app's.")
