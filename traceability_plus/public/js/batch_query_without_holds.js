// The Batch No dropdown of outgoing rows proposes no held batch: the same filters as
// ERPNext's own query (item, warehouse, posting date, returns), through a wrapper that
// drops held batches. Set on refresh, after ERPNext's controller has set its own.

function traceability_plus_batch_query_without_holds(frm) {
	frm.set_query("batch_no", "items", (doc, cdt, cdn) => {
		const row = locals[cdt][cdn];
		const filters = {
			item_code: row.item_code,
			posting_date: doc.posting_date || frappe.datetime.nowdate(),
		};
		if (doc.is_return) {
			filters.is_return = 1;
			filters.is_inward = 1;
		}
		if (row.warehouse) {
			filters.warehouse = row.warehouse;
		}
		return { query: "traceability_plus.stock_tracking.picking.get_batch_no", filters: filters };
	});
	// Say why a batch the user expects is missing from the list.
	frm.fields_dict.items.grid.update_docfield_property(
		"batch_no",
		"description",
		__("Batches on hold are not offered: see Batch Expiry Status for why a batch is held."),
	);
}

["Delivery Note", "Sales Invoice", "POS Invoice"].forEach((doctype) => {
	frappe.ui.form.on(doctype, { refresh: traceability_plus_batch_query_without_holds });
});
