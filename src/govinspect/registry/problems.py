"""Collecting every bad row of a file so the user can fix them all in one pass."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import RegistryError


class RegistryErrors(RegistryError):
    """Several invalid rows of one file; ``errors`` holds one RegistryError per problem."""

    def __init__(self, errors: Iterable[RegistryError]):
        self.errors: list[RegistryError] = list(errors)
        if not self.errors:
            raise ValueError("RegistryErrors needs at least one error")
        first = self.errors[0]
        self.file, self.row, self.field = first.file, first.row, first.field
        text = str(first)
        if len(self.errors) > 1:
            text += f" 等 {len(self.errors)} 处错误"
        # Skip RegistryError.__init__: the text is already formatted by the first error.
        Exception.__init__(self, text)


def row_error(
    file: str, message: str, row: int | None, field: str | None, unit: str = "行"
) -> RegistryError:
    """A RegistryError whose place reads "第N条" instead of "第N行" when ``unit`` says so."""
    err = RegistryError(file, message, row, field)
    if unit != "行" and row is not None:
        # JSON records have no rows the user can see; name the item's position instead.
        err.args = (str(err).replace(f" 第{row}行", f" 第{row}{unit}", 1),)
    return err


class Problems:
    """An accumulator of RegistryErrors that raises them together at the end."""

    def __init__(self) -> None:
        self.errors: list[RegistryError] = []

    def add(self, error: RegistryError) -> None:
        self.errors.append(error)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        """Raise one RegistryErrors listing every collected problem, in file order."""
        if self.errors:
            order: dict[str, int] = {}
            for e in self.errors:
                order.setdefault(e.file, len(order))
            self.errors.sort(key=lambda e: (order[e.file], e.row or 0))
            raise RegistryErrors(self.errors)
