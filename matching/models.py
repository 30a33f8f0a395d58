"""Match runs, proposals, commitments, partnerships and progress reports."""
