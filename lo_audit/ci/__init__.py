"""The programs GitHub Actions runs: the issue writer, the comparative merge, the history branch, councils.yml."""
