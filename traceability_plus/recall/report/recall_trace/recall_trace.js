// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

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
		},
		{
			fieldname: "serial_no",
			label: __("Serial No"),
			fieldtype: "Link",
			options: "Serial No",
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
		value = default_formatter(value, row, column, data);
		if (data && data.is_heading) {
			value = `<b>${value}</b>`;
		}
		return value;
	},
};
