"""Figure builders for the commitments page: pure functions (rows, *, lang, ...) -> go.Figure."""
