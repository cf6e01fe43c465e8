"""Figure builders for the datasets page: pure functions (rows, *, lang, ...) -> go.Figure."""
