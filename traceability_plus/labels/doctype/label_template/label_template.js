// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

frappe.ui.form.on("Label Template", {
	async page_preset(frm) {
		if (frm.doc.page_preset === "Custom") return;
		// The sizes of each preset are kept on the server, in one place.
		const { message: sizes } = await frappe.call({
			method: "traceability_plus.labels.doctype.label_template.label_template.get_page_preset",
			args: { preset: frm.doc.page_preset },
		});
		if (sizes) frm.set_value(sizes);
	},
});
