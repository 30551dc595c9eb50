// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

frappe.ui.form.on("Tracking Naming Rule", {
	setup(frm) {
		frm.set_query("item_code", () => ({
			filters: frm.doc.applies_to === "Serial No" ? { has_serial_no: 1 } : { has_batch_no: 1 },
		}));
	},
});
