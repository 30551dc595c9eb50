// Print Labels on Item, Batch, Serial No, Purchase Receipt, Delivery Note and Stock Entry.
// Asks for the template and the copies, then downloads one PDF; big runs go to the
// background and the PDF is attached to the document.

function traceability_plus_print_labels_button(frm) {
	// A draft voucher has posted no batch or serial number yet: nothing to label.
	if (frm.is_new() || frm.doc.docstatus === 2 || (frm.meta.is_submittable && frm.doc.docstatus === 0)) {
		return;
	}
	frm.add_custom_button(
		__("Print Labels"),
		() => traceability_plus_print_labels_dialog(frm),
		__("Traceability"),
	);
}

async function traceability_plus_print_labels_dialog(frm) {
	const default_template = await frappe.db.get_single_value(
		"Traceability Settings",
		"default_label_template",
	);
	const dialog = new frappe.ui.Dialog({
		title: __("Print Labels"),
		fields: [
			{ fieldname: "plan", fieldtype: "HTML" },
			{
				fieldname: "template",
				fieldtype: "Link",
				options: "Label Template",
				label: __("Label Template"),
				default: default_template,
				reqd: 1,
				onchange: () => traceability_plus_use_template_copies(frm, dialog),
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
			const planned = await traceability_plus_plan_labels(dialog, args);
			if (!planned) return;
			dialog.hide();
			if (planned.background) {
				await frappe.call({
					method: "traceability_plus.labels.printing.enqueue_labels",
					args,
					type: "POST",
				});
				frappe.show_alert({
					message: __("{0} labels are being made in the background; the PDF will be attached here.", [
						planned.count,
					]),
					indicator: "blue",
				});
				return;
			}
			open_url_post("/api/method/traceability_plus.labels.printing.download_labels", args);
		},
	});
	dialog.fields_dict.batch_copies.df.onchange = () => traceability_plus_show_label_plan(frm, dialog);
	dialog.fields_dict.max_per_row.df.onchange = () => traceability_plus_show_label_plan(frm, dialog);
	dialog.show();
	traceability_plus_use_template_copies(frm, dialog);
}

// How many labels the choices make and the first label as it prints, before printing.
async function traceability_plus_plan_labels(dialog, args) {
	try {
		const { message } = await frappe.call({
			method: "traceability_plus.labels.printing.get_label_count",
			args,
		});
		return message;
	} catch (error) {
		return null; // Frappe has shown the server's message in a dialog
	}
}

async function traceability_plus_show_label_plan(frm, dialog) {
	const values = dialog.get_values(true);
	const wrapper = dialog.fields_dict.plan.$wrapper;
	if (!values || !values.template) {
		wrapper.empty();
		return;
	}
	const planned = await traceability_plus_plan_labels(dialog, {
		doctype: frm.doctype,
		name: frm.doc.name,
		...values,
	});
	if (!planned) {
		wrapper.empty();
		return;
	}
	// The preview is an SVG drawn by the server from escaped text, shown as an image: an
	// <img> never runs what an SVG might contain.
	const preview = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(planned.preview)))}`;
	wrapper.html(
		`<div class="mb-3" data-tp-label-plan>
			<p class="text-muted" data-tp-label-count="${cint(planned.count)}">${frappe.utils.escape_html(
				planned.background
					? __("{0} labels: they will be made in the background and attached here.", [
							format_number(planned.count, null, 0),
						])
					: __("{0} labels will be printed.", [format_number(planned.count, null, 0)]),
			)}</p>
			<img src="${preview}" alt="${frappe.utils.escape_html(__("First label"))}"
				style="max-width: 100%; border: 1px solid var(--border-color);">
		</div>`,
	);
}

// The template's own copies settings are the dialog's defaults; the user may still change them.
async function traceability_plus_use_template_copies(frm, dialog) {
	const template = dialog.get_value("template");
	if (!template) {
		traceability_plus_show_label_plan(frm, dialog);
		return;
	}
	const { message } = await frappe.db.get_value("Label Template", template, [
		"batch_copies",
		"max_labels_per_row",
	]);
	if (!message) return;
	await dialog.set_value("batch_copies", message.batch_copies || "One per Unit");
	await dialog.set_value("max_per_row", message.max_labels_per_row || 100);
	traceability_plus_show_label_plan(frm, dialog);
}

["Item", "Batch", "Serial No", "Purchase Receipt", "Delivery Note", "Stock Entry"].forEach((doctype) => {
	frappe.ui.form.on(doctype, { refresh: traceability_plus_print_labels_button });
});
