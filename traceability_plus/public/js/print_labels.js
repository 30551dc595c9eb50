// Print Labels on Item, Batch, Serial No, Purchase Receipt, Delivery Note and Stock Entry.
// Asks for the template and the copies, then downloads one PDF; big runs go to the
// background and the PDF is attached to the document.

function traceability_plus_print_labels_button(frm) {
	// A draft voucher has posted no batch or serial number yet: nothing to label.
	if (frm.is_new() || frm.doc.docstatus === 2 || (frm.meta.is_submittable && frm.doc.docstatus === 0)) {
		return;
	}
	frm.add_custom_button(__("Print Labels"), () => traceability_plus_print_labels_dialog(frm));
}

async function traceability_plus_print_labels_dialog(frm) {
	const default_template = await frappe.db.get_single_value(
		"Traceability Settings",
		"default_label_template"
	);
	const dialog = new frappe.ui.Dialog({
		title: __("Print Labels"),
		fields: [
			{
				fieldname: "template",
				fieldtype: "Link",
				options: "Label Template",
				label: __("Label Template"),
				default: default_template,
				reqd: 1,
				onchange: () => traceability_plus_use_template_copies(dialog),
			},
			{
				fieldname: "batch_copies",
				fieldtype: "Select",
				label: __("Labels per Batch Row"),
				options: [
					{ value: "One per Unit", label: __("One per Unit") },
					{ value: "One per Row", label: __("One per Row") },
				],
				default: "One per Unit",
				description: __("Serial numbers always get one label each."),
			},
			{
				fieldname: "max_per_row",
				fieldtype: "Int",
				label: __("Most Labels per Row"),
				default: 100,
				depends_on: "eval:doc.batch_copies === 'One per Unit'",
			},
		],
		primary_action_label: __("Print"),
		primary_action: async (values) => {
			const args = { doctype: frm.doctype, name: frm.doc.name, ...values };
			const { message: planned } = await frappe.call({
				method: "traceability_plus.labels.printing.get_label_count",
				args,
			});
			dialog.hide();
			if (planned.background) {
				await frappe.call({
					method: "traceability_plus.labels.printing.enqueue_labels",
					args,
					type: "POST",
				});
				frappe.show_alert({
					message: __(
						"{0} labels are being made in the background; the PDF will be attached here.",
						[planned.count]
					),
					indicator: "blue",
				});
				return;
			}
			open_url_post("/api/method/traceability_plus.labels.printing.download_labels", args);
		},
	});
	dialog.show();
	traceability_plus_use_template_copies(dialog);
}

// The template's own copies settings are the dialog's defaults; the user may still change them.
async function traceability_plus_use_template_copies(dialog) {
	const template = dialog.get_value("template");
	if (!template) return;
	const { message } = await frappe.db.get_value("Label Template", template, [
		"batch_copies",
		"max_labels_per_row",
	]);
	if (!message) return;
	dialog.set_value("batch_copies", message.batch_copies || "One per Unit");
	dialog.set_value("max_per_row", message.max_labels_per_row || 100);
}

["Item", "Batch", "Serial No", "Purchase Receipt", "Delivery Note", "Stock Entry"].forEach((doctype) => {
	frappe.ui.form.on(doctype, { refresh: traceability_plus_print_labels_button });
});
