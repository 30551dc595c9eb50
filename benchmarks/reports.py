"""Benchmark: the app's batch reports next to ERPNext's closest reports, on a ledger of any size.

Run it with the bench's Python from the bench's sites folder, on sites of their own with ERPNext
and Traceability Plus installed. Seeding adds a company, "_TP Bench Co", with years of stock
movements that stay on the site, so do not use a site that matters:

    cd ~/frappe-bench/sites
    ../env/bin/python ~/traceability_plus/benchmarks/reports.py --seed \
        --site bench-213k.localhost --scale 213000 --site bench-2m.localhost --scale 2000000

--seed fills each site once (about 6 minutes for 213,000 entries, about 40 for 2,000,000 on
a 2-core machine busy with other seeds; give MariaDB a buffer pool of some GB, or the
balance rebuild after it takes a quarter of an hour) and is skipped when the data is there
already; without it the script only times the reports. With several sites it ends with each
report's time on each, so that its growth with the ledger shows.

The data, per product line: 50 raw materials received by Purchase Receipts from 50 suppliers;
Manufacture stock entries that turn 2 or 3 raw lots into an intermediate lot; Repack and
Manufacture entries that turn intermediate lots into finished lots; Delivery Notes that split
each finished lot over about a dozen of 1,000 customers, with a few sales returns (back in
stock and picked again, oldest first); some Material Issues of raw lots. Intermediate and
finished items are made to stock up to a cap, as a planner would, so the stock on hand stays
about the same over the years while the ledger grows. One line posts about 310 ledger entries
a day (two years: about 21,000 batches and 213,000 entries), each lot's balance never below
zero. A bigger --scale adds years, up to ten, then lines side by side, each with items and a
seed of its own: a lot's genealogy is the same size at every scale, and line 1's first two
years are the same, so the raw lot traced is the same lot. A few real documents are submitted through ERPNext (one raw
lot made into one finished lot and delivered); everything else is written in bulk, row for
row as ERPNext writes it when it submits: Stock Ledger Entry, Serial and Batch Bundle with
its Serial and Batch Entry, Batch, Bin and the voucher headers the reports read (not the
voucher item rows nor the GL entries). Those bulk rows bypass the app's Batch Warehouse
Balance, as stock posted before the app was installed does, so the script then rebuilds it
as install and migrate do, and times that, the nightly check and its peak memory.

Each report is called through its `execute(filters)` as Administrator, --rounds times, and the
script prints each time, the median and the rows returned, next to ERPNext's closest report on
the same data: Stock Ledger filtered to the batch, Batch-Wise Balance History (today and on
past dates) and Batch Item Expiry Status. Batch Stock Balance's way to a date's balances is
also timed next to the plain ledger sum, with a check that both give the same numbers. Then
it lists the SQL statements each of the app's reports runs, grouped by shape, with the
EXPLAIN of the costliest ones on the ledger.
Targets on a 2-core machine: Recall Trace of the raw lot at 2,000,000 entries within 1.5 times
its time at 213,000; Batch Stock Balance for today within 0.1 s and on a past date within 1 s
at 2,000,000; the nightly check within the long queue's timeout.
"""

import argparse
import bisect
import importlib
import random
import re
import statistics
import time
import tracemalloc
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import frappe
from frappe.utils import add_days, getdate, nowdate

COMPANY = "_TP Bench Co"
ABBR = "_TPB"
ITEM_GROUP = "_TPB Items"
RAW_WAREHOUSE = f"Stores - {ABBR}"
WIP_WAREHOUSE = f"Work In Progress - {ABBR}"
FINISHED_WAREHOUSE = f"Finished Goods - {ABBR}"
ALL_WAREHOUSES = f"All Warehouses - {ABBR}"

# The lots the timings use are found by these Batch descriptions; the trace lot's is written last,
# so it also says that seeding finished.
TRACE_LOT_MARK = "TP benchmark: raw lot to trace"
FINISHED_LOT_MARK = "TP benchmark: finished lot"
SMALL_LOT = "TPB-REAL-RAW-1"  # received, made into one finished lot and delivered by real documents
SMALL_PRODUCT_LOT = "TPB-REAL-FG-1"
REAL_RAW = "_TPB Real Raw"
REAL_PRODUCT = "_TPB Real Product"

SUPPLIERS = [f"_TPB Supplier {n:02d}" for n in range(1, 51)]
CUSTOMERS = [f"_TPB Customer {n:04d}" for n in range(1, 1001)]


@dataclass(frozen=True)
class ProductLine:
	"""One factory's items: 50 raw materials, 20 intermediates, 40 finished products. A
	bigger ledger has more lines side by side, each simulated alike with a seed of its own,
	so that a lot's genealogy is the same size at every scale; line 1 is the same at every
	scale, so that the lot traced is too."""

	number: int

	@property
	def item_prefix(self) -> str:
		return "_TPB " if self.number == 1 else f"_TPB L{self.number} "

	@property
	def lot_prefix(self) -> str:
		return "TPB-" if self.number == 1 else f"TPB-L{self.number}-"

	def items(self, kind: str, count: int) -> list[str]:
		return [f"{self.item_prefix}{kind} {n:03d}" for n in range(1, count + 1)]

	@property
	def raw_items(self) -> list[str]:
		return self.items("RM", 50)

	@property
	def intermediate_items(self) -> list[str]:
		return self.items("IM", 20)

	@property
	def finished_items(self) -> list[str]:
		return self.items("FG", 40)

	@property
	def all_items(self) -> list[str]:
		return self.raw_items + self.intermediate_items + self.finished_items


MOST_DAYS = 3650  # ten years; a bigger ledger adds product lines
ENTRIES_PER_LINE_DAY = 310  # what one line posts in a day, on average
DEFAULT_SCALE = 213_000
PICK_FROM_DAY, PICK_TO_DAY = 60, 365  # the raw lot traced was received in the first year


