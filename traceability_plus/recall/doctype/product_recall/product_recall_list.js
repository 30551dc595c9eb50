// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

frappe.listview_settings["Product Recall"] = {
	add_fields: ["status", "recall_type", "time_to_trace", "accounted_share"],
	get_indicator(doc) {
		const colors = {
			Draft: "red",
			Tracing: "orange",
			Traced: "blue",
			Open: "orange",
			Closed: "green",
			Completed: "green",
			Cancelled: "grey",
		};
		return [__(doc.status), colors[doc.status] || "grey", `status,=,${doc.status}`];
	},
};
