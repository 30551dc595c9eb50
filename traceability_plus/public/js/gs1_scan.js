// Scanning a GS1 element string into a Purchase Receipt: ERPNext's scanner finds the item by
// its GTIN and puts the scanned text in the row's Barcode field; the rest of the element
// string (supplier lot, dates, serial) fills the row's own fields here.

frappe.ui.form.on("Purchase Receipt Item", {
	async barcode(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (!row.barcode || frm.doc.docstatus !== 0) {
			return;
		}
		const { message: lot } = await frappe.call({
			method: "traceability_plus.labels.gs1_scanning.parse_scanned_lot",
			args: { scanned: row.barcode },
		});
		if (lot && Object.keys(lot).length) {
			await frappe.model.set_value(cdt, cdn, lot);
		}
	},
});
