"""Numbers as Vietnamese reports write them: 1.234 (thousands with dots), 10,2 (a decimal comma)."""


def number_vi(value, decimals: int = 1) -> str:
    """1234 → "1.234"; 10.25 → "10,3" (or as many decimals as asked; trailing ",0" dropped); None → "—"."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.{decimals}f}"
    else:
        text = f"{int(value):,}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
