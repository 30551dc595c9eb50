from traceability_plus.install import drop_old_ledger_index
from traceability_plus.stock_tracking.batch_warehouse_balance import rebuild


def execute():
	"""Count the stock already posted into the new Batch Warehouse Balance, and drop the
	index on ERPNext's Serial and Batch Entry that the Batch Expiry Status used before."""
	drop_old_ledger_index()
	rebuild()
