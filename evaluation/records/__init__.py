"""Leave and discipline records, kept by the personnel office; they feed E1–E4 and D1–D3."""
