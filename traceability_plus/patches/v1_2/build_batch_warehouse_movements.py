from traceability_plus.stock_tracking.batch_warehouse_balance import rebuild


def execute():
	"""Count the stock already posted into the new Batch Warehouse Movement, month by
	month, so that Batch Stock Balance reads a past date without summing the ledger."""
	rebuild()
