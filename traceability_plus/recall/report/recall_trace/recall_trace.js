// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

// Either a Batch No or a Serial No: whichever is empty is not required while the other is
// set, so a report opened without either shows Frappe's "Please set filters" empty state.
function traceability_plus_require_one_lot(report) {
	const batch = report.get_filter("batch_no");
	const serial = report.get_filter("serial_no");
	batch.df.reqd = serial.get_value() ? 0 : 1;
	serial.df.reqd = 0;
	batch.refresh();
	report.refresh();
}

frappe.query_reports["Recall Trace"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{
			fieldname: "batch_no",
			label: __("Batch No"),
			fieldtype: "Link",
			options: "Batch",
			reqd: 1,
			on_change: traceability_plus_require_one_lot,
		},
		{
			fieldname: "serial_no",
			label: __("Serial No"),
			fieldtype: "Link",
			options: "Serial No",
			on_change: traceability_plus_require_one_lot,
		},
		{
			fieldname: "direction",
			label: __("Direction"),
			fieldtype: "Select",
			options: ["Both", "Backward", "Forward"],
			default: "Both",
		},
		{
			fieldname: "max_depth",
			label: __("Max Depth"),
			fieldtype: "Int",
			description: __("Transformations to cross; empty for all"),
		},
	],
	tree: true,
	initial_depth: 10,
	formatter(value, row, column, data, default_formatter) {
		if (column.fieldname === "qty" && data) {
			// As the cards show them: 9, not 9.000; a heading row has no quantity at all.
			value = data.qty == null ? "" : frappe.format(data.qty, { fieldtype: "Float" });
		} else {
			value = default_formatter(value, row, column, data);
		}
		if (data && data.is_heading) {
			value = `<b>${value}</b>`;
		}
		return value;
	},
};
