"""Running balances of stock movements."""

from collections.abc import Iterable


def lowest_running_balance(opening: float, movements: Iterable[float]) -> float:
	"""The lowest balance reached from `opening` through signed movements, in order."""
	balance = lowest = opening
	for qty in movements:
		balance += qty
		lowest = min(lowest, balance)
	return lowest


def running_balances(
	movements: Iterable[tuple[str, float]], opening: dict[str, float] | None = None
) -> list[float]:
	"""The balance after each (place, signed quantity) movement, kept per place, in order."""
	balances = dict(opening or {})
	after = []
	for place, qty in movements:
		balances[place] = balances.get(place, 0.0) + qty
		after.append(balances[place])
	return after