def plan(scale: int) -> tuple[int, int]:
	"""(product lines, days) that post about `scale` ledger entries."""
	lines = max(1, -(-scale // (MOST_DAYS * ENTRIES_PER_LINE_DAY)))
	days = max(PICK_TO_DAY + 60, round(scale / (lines * ENTRIES_PER_LINE_DAY)))
	return lines, days


RAW_PER_MANUFACTURE = 100  # of each raw material in an intermediate lot of the same quantity
INTERMEDIATE_LOT_QTY = 100
INTERMEDIATE_PER_REPACK = 50  # of each intermediate material in a finished product
INTERMEDIATE_STOCK_CAP = 10 * INTERMEDIATE_LOT_QTY  # on hand, per item: made to stock up to it
FINISHED_LOT_QTY = 60
FINISHED_STOCK_CAP = 10 * FINISHED_LOT_QTY
CHUNK = 10_000
TRANSFORMING = ("Manufacture", "Repack")

# Name prefixes of everything written in bulk, so that a seed cut short can be cleared.
BULK_NAMES = {
	"Stock Ledger Entry": "TPB-SLE-",
	"Serial and Batch Bundle": "TPB-SABB-",
	"Serial and Batch Entry": "TPB-SBE-",
	"Purchase Receipt": "TPB-PRE-",
	"Stock Entry": "TPB-STE-",
	"Delivery Note": "TPB-DN-",
}
BULK_BATCH_PREFIX = "TPB-"  # every bulk lot; the real documents' lots are TPB-REAL-


# Master data, through ERPNext's documents ------------------------------------------------------


def prepare_masters(lines: int, days: int):
	from erpnext.setup.utils import before_tests

	if not frappe.db.a_row_exists("Company"):
		before_tests()  # the setup wizard, as for ERPNext's tests
	if not frappe.db.exists("Company", COMPANY):
		insert(
			"Company",
			company_name=COMPANY,
			abbr=ABBR,
			default_currency="USD",
			country="United States",
			chart_of_accounts="Standard",
		)
	if not frappe.db.exists("Item Group", ITEM_GROUP):
		insert("Item Group", item_group_name=ITEM_GROUP, parent_item_group="All Item Groups")
	for year in range(getdate(add_days(nowdate(), -days - 90)).year, getdate(nowdate()).year + 1):
		make_fiscal_year(year)
	supplier_group = frappe.db.get_value("Supplier Group", {"is_group": 0})
	for name in SUPPLIERS:
		if not frappe.db.exists("Supplier", name):
			insert("Supplier", supplier_name=name, supplier_group=supplier_group)
	customer_group = frappe.db.get_value("Customer Group", {"is_group": 0})
	territory = frappe.db.get_value("Territory", {"is_group": 0})
	existing = set(frappe.get_all("Customer", {"name": ("like", "_TPB Customer %")}, pluck="name"))
	for name in CUSTOMERS:
		if name not in existing:
			insert("Customer", customer_name=name, customer_group=customer_group, territory=territory)
	existing = set(frappe.get_all("Item", {"name": ("like", "_TPB %")}, pluck="name"))
	bulk_items = [item for number in range(1, lines + 1) for item in ProductLine(number).all_items]
	for item_code in [*bulk_items, REAL_RAW, REAL_PRODUCT]:
		if item_code not in existing:
			insert(
				"Item",
				item_code=item_code,
				item_name=item_code,
				item_group=ITEM_GROUP,
				stock_uom="Nos",
				is_stock_item=1,
				has_batch_no=1,
				has_expiry_date=1,
				shelf_life_in_days=365,
			)
	frappe.db.commit()


def insert(doctype, **fields):
	return frappe.get_doc({"doctype": doctype, **fields}).insert(ignore_permissions=True)


def make_fiscal_year(year: int):
	if frappe.db.exists(
		"Fiscal Year", {"year_start_date": ("<=", f"{year}-06-30"), "year_end_date": (">=", f"{year}-06-30")}
	):
		return
	try:
		insert("Fiscal Year", year=str(year), year_start_date=f"{year}-01-01", year_end_date=f"{year}-12-31")
	except (frappe.ValidationError, frappe.DuplicateEntryError):
		frappe.clear_last_message()  # a fiscal year that is not the calendar year overlaps: it will do


def make_real_chain():
	"""A raw lot received, made into a finished lot and delivered, all by submitted documents."""
	if frappe.db.exists("Batch", SMALL_LOT):
		return
	for batch_id, item_code in ((SMALL_LOT, REAL_RAW), (SMALL_PRODUCT_LOT, REAL_PRODUCT)):
		insert("Batch", batch_id=batch_id, item=item_code)
	today = nowdate()
	lot_fields = {"use_serial_batch_fields": 1, "conversion_factor": 1}
	receipt = insert(
		"Purchase Receipt",
		company=COMPANY,
		supplier=SUPPLIERS[0],
		posting_date=today,
		currency="USD",
		conversion_rate=1,
		items=[
			{
				"item_code": REAL_RAW,
				"qty": 20,
				"rate": 10,
				"warehouse": RAW_WAREHOUSE,
				"batch_no": SMALL_LOT,
				**lot_fields,
			}
		],
	)
	receipt.submit()
	entry = insert(
		"Stock Entry",
		stock_entry_type="Manufacture",
		purpose="Manufacture",
		company=COMPANY,
		posting_date=today,
		items=[
			{
				"item_code": REAL_RAW,
				"qty": 12,
				"s_warehouse": RAW_WAREHOUSE,
				"batch_no": SMALL_LOT,
				**lot_fields,
			},
			{
				"item_code": REAL_PRODUCT,
				"qty": 6,
				"t_warehouse": FINISHED_WAREHOUSE,
				"batch_no": SMALL_PRODUCT_LOT,
				"is_finished_item": 1,
				**lot_fields,
			},
		],
	)
	entry.submit()
	note = insert(
		"Delivery Note",
		company=COMPANY,
		customer=CUSTOMERS[0],
		posting_date=today,
		currency="USD",
		conversion_rate=1,
		selling_price_list=frappe.db.get_value("Price List", {"selling": 1}),
		items=[
			{
				"item_code": REAL_PRODUCT,
				"qty": 4,
				"rate": 50,
				"warehouse": FINISHED_WAREHOUSE,
				"batch_no": SMALL_PRODUCT_LOT,
				**lot_fields,
			}
		],
	)
	note.submit()
	frappe.db.commit()


# The simulated two years ------------------------------------------------------------------------


@dataclass
class Lot:
	name: str
	item_code: str
	warehouse: str
	day: int
	qty: float  # still there to consume or deliver
	origin: "Voucher"
	supplier: str | None = None
	balance: float = 0.0  # at the end


@dataclass
class Voucher:
	doctype: str
	day: int
	time: str
	fields: dict
	rows: list = field(default_factory=list)  # (item_code, warehouse, lot, signed qty)
	name: str = ""


class Simulation:
	"""Two years of a factory, day by day: stock is pulled through the chain, oldest lot first."""

	def __init__(self, line: ProductLine = ProductLine(1)):
		self.line = line
		self.rng = random.Random(20261127 + line.number - 1)
		rng = self.rng
		self.raw_items = line.raw_items
		self.intermediate_items = line.intermediate_items
		self.finished_items = line.finished_items
		self.vouchers: list[Voucher] = []
		self.lots: list[Lot] = []
		self.rate: dict[str, float] = {}
		self.queues: dict[str, list[Lot]] = defaultdict(list)  # lots ready to use, oldest first
		self.on_hand: dict[str, float] = defaultdict(float)
		self.made_today: list[Lot] = []
		self.receipts: dict[tuple[int, str], Voucher] = {}
		self.times: dict[tuple[int, str], int] = defaultdict(int)
		self.recent_deliveries: list[tuple[Voucher, Lot, float]] = []
		self.counts = defaultdict(int)

		raw = self.raw_items[:]
		rng.shuffle(raw)
		self.suppliers = {item: rng.sample(SUPPLIERS, rng.choice((1, 2))) for item in self.raw_items}
		for n, item in enumerate(self.raw_items):
			self.rate[item] = 2 + n % 7
		self.raw_recipe, position = {}, 0
		for item in self.intermediate_items:
			count = 3 if len(self.raw_recipe) % 2 else 2
			self.raw_recipe[item] = [raw[(position + k) % len(raw)] for k in range(count)]
			position += count
			self.rate[item] = sum(self.rate[r] for r in self.raw_recipe[item])
		self.intermediate_recipe, self.outputs, position = {}, {}, 0
		for item in self.finished_items:
			count = rng.choice((1, 2))
			self.intermediate_recipe[item] = [
				self.intermediate_items[(position + k) % len(self.intermediate_items)] for k in range(count)
			]
			position += count
			self.outputs[item] = rng.choice((1, 2))
			value = sum(self.rate[i] * INTERMEDIATE_PER_REPACK for i in self.intermediate_recipe[item])
			self.rate[item] = round(value / (FINISHED_LOT_QTY * self.outputs[item]), 6)
		# A few big customers, many small ones.
		self.customer_weights = [1 / (n + 1) ** 0.7 for n in range(len(CUSTOMERS))]
		self.popularity = [rng.uniform(0.5, 2) for _item in self.finished_items]

	def run(self, days: int):
		rng = self.rng
		for day in range(days):
			for lot in self.made_today:
				self.queues[lot.item_code].append(lot)
			self.made_today = []
			if rng.random() < 0.3:
				self.material_issue(day)
			for _n in range(rng.randint(8, 10)):
				self.manufacture(day)
			for _n in range(rng.randint(10, 15)):
				self.repack(day)
			for _n in range(rng.randint(80, 116)):
				self.deliver(day)
			for _n in range(rng.randint(0, 4)):
				self.sales_return(day)
		self.vouchers.sort(key=lambda v: (v.day, v.time))
		for lot in self.lots:
			lot.balance = 0.0
		for voucher in self.vouchers:
			for _item, _warehouse, lot, qty in voucher.rows:
				lot.balance += qty

	def voucher(self, doctype: str, day: int, start: str, step: int, **fields) -> Voucher:
		number = self.times[(day, start)]  # the n-th voucher of the day begun at that hour
		self.times[(day, start)] += 1
		hours, minutes = map(int, start.split(":"))
		seconds = hours * 3600 + minutes * 60 + number * step
		if seconds >= 24 * 3600:
			raise RuntimeError(f"too many {doctype} on day {day}")
		at = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
		voucher = Voucher(doctype, day, at, fields)
		self.vouchers.append(voucher)
		return voucher

	def new_lot(self, prefix, item_code, warehouse, day, qty, origin, supplier=None) -> Lot:
		self.counts[prefix] += 1
		lot = Lot(f"{prefix}{self.counts[prefix]:06d}", item_code, warehouse, day, qty, origin, supplier)
		self.lots.append(lot)
		return lot

	def take(self, voucher: Voucher, item_code: str, warehouse: str, qty: float, day: int):
		"""Consume `qty` of an item, oldest lot first; raw materials are bought just in time."""
		queue = self.queues[item_code]
		while qty > 1e-9:
			if not queue:
				if item_code not in self.raw_items:
					raise RuntimeError(f"no stock of {item_code}")
				self.receive(item_code, day)
			lot = queue[0]
			used = min(qty, lot.qty)
			voucher.rows.append((item_code, warehouse, lot, -used))
			lot.qty -= used
			self.on_hand[item_code] -= used
			qty -= used
			if lot.qty <= 1e-9:
				queue.pop(0)

	def receive(self, item_code: str, day: int):
		receipt_day = max(0, day - self.rng.randint(1, 10))
		supplier = self.rng.choice(self.suppliers[item_code])
		receipt = self.receipts.get((receipt_day, supplier))
		if not receipt:
			receipt = self.voucher("Purchase Receipt", receipt_day, "07:00", 120, supplier=supplier)
			self.receipts[(receipt_day, supplier)] = receipt
		qty = self.rng.choice((300, 500, 500, 800))
		lot = self.new_lot(
			self.line.lot_prefix + "RM-", item_code, RAW_WAREHOUSE, receipt_day, qty, receipt, supplier
		)
		receipt.rows.append((item_code, RAW_WAREHOUSE, lot, qty))
		self.queues[item_code].append(lot)

	def material_issue(self, day: int):
		item_code = self.rng.choice([item for item in self.raw_items if self.queues[item]] or [None])
		if item_code:
			issue = self.voucher("Stock Entry", day, "08:30", 60, purpose="Material Issue")
			lot = self.queues[item_code][0]
			self.take(issue, item_code, RAW_WAREHOUSE, min(self.rng.randint(2, 10), lot.qty), day)

	def manufacture(self, day: int):
		rng = self.rng
		# Made to stock up to a cap, as a planner would: without it the least-used
		# intermediates pile up for ten years.
		wanted = [item for item in self.intermediate_items if self.on_hand[item] < INTERMEDIATE_STOCK_CAP]
		if not wanted:
			return
		if rng.random() < 0.7:
			item_code = min(wanted, key=lambda item: (self.on_hand[item], rng.random()))
		else:
			item_code = rng.choice(wanted)
		entry = self.voucher("Stock Entry", day, "09:00", 300, purpose="Manufacture")
		for raw in self.raw_recipe[item_code]:
			self.take(entry, raw, RAW_WAREHOUSE, RAW_PER_MANUFACTURE, day)
		self.produce(entry, self.line.lot_prefix + "IM-", item_code, WIP_WAREHOUSE, INTERMEDIATE_LOT_QTY, day)

	def produce(self, entry, prefix, item_code, warehouse, qty, day):
		lot = self.new_lot(prefix, item_code, warehouse, day, qty, entry)
		entry.rows.append((item_code, warehouse, lot, qty))
		self.on_hand[item_code] += qty
		self.made_today.append(lot)

	def repack(self, day: int):
		rng = self.rng
		possible = [
			item
			for item in self.finished_items
			if self.on_hand[item] < FINISHED_STOCK_CAP
			and all(
				sum(lot.qty for lot in self.queues[i]) >= INTERMEDIATE_PER_REPACK
				for i in self.intermediate_recipe[item]
			)
		]
		if not possible:
			return
		if rng.random() < 0.7:
			item_code = min(possible, key=lambda item: (self.on_hand[item], rng.random()))
		else:
			item_code = rng.choice(possible)
		purpose = rng.choice(("Repack", "Manufacture"))
		entry = self.voucher("Stock Entry", day, "12:00", 240, purpose=purpose)
		for intermediate in self.intermediate_recipe[item_code]:
			self.take(entry, intermediate, WIP_WAREHOUSE, INTERMEDIATE_PER_REPACK, day)
		for _n in range(self.outputs[item_code]):
			self.produce(
				entry, self.line.lot_prefix + "FG-", item_code, FINISHED_WAREHOUSE, FINISHED_LOT_QTY, day
			)

	def deliver(self, day: int):
		rng = self.rng
		in_stock = [n for n, item in enumerate(self.finished_items) if self.queues[item]]
		if not in_stock:
			return
		customer = rng.choices(CUSTOMERS, self.customer_weights)[0]
		note = self.voucher("Delivery Note", day, "14:00", 60, customer=customer, is_return=0)
		for _n in range(rng.randint(1, 4)):
			in_stock = [n for n in in_stock if self.queues[self.finished_items[n]]]
			if not in_stock:
				break
			item_code = self.finished_items[rng.choices(in_stock, [self.popularity[n] for n in in_stock])[0]]
			lot = self.queues[item_code][0]
			qty = min(rng.randint(1, 8), lot.qty)
			self.take(note, item_code, FINISHED_WAREHOUSE, qty, day)
			self.recent_deliveries.append((note, lot, qty))
		self.recent_deliveries = self.recent_deliveries[-3000:]

	def sales_return(self, day: int):
		candidates = [n for n, (note, _lot, _qty) in enumerate(self.recent_deliveries) if note.day < day]
		if not candidates:
			return
		note, lot, qty = self.recent_deliveries.pop(self.rng.choice(candidates))
		returned = self.rng.randint(1, int(qty))
		sales_return = self.voucher(
			"Delivery Note", day, "17:00", 300, customer=note.fields["customer"], is_return=1, against=note
		)
		sales_return.rows.append((lot.item_code, FINISHED_WAREHOUSE, lot, returned))
		if lot.qty <= 1e-9:
			# Used up, so out of the queue: back in it, in its place by age, as FEFO picks
			# it again. Left out, ten years of returns pile up as stock nobody ships.
			bisect.insort(self.queues[lot.item_code], lot, key=lambda queued: queued.day)
		lot.qty += returned
		self.on_hand[lot.item_code] += returned

	# What the trace of a raw lot will meet ------------------------------------------------------

	def index(self):
		"""Which transformations used each lot, what each made, and where each lot was delivered."""
		self.consumed_by: dict[str, list[Voucher]] = defaultdict(list)
		self.produced: dict[int, list[Lot]] = defaultdict(list)
		self.delivered_to: dict[str, list[str]] = defaultdict(list)
		self.moves: dict[str, int] = defaultdict(int)
		for voucher in self.vouchers:
			transforms = voucher.fields.get("purpose") in TRANSFORMING
			for _item, _warehouse, lot, qty in voucher.rows:
				self.moves[lot.name] += 1
				if transforms:
					if qty < 0:
						self.consumed_by[lot.name].append(voucher)
					else:
						self.produced[id(voucher)].append(lot)
				elif voucher.doctype == "Delivery Note" and qty < 0:
					self.delivered_to[lot.name].append(voucher.fields["customer"])

	def walk(self, start: Lot) -> tuple[dict, list[Lot]]:
		"""Forward from a lot as the trace walks it: transformations, lots, delivery rows."""
		lots, entries, frontier = [start], set(), [start]
		seen = {start.name}
		while frontier:
			reached = []
			for lot in frontier:
				for entry in self.consumed_by[lot.name]:
					if id(entry) not in entries:
						entries.add(id(entry))
						reached += [new for new in self.produced[id(entry)] if new.name not in seen]
						seen |= {new.name for new in reached}
			lots += reached
			frontier = reached
		customers = [customer for lot in lots for customer in self.delivered_to[lot.name]]
		stats = {
			"transformations": len(entries),
			"lots": len(lots),
			"deliveries": len(customers),
			"customers": len(set(customers)),
		}
		return stats, lots

	def pick_lots(self) -> tuple[Lot, dict, Lot]:
		"""A raw lot of the first year whose genealogy is of the median size, and the finished
		lot of that genealogy with the most movements."""
		self.index()
		sizes = [
			(self.walk(lot), lot)
			for lot in self.lots
			if lot.name.startswith("TPB-RM-") and PICK_FROM_DAY < lot.day < PICK_TO_DAY
		]
		sizes.sort(key=lambda pair: (pair[0][0]["deliveries"], pair[1].name))
		(stats, reached), lot = sizes[len(sizes) // 2]
		finished = max(
			(lot for lot in reached if lot.name.startswith("TPB-FG-")), key=lambda lot: self.moves[lot.name]
		)
		return lot, stats, finished


# Writing it as ERPNext would have ---------------------------------------------------------------


class Table:
	"""Rows of one doctype, given as field values, written with one multi-row INSERT per chunk.
	A field the table does not have on this version is left out (Delivery Note has no
	title on the v16 line)."""

	def __init__(self, doctype: str):
		self.doctype = doctype
		self.columns = set(frappe.db.get_table_columns(doctype))
		self.fields: tuple[str, ...] | None = None
		self.rows: list[tuple] = []
		self.written = 0

	def add(self, name: str, created: str, **values):
		values = {
			"name": name,
			"creation": created,
			"modified": created,
			"owner": "Administrator",
			"modified_by": "Administrator",
			**values,
		}
		if self.fields is None:
			self.fields = tuple(field for field in values if field in self.columns)
		self.rows.append(tuple(values[field] for field in self.fields))

	def flush(self):
		if self.rows:
			frappe.db.bulk_insert(self.doctype, self.fields, self.rows, chunk_size=CHUNK)
			self.written += len(self.rows)
			self.rows = []


def seed(lines: int, days: int):
	start = getdate(add_days(nowdate(), -days))
	started = time.perf_counter()
	simulations = [Simulation(ProductLine(number)) for number in range(1, lines + 1)]
	vouchers, lots, rates = [], [], {}
	for simulation in simulations:
		simulation.run(days)
		vouchers += simulation.vouchers
		lots += simulation.lots
		rates |= simulation.rate
	vouchers.sort(key=lambda v: (v.day, v.time))  # stable: each line's own order is kept
	trace_lot, stats, finished_lot = simulations[0].pick_lots()
	print(
		f"simulated {lines} product line(s) over {days} days in {time.perf_counter() - started:.1f} s: "
		f"{len(vouchers)} vouchers, {sum(len(v.rows) for v in vouchers)} ledger entries to write",
		flush=True,
	)
	name_vouchers(vouchers, start)
	clear_partial_seed()
	write_vouchers(vouchers, start, rates)
	write_batches(lots, start)
	write_ledger(vouchers, start, rates)
	write_bins(lots, rates)
	for doctype in ("Stock Ledger Entry", "Serial and Batch Bundle", "Serial and Batch Entry", "Batch"):
		frappe.db.sql(f"analyze table `tab{doctype}`")
	frappe.db.set_value("Batch", finished_lot.name, "description", FINISHED_LOT_MARK)
	frappe.db.set_value("Batch", trace_lot.name, "description", TRACE_LOT_MARK)  # seeding is done
	frappe.db.commit()
	print(
		f"raw lot to trace {trace_lot.name} ({trace_lot.item_code}): forward through "
		f"{stats['transformations']} transformations to {stats['lots']} lots and {stats['deliveries']} "
		f"delivery rows to {stats['customers']} customers",
		flush=True,
	)


def name_vouchers(vouchers: list[Voucher], start: date):
	"""Names in posting order, one series per doctype and year, as ERPNext's naming series give."""
	series = {"Purchase Receipt": "TPB-PRE-", "Stock Entry": "TPB-STE-", "Delivery Note": "TPB-DN-"}
	counters = defaultdict(int)
	for voucher in vouchers:
		prefix = f"{series[voucher.doctype]}{(start + timedelta(days=voucher.day)).year}-"
		counters[prefix] += 1
		voucher.name = f"{prefix}{counters[prefix]:06d}"


def clear_partial_seed():
	for doctype, prefix in BULK_NAMES.items():
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", f"{prefix}%")
	frappe.db.sql(
		"delete from `tabBatch` where name like %s and name not like %s",
		(f"{BULK_BATCH_PREFIX}%", "TPB-REAL-%"),
	)
	frappe.db.sql("delete from `tabBin` where name like %s", "TPB-BIN-%")
	frappe.db.commit()


def stamp(start: date, voucher: Voucher) -> tuple[str, str, str]:
	posting_date = (start + timedelta(days=voucher.day)).isoformat()
	return posting_date, voucher.time, f"{posting_date} {voucher.time}"


def write_vouchers(vouchers: list[Voucher], start: date, rates: dict[str, float]):
	"""The voucher headers: who the stock came from or went to, the purpose of a stock entry."""
	customers = {
		row.name: row
		for row in frappe.get_all("Customer", fields=["name", "customer_name", "customer_group", "territory"])
	}
	tables = {doctype: Table(doctype) for doctype in ("Purchase Receipt", "Stock Entry", "Delivery Note")}
	naming_series = {
		"Purchase Receipt": "MAT-PRE-.YYYY.-",
		"Stock Entry": "MAT-STE-.YYYY.-",
		"Delivery Note": "MAT-DN-.YYYY.-",
	}
	for voucher in vouchers:
		posting_date, posting_time, created = stamp(start, voucher)
		values = {
			"docstatus": 1,
			"naming_series": naming_series[voucher.doctype],
			"company": COMPANY,
			"posting_date": posting_date,
			"posting_time": posting_time,
			"set_posting_time": 1,
		}
		if voucher.doctype == "Stock Entry":
			outgoing = -sum(qty * rates[item] for item, _w, _lot, qty in voucher.rows if qty < 0)
			incoming = sum(qty * rates[item] for item, _w, _lot, qty in voucher.rows if qty > 0)
			purpose = voucher.fields["purpose"]
			values |= {
				"stock_entry_type": purpose,
				"purpose": purpose,
				"is_opening": "No",
				"from_bom": 0,
				"work_order": None,
				"fg_completed_qty": sum(qty for _i, _w, _lot, qty in voucher.rows if qty > 0),
				"total_outgoing_value": round(outgoing, 6),
				"total_incoming_value": round(incoming, 6),
				"value_difference": round(incoming - outgoing, 6),
			}
		else:
			is_return = voucher.fields.get("is_return", 0)
			amount = round(sum(qty * rates[item] * 1.5 for item, _w, _lot, qty in voucher.rows), 2)
			amount = -amount if voucher.doctype == "Delivery Note" else amount  # a delivery's qty is < 0
			values |= {
				"currency": "USD",
				"conversion_rate": 1,
				"price_list_currency": "USD",
				"plc_conversion_rate": 1,
				"language": "en",
				"total_qty": abs(sum(qty for _i, _w, _lot, qty in voucher.rows)) * (-1 if is_return else 1),
				**dict.fromkeys(
					("total", "net_total", "base_total", "base_net_total", "grand_total", "base_grand_total"),
					amount,
				),
				"rounded_total": amount,
				"base_rounded_total": amount,
				"is_return": is_return,
			}
			if voucher.doctype == "Purchase Receipt":
				supplier = voucher.fields["supplier"]
				values |= {
					"title": supplier,
					"supplier": supplier,
					"supplier_name": supplier,
					"buying_price_list": "Standard Buying",
					"status": "To Bill",
				}
			else:
				customer = customers[voucher.fields["customer"]]
				values |= {
					"title": customer.customer_name,
					"customer": customer.name,
					"customer_name": customer.customer_name,
					"customer_group": customer.customer_group,
					"territory": customer.territory,
					"selling_price_list": "Standard Selling",
					"return_against": voucher.fields["against"].name if is_return else None,
					"status": "Return" if is_return else "To Bill",
					"installation_status": "Not Installed",
				}
		table = tables[voucher.doctype]
		table.add(voucher.name, created, **values)
		if len(table.rows) >= CHUNK:
			table.flush()
			frappe.db.commit()
	for table in tables.values():
		table.flush()
		frappe.db.commit()
	print(f"vouchers: {', '.join(f'{t.written} {t.doctype}' for t in tables.values())}", flush=True)


def write_batches(lots: list[Lot], start: date):
	"""Each lot as ERPNext makes it on the receipt or stock entry that brings it in."""
	rng = random.Random(7)
	items = sorted({lot.item_code for lot in lots})
	shelf_life = {item: rng.choice((180, 270, 365, 540, 720)) for item in items}
	table = Table("Batch")
	for lot in lots:
		posting_date, _time, created = stamp(start, lot.origin)
		made = getdate(posting_date) - timedelta(days=rng.randint(5, 60) if lot.supplier else 0)
		table.add(
			lot.name,
			created,
			docstatus=0,
			batch_id=lot.name,
			item=lot.item_code,
			item_name=lot.item_code,
			stock_uom="Nos",
			manufacturing_date=made,
			expiry_date=made + timedelta(days=shelf_life[lot.item_code]),
			batch_qty=lot.balance,
			supplier=lot.supplier,
			tp_supplier_lot=f"L{rng.randint(100000, 999999)}" if lot.supplier else None,
			reference_doctype=lot.origin.doctype,
			reference_name=lot.origin.name,
			use_batchwise_valuation=1,
			disabled=0,
		)
	table.flush()
	frappe.db.commit()
	print(f"batches: {table.written}", flush=True)


def write_ledger(vouchers: list[Voucher], start: date, rates: dict[str, float]):
	"""One Stock Ledger Entry, one bundle and its one entry per voucher row, in posting order."""
	ledger = Table("Stock Ledger Entry")
	bundles = Table("Serial and Batch Bundle")
	entries = Table("Serial and Batch Entry")
	stock = defaultdict(float)  # per item and warehouse: the ledger's qty_after_transaction
	lot_stock = defaultdict(float)
	number = 0
	for voucher in vouchers:
		posting_date, posting_time, stamp_at = stamp(start, voucher)
		transforms = voucher.fields.get("purpose") in TRANSFORMING
		rows = voucher.rows
		finished_row = None
		if transforms:  # consumption first, as ERPNext posts a stock entry's rows
			rows = sorted(rows, key=lambda row: row[3] > 0)
			finished_row = f"TPB-ROW-{number + 1 + sum(row[3] < 0 for row in rows):07d}"
		for item_code, warehouse, lot, qty in rows:
			number += 1
			detail, bundle = f"TPB-ROW-{number:07d}", f"TPB-SABB-{number:07d}"
			created = f"{stamp_at}.{number % 1_000_000:06d}"
			rate = rates[item_code]
			value = round(qty * rate, 6)
			inward = qty > 0
			stock[(item_code, warehouse)] += qty
			lot_stock[(lot.name, warehouse)] += qty
			if lot_stock[(lot.name, warehouse)] < -1e-9:
				raise RuntimeError(f"{lot.name} below zero in {warehouse} at {voucher.name}")
			after = stock[(item_code, warehouse)]
			ledger.add(
				f"TPB-SLE-{number:07d}",
				created,
				docstatus=1,
				is_cancelled=0,
				company=COMPANY,
				fiscal_year=posting_date[:4],
				posting_date=posting_date,
				posting_time=posting_time,
				posting_datetime=stamp_at,
				voucher_type=voucher.doctype,
				voucher_no=voucher.name,
				voucher_detail_no=detail,
				item_code=item_code,
				warehouse=warehouse,
				stock_uom="Nos",
				actual_qty=qty,
				qty_after_transaction=after,
				incoming_rate=rate if inward else 0,
				outgoing_rate=0,
				valuation_rate=rate,
				stock_value=round(after * rate, 6),
				stock_value_difference=value,
				stock_queue="[]",
				serial_and_batch_bundle=bundle,
				has_batch_no=1,
				has_serial_no=0,
				to_rename=1,
				recalculate_rate=1 if transforms and inward else 0,
				dependant_sle_voucher_detail_no=finished_row if transforms and not inward else None,
			)
			bundles.add(
				bundle,
				created,
				docstatus=1,
				is_cancelled=0,
				naming_series="SABB-.########",
				company=COMPANY,
				item_code=item_code,
				item_name=item_code,
				item_group=ITEM_GROUP,
				has_batch_no=1,
				has_serial_no=0,
				warehouse=warehouse,
				type_of_transaction="Inward" if inward else "Outward",
				total_qty=qty,
				avg_rate=rate,
				total_amount=value,
				voucher_type=voucher.doctype,
				voucher_no=voucher.name,
				voucher_detail_no=detail,
				posting_date=posting_date,
				posting_time=posting_time,
			)
			entries.add(
				f"TPB-SBE-{number:07d}",
				created,
				docstatus=1,
				idx=1,
				parent=bundle,
				parentfield="entries",
				parenttype="Serial and Batch Bundle",
				batch_no=lot.name,
				qty=qty,  # signed, as ERPNext sums it for a batch's balance
				warehouse=warehouse,
				incoming_rate=rate,
				stock_value_difference=value,
				is_outward=0 if inward else 1,
			)
		if len(ledger.rows) >= CHUNK:
			for table in (ledger, bundles, entries):
				table.flush()
			frappe.db.commit()
	for table in (ledger, bundles, entries):
		table.flush()
	frappe.db.commit()
	print(f"stock ledger entries: {ledger.written}", flush=True)


def write_bins(lots: list[Lot], rates: dict[str, float]):
	stock = defaultdict(float)
	for lot in lots:
		stock[(lot.item_code, lot.warehouse)] += lot.balance
	table = Table("Bin")
	now = frappe.utils.now()
	for n, ((item_code, warehouse), qty) in enumerate(sorted(stock.items()), 1):
		table.add(
			f"TPB-BIN-{n:04d}",
			now,
			item_code=item_code,
			warehouse=warehouse,
			actual_qty=qty,
			projected_qty=qty,
			stock_uom="Nos",
			valuation_rate=rates[item_code],
			stock_value=round(qty * rates[item_code], 6),
		)
	table.flush()
	frappe.db.commit()


# Timings -----------------------------------------------------------------------------------------


def check_batch_balances():
	"""The app keeps each batch's stock per warehouse as vouchers post; the bulk rows above
	bypass that, as stock posted before the app was installed does. Install and migrate
	count such stock with the same rebuild, which is also the nightly check: timed here,
	and run again to show that a table in step with the ledger needs no correction."""
	from traceability_plus.stock_tracking.batch_warehouse_balance import rebuild

	figures = {}
	for label in ("rebuild", "nightly check", "nightly check, memory traced"):
		traced = "traced" in label
		if traced:
			tracemalloc.start()
		started = time.perf_counter()
		corrected = rebuild()
		elapsed = time.perf_counter() - started
		peak = tracemalloc.get_traced_memory()[1] if traced else None
		if traced:
			tracemalloc.stop()
		print(
			f"Batch Warehouse Balance {label}: {elapsed:.2f} s, {corrected} corrected"
			+ (f", peak Python memory {peak / 2**20:.1f} MiB" if traced else ""),
			flush=True,
		)
		figures[label] = (elapsed, peak)
	print(f"  (the long queue's job timeout: {long_queue_timeout()} s)\n")
	return figures


def long_queue_timeout() -> int:
	from frappe.utils.background_jobs import get_queues_timeout

	return get_queues_timeout()["long"]


def time_side_by_side(rounds: int, run_ours, run_theirs):
	"""Both reports, one after the other in each round, after one untimed round: a machine
	whose speed drifts (a shared one does) then slows both alike."""
	run_ours()
	run_theirs()
	ours_times, theirs_times = [], []
	for _round in range(rounds):
		started = time.perf_counter()
		our_result = run_ours()
		ours_times.append(time.perf_counter() - started)
		started = time.perf_counter()
		their_result = run_theirs()
		theirs_times.append(time.perf_counter() - started)
	return ours_times, our_result, theirs_times, their_result


# The capability each of the app's reports belongs to.
REPORT_MODULES = {"recall_trace": "recall", "mock_recall_drills": "recall"}


def ours(report: str):
	capability = REPORT_MODULES.get(report, "stock_tracking")
	return importlib.import_module(f"traceability_plus.{capability}.report.{report}.{report}").execute


def erpnext(report: str):
	return importlib.import_module(f"erpnext.stock.report.{report}.{report}").execute


def print_times(label: str, times: list[float], rows: int):
	each = ", ".join(f"{t:.3f}" for t in times)
	print(f"  {label}: {each} s; median {statistics.median(times):.3f} s, {rows} rows", flush=True)


def trace_shape(result) -> str:
	rows = [row for row in result[1] if not row.get("is_heading")]
	levels = max((row.get("level") or 0 for row in rows), default=0)
	summary = {item["label"]: item["value"] for item in result[4] or []}
	reached = ", ".join(
		f"{k.lower()} {summary[k]}"
		for k in ("Vouchers Reached", "Customers Reached", "Unexplained Difference")
		if k in summary
	)
	return f"{len(rows)} movements over {levels} levels; {reached}"


class QueryRecorder:
	"""Every SQL statement run inside the block, with its time."""

	def __enter__(self):
		self.queries = []
		self.original = frappe.db.sql

		def sql(query, *args, **kwargs):
			started = time.perf_counter()
			try:
				return self.original(query, *args, **kwargs)
			finally:
				values = args[0] if args else kwargs.get("values", ())
				self.queries.append((time.perf_counter() - started, str(query), values))

		frappe.db.sql = sql
		return self

	def __exit__(self, *exc):
		del frappe.db.sql  # the instance attribute set above: the class's method is back


def query_shape(query: str) -> str:
	"""A statement with its values taken out, so that the same query for other lots counts once."""
	shape = re.sub(r"'(?:[^'\\]|\\.)*'|%\(\w+\)s|%s|\b\d+(?:\.\d+)?\b", "?", " ".join(query.split()))
	return re.sub(r"\(\?(?:,\s*\?)*\)", "(?...)", shape)


def abridged(shape: str) -> str:
	"""FROM ... onwards, without the select list."""
	return shape[shape.find(" FROM ") + 1 :] if " FROM " in shape else shape


def print_queries(label: str, run, explain: int = 2):
	"""The SQL a report runs once, by shape, and the EXPLAIN of its costliest ledger queries."""
	with QueryRecorder() as recorder:
		run()
	by_shape = defaultdict(list)
	for query in recorder.queries:
		by_shape[query_shape(query[1])].append(query)
	total = sum(elapsed for elapsed, _query, _values in recorder.queries)
	print(f"\n{label}: {len(recorder.queries)} SQL statements, {total:.3f} s in SQL")
	shapes = sorted(by_shape.items(), key=lambda pair: -sum(q[0] for q in pair[1]))
	for shape, queries in shapes[:6]:
		print(f"  {len(queries):>3} x {sum(q[0] for q in queries):.3f} s  {abridged(shape)[:240]}")
	ledger_shapes = [
		(shape, queries)
		for shape, queries in shapes
		if shape.upper().startswith("SELECT")
		and ("Stock Ledger Entry" in shape or "Serial and Batch" in shape)
	]
	for shape, queries in ledger_shapes[:explain]:
		elapsed, query, values = max(queries, key=lambda q: q[0])
		print(f"  EXPLAIN of the slowest ({elapsed:.3f} s) {abridged(shape)[:100]}...")
		try:
			plan = frappe.db.sql(f"explain {query}", values, as_dict=True)
		except Exception as error:  # an EXPLAIN is a nice-to-have
			print(f"    (no EXPLAIN: {error})")
			continue
		for step in plan:
			print(
				f"    {step.get('table')}: type {step.get('type')}, key {step.get('key')}, "
				f"rows {step.get('rows')}, {step.get('Extra') or ''}"
				+ ("  <- FULL SCAN" if step.get("type") == "ALL" else "")
			)


def run_timings(rounds: int) -> dict[str, tuple[float, float]]:
	"""Each report next to ERPNext's closest; returns {key: (our median, ERPNext's median)}."""
	trace_lot = frappe.db.get_value("Batch", {"description": TRACE_LOT_MARK})
	finished_lot = frappe.db.get_value("Batch", {"description": FINISHED_LOT_MARK})
	today = nowdate()
	from_date = str(add_days(first_posting_date(), -1))
	print(f"frappe {frappe.__version__}, erpnext {importlib.import_module('erpnext').__version__}")
	print(
		f"stock ledger entries {frappe.db.count('Stock Ledger Entry')}, "
		f"batches {frappe.db.count('Batch')}, "
		f"bundles {frappe.db.count('Serial and Batch Bundle')}, "
		f"bundle entries {frappe.db.count('Serial and Batch Entry')}, "
		f"customers {frappe.db.count('Customer')}, first posting {from_date}"
	)
	print(f"raw lot traced: {trace_lot}; small lot: {SMALL_LOT}; finished lot: {finished_lot}\n")

	# Every report's module is imported here, so that no timing includes an import.
	stock_ledger_report = erpnext("stock_ledger")
	balance_history = erpnext("batch_wise_balance_history")
	expiry_status = erpnext("batch_item_expiry_status")
	trace = ours("recall_trace")

	def stock_ledger(lot):
		filters = frappe._dict(company=COMPANY, from_date=from_date, to_date=today, batch_no=lot)
		return lambda: stock_ledger_report(filters)

	def recall_trace(lot):
		return lambda: trace({"company": COMPANY, "batch_no": lot, "direction": "Both"})

	def our_report(report, **filters):
		execute = ours(report)
		return lambda: execute({"company": COMPANY, **filters})

	def balance_history_on(to_date):
		filters = frappe._dict(
			company=COMPANY, from_date=from_date, to_date=to_date, warehouse=ALL_WAREHOUSES
		)
		return lambda: balance_history(filters)

	ledger = "Stock Ledger, that batch"
	history = f"Batch-Wise Balance History, {ALL_WAREHOUSES}"
	comparisons = [
		(
			"trace raw",
			f"Recall Trace, Both, raw lot {trace_lot}",
			recall_trace(trace_lot),
			ledger,
			stock_ledger(trace_lot),
		),
		(
			"trace finished",
			f"Recall Trace, Both, finished lot {finished_lot}",
			recall_trace(finished_lot),
			ledger,
			stock_ledger(finished_lot),
		),
		(
			"trace small",
			f"Recall Trace, Both, small lot {SMALL_LOT}",
			recall_trace(SMALL_LOT),
			ledger,
			stock_ledger(SMALL_LOT),
		),
		(
			"batch ledger",
			f"Batch Stock Ledger, finished lot {finished_lot}",
			our_report("batch_stock_ledger", batch_no=finished_lot),
			ledger,
			stock_ledger(finished_lot),
		),
		(
			"balance today",
			"Batch Stock Balance, company, today",
			our_report("batch_stock_balance", to_date=today),
			history,
			balance_history_on(today),
		),
	]
	for days_ago in PAST_DATES:
		on_date = add_days(today, -days_ago)
		comparisons.append(
			(
				f"balance -{days_ago}",
				f"Batch Stock Balance, company, {days_ago} days ago",
				our_report("batch_stock_balance", to_date=on_date),
				history,
				balance_history_on(on_date),
			)
		)
	comparisons.append(
		(
			"expiry",
			"Batch Expiry Status, company",
			our_report("batch_expiry_status"),
			"Batch Item Expiry Status, every batch",
			lambda: expiry_status(frappe._dict(from_date=from_date, to_date=today)),
		)
	)
	table = []
	for key, label, run_ours, erpnext_label, run_erpnext in comparisons:
		print(label)
		our_times, result, their_times, their_result = time_side_by_side(rounds, run_ours, run_erpnext)
		print_times("ours", our_times, len(result[1]))
		if label.startswith("Recall Trace"):
			print(f"  trace: {trace_shape(result)}")
		print_times(f"ERPNext's {erpnext_label}", their_times, len(their_result[1]))
		ratio = statistics.median(
			[mine / theirs for mine, theirs in zip(our_times, their_times, strict=True)]
		)
		table.append(
			(key, label, our_times, len(result[1]), erpnext_label, their_times, len(their_result[1]), ratio)
		)

	print(f"\nmedian of {rounds} rounds, seconds; ratio: median of each round's ours / ERPNext's")
	print(f"{'report':<52} {'s':>7} {'rows':>7}   {'ERPNext closest':<58} {'s':>7} {'rows':>7} {'ratio':>6}")
	for _key, label, our_times, our_rows, erpnext_label, their_times, their_rows, ratio in table:
		print(
			f"{label:<52} {statistics.median(our_times):7.3f} {our_rows:>7}   "
			f"{erpnext_label:<58} {statistics.median(their_times):7.3f} {their_rows:>7} {ratio:6.2f}"
		)

	compare_balance_methods(rounds, today)
	runs = {row[0]: row[2] for row in comparisons}
	for key, label, *_figures in table:
		if key in ("trace raw", "trace small", "balance today", f"balance -{PAST_DATES[-1]}", "expiry"):
			print_queries(label, runs[key])
	return {
		key: (statistics.median(our_times), statistics.median(their_times))
		for key, _label, our_times, _rows, _erpnext, their_times, *_rest in table
	}


PAST_DATES = (30, 365)  # days back that Batch Stock Balance is timed on, besides today


def first_posting_date():
	return frappe.db.sql("select min(posting_date) from `tabStock Ledger Entry`")[0][0]


def compare_balance_methods(rounds: int, today: str):
	"""Batch Stock Balance's way to a date's balances (the kept balances and months, and at
	most a month of the ledger) next to the plain sum of the ledger up to the date (what
	the report did before, and what a naive report does), on the same dates. Same numbers,
	or the differences are counted."""
	from traceability_plus.stock_tracking.batch_stock import batch_balances
	from traceability_plus.stock_tracking.batch_warehouse_balance import balances_on

	def by_pair(rows):
		return {(row.batch_no, row.warehouse): (round(row.qty, 6), round(row.stock_value, 3)) for row in rows}

	print("\nBatch Stock Balance's method next to the ledger's sum, company-wide, median seconds")
	for days_ago in (0, *PAST_DATES):
		on_date = getdate(add_days(today, -days_ago))
		kept_times, kept, summed_times, summed = time_side_by_side(
			rounds,
			lambda on_date=on_date: balances_on(COMPANY, on_date),
			lambda on_date=on_date: batch_balances(COMPANY, to_date=on_date),
		)
		kept, summed = by_pair(kept), by_pair(summed)
		differences = sum(kept.get(pair) != summed.get(pair) for pair in kept.keys() | summed.keys())
		print(
			f"  {on_date} ({days_ago} days ago): kept balances and months "
			f"{statistics.median(kept_times):.3f} s, ledger sum {statistics.median(summed_times):.3f} s, "
			f"{len(kept)} balances, {'same numbers' if not differences else f'{differences} DIFFER'}",
			flush=True,
		)


def print_growth(results: dict[str, tuple[int, dict]]):
	"""Each report's median on every site, smallest ledger first, and how much it grew."""
	sites = sorted(results, key=lambda site: results[site][0])
	if len(sites) < 2:
		return
	print("\nGrowth with the ledger: median seconds, ours / ERPNext's closest")
	header = "".join(f"{f'{results[site][0]:,} entries':>26}" for site in sites)
	print(f"{'report':<22}{header}{'growth ours':>14}{'ERPNext':>10}")
	first, last = results[sites[0]][1], results[sites[-1]][1]
	for key in first:
		if key not in last:
			continue
		cells = "".join(
			f"{results[site][1][key][0]:>12.3f} / {results[site][1][key][1]:>9.3f}" for site in sites
		)
		ours_growth = last[key][0] / first[key][0] if first[key][0] else float("nan")
		their_growth = last[key][1] / first[key][1] if first[key][1] else float("nan")
		print(f"{key:<22}{cells}{ours_growth:>13.2f}x{their_growth:>9.2f}x")


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", action="append", required=True, help="repeat to time several sites")
	parser.add_argument(
		"--scale",
		type=int,
		action="append",
		help=f"ledger entries to seed, one per --site (default {DEFAULT_SCALE:,})",
	)
	parser.add_argument(
		"--seed", action="store_true", help="fill each site with the data first, if not there"
	)
	parser.add_argument("--rounds", type=int, default=3)
	args = parser.parse_args()
	scales = args.scale or [DEFAULT_SCALE] * len(args.site)
	if len(scales) != len(args.site):
		parser.error("give one --scale per --site")
	results = {}
	for site, scale in zip(args.site, scales, strict=True):
		print(f"== {site} ==", flush=True)
		results[site] = time_site(site, scale, args.seed, args.rounds)
	print_growth(results)


def time_site(site: str, scale: int, seed_it: bool, rounds: int) -> tuple[int, dict]:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		seeded = frappe.db.exists("Batch", {"description": TRACE_LOT_MARK})
		if not seeded and not seed_it:
			raise SystemExit(f"{site} has no benchmark data yet: run with --seed")
		if not seeded:
			lines, days = plan(scale)
			started = time.perf_counter()
			prepare_masters(lines, days)
			print(f"master data in {time.perf_counter() - started:.1f} s", flush=True)
			make_real_chain()
			seed(lines, days)
			print(f"seeded in {time.perf_counter() - started:.1f} s\n", flush=True)
		figures = {
			f"balance {label}": (elapsed, 0.0)
			for label, (elapsed, _peak) in check_batch_balances().items()
			if "traced" not in label
		}
		entries = frappe.db.count("Stock Ledger Entry")
		return entries, run_timings(rounds) | figures
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
